/*
 * ring_lockfree.c - lab 01, Part B: YOUR ring without a lock.
 *
 * Only the producer writes head and only the consumer writes tail, so the
 * two sides need no lock, only the right order of memory operations:
 *   producer: copy the record in,  THEN store head (release)
 *   consumer: load head (acquire), THEN copy it out, THEN store tail (release)
 *   producer: load tail (acquire), THEN reuse the freed space
 * Keep a cached copy of the peer's index (r->producer.peer_cached, ...) and
 * load the real one only when the copy says "full" or "empty".
 *
 * Waiting: spin up to r->spin_ns, then sleep with futex(FUTEX_WAIT) on
 * producer_wakeup / consumer_wakeup (timeout RING_LIVENESS_MS) after setting
 * *_sleeping; the peer, after its store, wakes you if your flag is set.
 * README.md explains why that handshake needs memory_order_seq_cst. Trace a
 * real sleep as "futex_wait" and a wake-up as "futex_wake". Count each real
 * sleep in sleeps, each wake-up you send in wakes, and each sleep that ran
 * out (ETIMEDOUT) although what you waited for was already there in
 * lost_wakeups: a test counts on it (struct ring_side in ring.h).
 *
 * Every function below is a TODO(lab01); see ring_internal.h and ring.h.
 */
#define _GNU_SOURCE /* syscall(): glibc has no wrapper for futex(2) */
#include <errno.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "ring.h"
#include "ring_internal.h"
#include "trace.h"

int lockfree_send(struct ring *r, const void *data, size_t len, bool block)
{
    /* TODO(lab01): EPIPE if eof was marked; if there is no room for
     * RING_RECORD_SIZE(len) bytes (reload tail with acquire only when the
     * cached one says so): EAGAIN if !block, else spin, then sleep; copy the
     * length and message in; store the new head; wake a sleeping consumer. */
    (void)r;
    (void)data;
    (void)len;
    (void)block;
    errno = ENOSYS;
    return -1;
}

int lockfree_recv(struct ring *r, void *buf, size_t cap, size_t *len, bool block)
{
    /* TODO(lab01): if empty (reload head with acquire when the cache says
     * so): 0 when eof is set and head, looked at again, still shows nothing;
     * EAGAIN if !block; else spin, then sleep. Read the length (EBADMSG,
     * EMSGSIZE as in Part A), copy out, store the new tail, wake a sleeping
     * producer, return 1. */
    (void)r;
    (void)buf;
    (void)cap;
    (void)len;
    (void)block;
    errno = ENOSYS;
    return -1;
}

int lockfree_send_eof(struct ring *r)
{
    /* TODO(lab01): store eof = 1 after the last head, wake a sleeping consumer. */
    (void)r;
    errno = ENOSYS;
    return -1;
}

int lockfree_wake_all(struct ring *r)
{
    /* TODO(lab01): wake whichever side sleeps. */
    (void)r;
    errno = ENOSYS;
    return -1;
}
