/*
 * ring_helpers.c - what the tests of lab 01 share (ring_helpers.h): making
 * and looking at rings, the test's child processes, and the watchdog's view
 * of a ring. Each helper fails the test with the reason when it cannot do
 * its job.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "agent_services.h"
#include "boundary.h"
#include "checksum.h"
#include "clock.h"
#include "err.h"
#include "grader.h"
#include "names.h"
#include "ring.h"
#include "ring_test.h"
#include "trace.h"

#include "ring_helpers.h"

const enum ring_mode BOTH_MODES[2] = {RING_LOCK, RING_LOCKFREE};

/* ---- helpers ---------------------------------------------------------- */

const char *mode_name(enum ring_mode mode)
{
    return mode == RING_LOCK ? "lock mode (Part A)" : "lockfree mode (Part B)";
}

void new_name(char *buf, size_t size)
{
    ck_assert_msg(names_shm(buf, size, "ring") == 0, "test setup: names_shm failed");
}

/* Creates a ring or fails the test with the reason. */
void create_ring(struct ring *r, const char *name, size_t capacity, enum ring_mode mode,
                 enum ring_role role)
{
    int rc = ring_create(r, name, capacity, mode, role);
    REQUIRE_IMPL(rc, "ring_create");
    ck_assert_msg(rc == 0, "ring_create(\"%s\", %zu, %s) failed: %s", name, capacity,
                  mode_name(mode), errno_name(errno));
}

void destroy_ring(struct ring *r)
{
    int rc = ring_destroy(r);
    REQUIRE_IMPL(rc, "ring_destroy");
    ck_assert_msg(rc == 0, "ring_destroy failed: %s", errno_name(errno));
}

/* Runs check once per mode (Part A, then Part B), each time on a new ring of
 * capacity bytes with both roles under a fresh name, and destroys the ring
 * after it: the setup that most tests of one process share. */
void in_both_modes(size_t capacity, ring_check check)
{
    for (size_t k = 0; k < 2; k++) {
        char name[128];
        new_name(name, sizeof name);
        struct ring r;
        create_ring(&r, name, capacity, BOTH_MODES[k], RING_BOTH);
        check(&r, name, BOTH_MODES[k]);
        destroy_ring(&r);
    }
}

/* Runs check in each mode, Part A first, with a fresh name for the ring it
 * makes itself: for the checks that must make it their own way. */
void for_both_modes(name_check check)
{
    for (size_t k = 0; k < 2; k++) {
        char name[128];
        new_name(name, sizeof name);
        check(name, BOTH_MODES[k]);
    }
}

bool shm_exists(const char *name)
{
    int fd = shm_open(name, O_RDONLY, 0);
    if (fd == -1)
        return false;
    close(fd);
    return true;
}

struct view view_ring(const char *name)
{
    int fd = shm_open(name, O_RDWR, 0);
    ck_assert_msg(fd != -1, "test setup: shm_open(\"%s\") to look at the ring: %s", name,
                  strerror(errno));
    struct stat st;
    ck_assert_msg(fstat(fd, &st) == 0 && st.st_size >= RING_HEADER_SIZE,
                  "test setup: the ring %s is smaller than its header", name);
    void *p = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    ck_assert_msg(p != MAP_FAILED, "test setup: mmap of the ring %s: %s", name, strerror(errno));
    return (struct view){.shared = p, .size = (size_t)st.st_size};
}

void unview_ring(struct view *v)
{
    if (v->shared != NULL)
        munmap(v->shared, v->size);
    v->shared = NULL;
}

/* Descriptors the student's process holds between calls (boundary.h). */
int student_fds(char *list, size_t size)
{
    int count = boundary_agent_fds(boundary_agent_pid(), list, size);
    ck_assert_msg(count >= 0, "test setup: the student's process cannot be looked at");
    return count;
}

/* A seed for the bytes of a stream, new each run: the student's code cannot
 * know what is coming before it arrives. */
uint64_t fresh_seed(void)
{
    return clock_now_ns() * 6364136223846793005u ^ (uint64_t)getpid();
}

/* Makes a shared-memory object that is not a ring: size bytes, starting with len bytes. */
void make_object(const char *name, const void *bytes, size_t len, size_t size)
{
    int fd = shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600);
    ck_assert_msg(fd != -1, "test setup: shm_open %s: %s", name, strerror(errno));
    ck_assert_msg(ftruncate(fd, (off_t)size) == 0, "test setup: ftruncate: %s", strerror(errno));
    ck_assert_msg(pwrite(fd, bytes, len, 0) == (ssize_t)len, "test setup: pwrite");
    close(fd);
}

