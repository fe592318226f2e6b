/*
 * ring_peer.c - lab 01, step 5: YOUR check that the other side is still there.
 *
 * Nothing in shared memory says that the peer died: its pages just stop
 * changing. A waiting side therefore wakes every RING_LIVENESS_MS and asks
 * the kernel about the pid the peer stored in the header.
 *
 * Every function below is a TODO(lab01); see ring_internal.h and ring.h.
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
    /* TODO(lab01): kill(pid, 0) failing with ESRCH means gone. But a dead
     * child that its parent has not waited for yet (a zombie) still exists
     * for kill(): read /proc/PID/stat and treat state 'Z' (or 'X') as gone. */
    (void)pid;
    return false;
}

int ring_may_keep_waiting(const struct ring *r, enum ring_role me, bool ask_kernel)
{
    /* TODO(lab01): EINTR when *r->stop is set; otherwise look at the PEER's
     * pid slot: RING_PID_LEFT, or (when ask_kernel) ring_process_gone(),
     * means gone: EPIPE for a producer, ECONNRESET for a consumer.
     * RING_PID_NONE (not attached yet) is not gone. */
    (void)r;
    (void)me;
    (void)ask_kernel;
    errno = ENOSYS;
    return -1;
}

void ring_set_stop_flag(struct ring *r, volatile sig_atomic_t *flag)
{
    /* TODO(lab01): remember the flag in r->stop. */
    (void)r;
    (void)flag;
}

int ring_wait_for_peer(struct ring *r, int timeout_ms)
{
    /* TODO(lab01): until the peer's slot is no longer RING_PID_NONE, sleep
     * 10 ms at a time (clock_sleep_ms); EINTR on the stop flag, ETIMEDOUT
     * after timeout_ms (-1: no limit). */
    (void)r;
    (void)timeout_ms;
    errno = ENOSYS;
    return -1;
}
