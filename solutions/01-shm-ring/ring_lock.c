/*
 * ring_lock.c - lab 01, Part A: the ring guarded by a lock (see ring.h).
 *
 * One mutex in the shared header guards head, tail and eof. A side that
 * cannot go on (no room, or no message) sleeps on a condition variable and
 * its peer signals it. This is the textbook way, and easy to get right:
 *   - PTHREAD_PROCESS_SHARED, because the mutex and conditions live in
 *     shared memory and are used by two processes;
 *   - PTHREAD_MUTEX_ROBUST, because a process can die holding the mutex;
 *     the next locker then gets EOWNERDEAD instead of waiting forever;
 *   - timed waits, because a peer can die while we sleep, and nothing
 *     would ever signal us.
 * The message is copied while the lock is held, which is simple and
 * obviously safe, but it means the two sides never copy at the same time.
 *
 * The conditions are never destroyed: a process killed inside a wait stays
 * counted as a waiter, and pthread_cond_destroy() could wait for it forever.
 */
#include <errno.h>
#include <time.h>

#include "ring.h"
#include "ring_internal.h"
#include "trace.h"

int lock_init(struct ring_shared *s)
{
    pthread_mutexattr_t mutex_attr;
    pthread_condattr_t cond_attr;
    int err = pthread_mutexattr_init(&mutex_attr);
    if (err == 0) {
        err = pthread_mutexattr_setpshared(&mutex_attr, PTHREAD_PROCESS_SHARED);
        if (err == 0)
            err = pthread_mutexattr_setrobust(&mutex_attr, PTHREAD_MUTEX_ROBUST);
        if (err == 0)
            err = pthread_mutex_init(&s->lock, &mutex_attr);
        pthread_mutexattr_destroy(&mutex_attr);
    }
    if (err == 0)
        err = pthread_condattr_init(&cond_attr);
    if (err == 0) {
        err = pthread_condattr_setpshared(&cond_attr, PTHREAD_PROCESS_SHARED);
        /* Timeouts on the monotonic clock: setting the date must not
         * shorten or stretch a wait. */
        if (err == 0)
            err = pthread_condattr_setclock(&cond_attr, CLOCK_MONOTONIC);
        if (err == 0)
            err = pthread_cond_init(&s->not_empty, &cond_attr);
        if (err == 0)
            err = pthread_cond_init(&s->not_full, &cond_attr);
        pthread_condattr_destroy(&cond_attr);
    }
    errno = err;
    return (int)trace_call("pthread_mutex_init", err == 0 ? 0 : -1,
                           "robust, process-shared; and 2 process-shared conditions");
}

/*
 * We hold a mutex whose last owner died holding it. What it guarded is
 * consistent: head, tail and eof are each changed by a single store, after
 * the copy they publish. So mark it consistent and go on; the dead peer is
 * noticed by the next wait (ring_may_keep_waiting).
 */
static int recover_lock(struct ring *r)
{
    errno = EOWNERDEAD;
    trace_call_note("pthread_mutex_lock", -1, "the owner died: pthread_mutex_consistent()",
                    "ring lock");
    return pthread_mutex_consistent(&r->shared->lock);
}

static int lock_ring(struct ring *r)
{
    int err = pthread_mutex_lock(&r->shared->lock);
    if (err == EOWNERDEAD)
        err = recover_lock(r);
    if (err != 0) {
        errno = err; /* ENOTRECOVERABLE: someone unlocked it without repairing it */
        return -1;
    }
    return 0;
}

static void unlock_ring(struct ring *r)
{
    /* Unlocking a mutex this thread holds cannot fail. */
    pthread_mutex_unlock(&r->shared->lock);
}

/*
 * Sleeps on cond (the lock held on entry and on return) for at most
 * RING_LIVENESS_MS. Returns 0 when woken, 1 on timeout, -1 with errno set.
 */
static int sleep_on(struct ring *r, pthread_cond_t *cond, _Atomic uint32_t *sleeping,
                    const char *what)
{
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_nsec += RING_LIVENESS_MS * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    /* The flag tells the peer a signal is needed; the lock orders it. */
    atomic_store_explicit(sleeping, 1, memory_order_relaxed);
    trace_call_begin("pthread_cond_timedwait", "%s, up to %d ms", what, RING_LIVENESS_MS);
    int err = pthread_cond_timedwait(cond, &r->shared->lock, &until);
    atomic_store_explicit(sleeping, 0, memory_order_relaxed);
    if (err == EOWNERDEAD)
        err = recover_lock(r);
    errno = err;
    trace_call("pthread_cond_timedwait", err == 0 ? 0 : -1, "%s, up to %d ms", what,
               RING_LIVENESS_MS);
    if (err == ETIMEDOUT)
        return 1;
    if (err != 0)
        return -1;
    return 0;
}