/* Sends without waiting, or fails the test. */
void send_now(struct ring *r, const void *data, size_t len, enum ring_mode mode)
{
    int rc = ring_try_send(r, data, len);
    REQUIRE_IMPL(rc, "ring_try_send");
    ck_assert_msg(rc == 0, "%s: ring_try_send(%zu bytes) failed: %s", mode_name(mode), len,
                  strerror(errno));
}

/* Receives without waiting, or fails the test; returns the length. */
size_t recv_now(struct ring *r, void *buf, size_t cap, enum ring_mode mode)
{
    size_t len = (size_t)-1;
    int rc = ring_try_recv(r, buf, cap, &len);
    REQUIRE_IMPL(rc, "ring_try_recv");
    ck_assert_msg(rc == 1, "%s: ring_try_recv returned %d (%s), expected 1 (a message)",
                  mode_name(mode), rc, rc == -1 ? strerror(errno) : "end of stream");
    return len;
}

/* The wait status of process pid, a child of the student's process, once
 * it has ended and waits as a zombie for its parent: what waitpid() would
 * say, read from outside (/proc/PID/stat, field 52). Waits up to
 * timeout_ms for it to end; -1 if it did not, or cannot be seen. */
int zombie_status(pid_t pid, int timeout_ms)
{
    uint64_t give_up = clock_now_ns() + (uint64_t)grade_timeout_ms(timeout_ms) * 1000000u;
    char path[64], line[1024];
    snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
    do {
        FILE *f = fopen(path, "r");
        if (f == NULL)
            return -1;
        bool read_it = fgets(line, sizeof line, f) != NULL;
        fclose(f);
        /* The fields after the name, which ends with the last ')': state (3) first. */
        const char *after = read_it ? strrchr(line, ')') : NULL;
        if (after != NULL && after[1] == ' ' && after[2] == 'Z') {
            const char *field = after + 2;
            for (int n = 3; n < 52 && field != NULL; n++) {
                field = strchr(field, ' ');
                field = field != NULL ? field + 1 : NULL;
            }
            return field != NULL ? atoi(field) : -1;
        }
        clock_sleep_ms(10);
    } while (clock_now_ns() < give_up);
    return -1;
}

/* ---- children --------------------------------------------------------- */

_Noreturn void child_fail(enum child_result code, const char *what)
{
    if (errno == ENOSYS)
        _exit(CHILD_NOT_IMPLEMENTED);
    /* errno is named only when it says something: a call that returned 0 or
     * a wrong value leaves an old, unrelated errno behind. */
    fprintf(stderr, "test child %ld: %s%s%s\n", (long)getpid(), what, errno ? ": " : "",
            errno ? errno_name(errno) : "");
    _exit(code);
}

const char *child_reason(int code)
{
    switch (code) {
    case CHILD_ATTACH_FAILED:
        return "ring_attach failed";
    case CHILD_SEND_FAILED:
        return "ring_send failed";
    case CHILD_RECV_FAILED:
        return "ring_recv failed";
    case CHILD_WRONG_DATA:
        return "it received wrong data";
    case CHILD_EOF_FAILED:
        return "ring_send_eof failed";
    case CHILD_DETACH_FAILED:
        return "ring_detach failed";
    case CHILD_LOST_WAKEUP:
        return "its ring counted lost wake-ups (sleeps ended by RING_LIVENESS_MS, not by a "
               "wake-up)";
    default:
        return "unexpected exit status";
    }
}

/* Waits for the child's "ready" on ready_fd, then closes it; on failure,
 * reports what the child said. */
static void expect_ready(pid_t pid, int ready_fd, const char *who)
{
    struct pollfd p = {.fd = ready_fd, .events = POLLIN};
    char byte;
    bool ready = poll(&p, 1, 10000) == 1 && read(ready_fd, &byte, 1) == 1;
    close(ready_fd);
    if (ready)
        return;
    int status = grade_wait_child(pid, 2000);
    if (status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == CHILD_NOT_IMPLEMENTED)
        ck_abort_msg("not implemented yet: a ring function returned ENOSYS in the %s child", who);
    ck_abort_msg("the %s child never became ready: it %s (%s)", who,
                 status == -1 ? "hung" : grade_describe_status(status),
                 status != -1 && WIFEXITED(status) ? child_reason(WEXITSTATUS(status)) : "");
}

/*
 * Forks a child that runs body(arg) and waits for its "ready" (say_ready());
 * when it never comes, fails the test with what the child, named who, said.
 */
struct child start_child(child_body body, const void *arg, const char *who)
{
    int fds[2];
    ck_assert_msg(pipe(fds) == 0, "test setup: pipe: %s", strerror(errno));
    pid_t pid = fork();
    ck_assert_msg(pid != -1, "test setup: fork: %s", strerror(errno));
    if (pid == 0) {
        close(fds[0]);
        body(arg, fds[1]);
        _exit(CHILD_OK);
    }
    close(fds[1]);
    expect_ready(pid, fds[0], who);
    return (struct child){.pid = pid};
}

