/*
 * ring_lock.c - lab 01, Part A: YOUR ring guarded by a lock.
 *
 * One mutex in the shared header guards head, tail and eof; a side that
 * cannot go on sleeps on a condition variable (not_full or not_empty) and
 * its peer signals it. Three things make this work between processes:
 *   - PTHREAD_PROCESS_SHARED on the mutex and both conditions;
 *   - PTHREAD_MUTEX_ROBUST, so a process that dies holding the mutex gives
 *     the next locker EOWNERDEAD instead of a hang;
 *   - timed waits (pthread_cond_timedwait, RING_LIVENESS_MS), so a waiting
 *     side can check that its peer still lives.
 * Trace a real sleep as "pthread_cond_timedwait" and a wake-up of a
 * sleeping peer as "pthread_cond_signal" (not once per message). Count
 * them in r->producer / r->consumer (sleeps, wakes), and a wait that timed
 * out although what it waited for was there in lost_wakeups (ring.h).
 *
 * Every function below is a TODO(lab01); see ring_internal.h and ring.h.
 */
#include <errno.h>
#include <time.h>

#include "ring.h"
#include "ring_internal.h"
#include "trace.h"

int lock_init(struct ring_shared *s)
{
    /* TODO(lab01): pthread_mutexattr_setpshared + setrobust, then
     * pthread_mutex_init(&s->lock); pthread_condattr_setpshared +
     * setclock(CLOCK_MONOTONIC), then init not_empty and not_full.
     * pthread_* functions return an error number instead of setting errno. */
    (void)s;
    errno = ENOSYS;
    return -1;
}

int lock_send(struct ring *r, const void *data, size_t len, bool block)
{
    /* TODO(lab01): lock (on EOWNERDEAD: pthread_mutex_consistent and go on);
     * EPIPE if eof was marked; while capacity - (head - tail) is less than
     * RING_RECORD_SIZE(len): EAGAIN if !block, else ring_may_keep_waiting()
     * and a timed wait on not_full with producer_sleeping set; then copy
     * the length and the message in (ring_copy_in), move head, signal
     * not_empty if the consumer sleeps, unlock. */
    (void)r;
    (void)data;
    (void)len;
    (void)block;
    errno = ENOSYS;
    return -1;
}

int lock_recv(struct ring *r, void *buf, size_t cap, size_t *len, bool block)
{
    /* TODO(lab01): lock; while head == tail: return 0 if eof, EAGAIN if
     * !block, else check the peer and wait on not_empty; read the length
     * (EBADMSG if impossible, EMSGSIZE if > cap, after setting *len); copy
     * out, move tail, signal not_full if the producer sleeps, unlock, 1. */
    (void)r;
    (void)buf;
    (void)cap;
    (void)len;
    (void)block;
    errno = ENOSYS;
    return -1;
}

int lock_send_eof(struct ring *r)
{
    /* TODO(lab01): under the lock, set eof and signal a sleeping consumer. */
    (void)r;
    errno = ENOSYS;
    return -1;
}

int lock_wake_all(struct ring *r)
{
    /* TODO(lab01): under the lock, signal whichever side sleeps. */
    (void)r;
    errno = ENOSYS;
    return -1;
}