/* Signals cond if the peer sleeps on it; the lock is held. */
static void wake_if_sleeping(pthread_cond_t *cond, _Atomic uint32_t *sleeping, const char *what,
                             unsigned long *wakes)
{
    if (!atomic_load_explicit(sleeping, memory_order_relaxed))
        return; /* nobody sleeps: a signal would be wasted work */
    /* Until the sleeper gets the lock back it still looks asleep; clearing
     * the flag here makes it one signal per sleep, not one per message. */
    atomic_store_explicit(sleeping, 0, memory_order_relaxed);
    int err = pthread_cond_signal(cond);
    errno = err;
    trace_call("pthread_cond_signal", err == 0 ? 0 : -1, "%s", what);
    if (wakes != NULL)
        (*wakes)++;
}

int lock_send(struct ring *r, const void *data, size_t len, bool block)
{
    struct ring_shared *s = r->shared;
    uint64_t need = RING_RECORD_SIZE(len);
    if (lock_ring(r) == -1)
        return -1;
    bool timed_out = false;
    for (;;) {
        if (atomic_load_explicit(&s->eof, memory_order_relaxed)) {
            errno = EPIPE; /* the stream was closed */
            goto fail;
        }
        uint64_t used = atomic_load_explicit(&s->head, memory_order_relaxed) -
                        atomic_load_explicit(&s->tail, memory_order_relaxed);
        if (r->capacity - used >= need) {
            if (timed_out)
                r->producer.lost_wakeups++; /* room came, but no signal: see ring.h */
            break;
        }
        if (!block) {
            errno = EAGAIN;
            goto fail;
        }
        if (ring_may_keep_waiting(r, RING_PRODUCER, timed_out) == -1)
            goto fail;
        int slept = sleep_on(r, &s->not_full, &s->producer_sleeping, "not_full");
        if (slept == -1)
            goto fail;
        timed_out = slept == 1;
        r->producer.sleeps++;
    }

    uint64_t head = atomic_load_explicit(&s->head, memory_order_relaxed);
    uint64_t length = len;
    ring_copy_in(r, head, &length, RING_LENGTH_SIZE);
    ring_copy_in(r, head + RING_LENGTH_SIZE, data, len);
    r->producer.index = head + need;
    atomic_store_explicit(&s->head, r->producer.index, memory_order_relaxed);
    wake_if_sleeping(&s->not_empty, &s->consumer_sleeping, "not_empty", &r->producer.wakes);
    unlock_ring(r);
    return 0;
fail:
    unlock_ring(r);
    return -1;
}

int lock_recv(struct ring *r, void *buf, size_t cap, size_t *len, bool block)
{
    struct ring_shared *s = r->shared;
    if (lock_ring(r) == -1)
        return -1;
    bool timed_out = false;
    uint64_t tail;
    for (;;) {
        tail = atomic_load_explicit(&s->tail, memory_order_relaxed);
        if (atomic_load_explicit(&s->head, memory_order_relaxed) != tail) {
            if (timed_out)
                r->consumer.lost_wakeups++; /* a message came, but no signal */
            break;                          /* a message is waiting */
        }
        if (atomic_load_explicit(&s->eof, memory_order_relaxed)) {
            if (timed_out)
                r->consumer.lost_wakeups++; /* the end came, but no signal */
            unlock_ring(r);
            return 0; /* empty, and nothing more will come */
        }
        if (!block) {
            errno = EAGAIN;
            goto fail;
        }
        if (ring_may_keep_waiting(r, RING_CONSUMER, timed_out) == -1)
            goto fail;
        int slept = sleep_on(r, &s->not_empty, &s->consumer_sleeping, "not_empty");
        if (slept == -1)
            goto fail;
        timed_out = slept == 1;
        r->consumer.sleeps++;
    }

    uint64_t length;
    ring_copy_out(r, tail, &length, RING_LENGTH_SIZE);
    if (length > ring_max_message(r)) {
        errno = EBADMSG;
        goto fail;
    }
    *len = (size_t)length;
    if (length > cap) {
        errno = EMSGSIZE; /* the message stays for a larger buffer */
        goto fail;
    }
    ring_copy_out(r, tail + RING_LENGTH_SIZE, buf, (size_t)length);
    r->consumer.index = tail + RING_RECORD_SIZE(length);
    atomic_store_explicit(&s->tail, r->consumer.index, memory_order_relaxed);
    wake_if_sleeping(&s->not_full, &s->producer_sleeping, "not_full", &r->consumer.wakes);
    unlock_ring(r);
    return 1;
fail:
    unlock_ring(r);
    return -1;
}

int lock_send_eof(struct ring *r)
{
    struct ring_shared *s = r->shared;
    if (lock_ring(r) == -1)
        return -1;
    atomic_store_explicit(&s->eof, 1, memory_order_relaxed);
    wake_if_sleeping(&s->not_empty, &s->consumer_sleeping, "not_empty (end of stream)",
                     &r->producer.wakes);
    unlock_ring(r);
    return 0;
}

int lock_wake_all(struct ring *r)
{
    struct ring_shared *s = r->shared;
    if (lock_ring(r) == -1)
        return -1;
    wake_if_sleeping(&s->not_empty, &s->consumer_sleeping, "not_empty (a side left)", NULL);
    wake_if_sleeping(&s->not_full, &s->producer_sleeping, "not_full (a side left)", NULL);
    unlock_ring(r);
    return 0;
}