void say_ready(int ready_fd)
{
    char byte = 'r';
    if (write(ready_fd, &byte, 1) != 1)
        _exit(99);
    close(ready_fd);
}

/* Waits for a child that should succeed; fails the test otherwise. */
void expect_child_ok(pid_t pid, int timeout_ms, const char *who)
{
    int status = grade_wait_child(pid, timeout_ms);
    ck_assert_msg(status != -1, "the %s child did not finish within %d ms: it hung", who,
                  timeout_ms);
    if (WIFEXITED(status) && WEXITSTATUS(status) == CHILD_NOT_IMPLEMENTED)
        ck_abort_msg("not implemented yet: a ring function returned ENOSYS in the %s child", who);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == CHILD_OK, "the %s child %s: %s", who,
                  grade_describe_status(status),
                  WIFEXITED(status) ? child_reason(WEXITSTATUS(status)) : "it crashed");
}

/* ---- the watchdog's view of a ring (tests/grader/watch.c) ---- */

/* Both sides asleep now, and still 2 ms later with nothing moved? A correct
 * handshake lets that last microseconds at most. */
static bool both_asleep(const struct ring_shared *s, uint64_t indices)
{
    for (int look = 0; look < 2; look++) {
        if (look > 0)
            clock_sleep_ms(2);
        if (!atomic_load(&s->consumer_sleeping) || !atomic_load(&s->producer_sleeping) ||
            atomic_load(&s->head) + atomic_load(&s->tail) != indices)
            return false;
    }
    return true;
}

static uint64_t ring_progress(void *arg)
{
    struct ring_watch *w = arg;
    const struct ring_shared *s = w->view.shared;
    if (w->both_asleep >= LOST_SEEN)
        return w->last; /* seen enough: no more progress counts */
    uint64_t now = atomic_load(&s->head) + atomic_load(&s->tail);
    if (both_asleep(s, now))
        w->both_asleep++;
    w->last = now;
    return now;
}

static void ring_describe(void *arg, char *out, size_t size)
{
    const struct ring_watch *w = arg;
    const struct ring_shared *s = w->view.shared;
    uint64_t head = atomic_load(&s->head), tail = atomic_load(&s->tail);
    uint64_t used = head - tail;
    uint32_t consumer_sleeps = atomic_load(&s->consumer_sleeping);
    uint32_t producer_sleeps = atomic_load(&s->producer_sleeping);
    const char *meaning = "";
    if (used > 0 && consumer_sleeps)
        meaning = ": the consumer sleeps although a message waits, so a wake-up was lost";
    else if (used == 0 && producer_sleeps)
        meaning = ": the producer sleeps although the ring is empty, so a wake-up was lost";
    int n = snprintf(out, size,
                     "%llu bytes wait in the ring (head %llu, tail %llu), consumer_sleeping = %u, "
                     "producer_sleeping = %u%s",
                     (unsigned long long)used, (unsigned long long)head, (unsigned long long)tail,
                     consumer_sleeps, producer_sleeps, meaning);
    if (w->both_asleep >= LOST_SEEN && n > 0 && (size_t)n < size)
        snprintf(out + n, size - (size_t)n,
                 "; %d times before, both sides were asleep while nothing moved: each was a "
                 "wake-up lost, ended only by the %d ms liveness limit",
                 w->both_asleep, RING_LIVENESS_MS);
}

/* Watches the ring `name` (r is the test's handle on it) through w: no
 * message moved for 3 s stops the test, saying so. The watchdog then sets
 * r's stop flag (ring_set_stop_flag), so a wait of the student's code ends
 * with EINTR, and kills the test's children. The student's process itself
 * is spared: its wait must end by the flag, and the test then says why. */
void watch_ring(struct ring_watch *w, struct ring *r, const char *name)
{
    *w = (struct ring_watch){.view = view_ring(name)};
    volatile sig_atomic_t *fired = &ring_test_page()->stop[WATCH_FLAG];
    *fired = 0;
    ring_set_stop_flag(r, fired);
    grade_watch_spare(boundary_agent_pid());
    grade_watch_start(ring_progress, ring_describe, w, 3000, fired);
}

/* Fails the test if the watch on the ring fired; ends the watch. */
void fail_if_ring_stalled(struct ring_watch *w, enum ring_mode mode, const char *doing)
{
    const char *stalled = grade_watch_stop();
    unview_ring(&w->view);
    if (stalled)
        ck_abort_msg("%s: %s: %s", mode_name(mode), doing, stalled);
}
