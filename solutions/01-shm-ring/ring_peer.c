/*
 * ring_peer.c - lab 01, step 5: is the other side still there?
 *
 * A side that waits for its peer must not wait for a dead process. Nothing
 * in shared memory tells it that the peer died: the pages simply stop
 * changing. So a waiting side wakes up every RING_LIVENESS_MS and asks the
 * kernel about the peer's pid, which each side writes into the header when
 * it takes its role (and replaces with RING_PID_LEFT when it detaches).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "ring.h"
#include "ring_internal.h"
#include "trace.h"

bool ring_process_gone(int32_t pid)
{
    /* Signal 0 checks that pid exists without sending anything. EPERM
     * means it exists but belongs to someone else. */
    if (kill((pid_t)pid, 0) == -1 && errno == ESRCH)
        return true;
    /* A process that has died but that its parent has not waited for yet is
     * a zombie: kill() still finds it. Its state in /proc/PID/stat is 'Z'. */
    char path[64], stat_line[512];
    snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd == -1)
        return errno == ENOENT;
    ssize_t n = read(fd, stat_line, sizeof stat_line - 1);
    close(fd);
    if (n <= 0)
        return false; /* cannot tell: assume alive, and ask again later */
    stat_line[n] = '\0';
    /* "pid (command) S ...": the command may hold spaces, so find the last ')'. */
    const char *paren = strrchr(stat_line, ')');
    if (paren == NULL || paren[1] != ' ')
        return false;
    return paren[2] == 'Z' || paren[2] == 'X';
}

int ring_may_keep_waiting(const struct ring *r, enum ring_role me, bool ask_kernel)
{
    if (r->stop != NULL && *r->stop) {
        errno = EINTR;
        return -1;
    }
    bool producer = me == RING_PRODUCER;
    int32_t pid = atomic_load(producer ? &r->shared->consumer_pid : &r->shared->producer_pid);
    bool gone = pid == RING_PID_LEFT || (ask_kernel && pid > 0 && ring_process_gone(pid));
    if (!gone)
        return 0; /* alive, or not attached yet: keep waiting */
    trace_note("the %s (pid %ld) is gone", producer ? "consumer" : "producer", (long)pid);
    errno = producer ? EPIPE : ECONNRESET;
    return -1;
}

void ring_set_stop_flag(struct ring *r, volatile sig_atomic_t *flag)
{
    r->stop = flag;
}

/* True once the side(s) that `r` waits for have taken their role. */
static bool peer_has_attached(const struct ring *r)
{
    bool producer_came = atomic_load(&r->shared->producer_pid) != RING_PID_NONE;
    bool consumer_came = atomic_load(&r->shared->consumer_pid) != RING_PID_NONE;
    switch (r->role) {
    case RING_PRODUCER:
        return consumer_came;
    case RING_CONSUMER:
        return producer_came;
    case RING_BOTH:
        return true;
    default:
        return producer_came && consumer_came;
    }
}

int ring_wait_for_peer(struct ring *r, int timeout_ms)
{
    if (r->shared == NULL) {
        errno = EINVAL;
        return -1;
    }
    uint64_t deadline = clock_now_ns() + (uint64_t)timeout_ms * 1000000u;
    /* Not a hot path: a plain poll every 10 ms is simple and costs nothing. */
    while (!peer_has_attached(r)) {
        if (r->stop != NULL && *r->stop) {
            errno = EINTR;
            return -1;
        }
        if (timeout_ms >= 0 && clock_now_ns() >= deadline) {
            errno = ETIMEDOUT;
            return -1;
        }
        clock_sleep_ms(10);
    }
    return 0;
}
