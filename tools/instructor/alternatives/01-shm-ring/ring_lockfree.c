/*
 * ring_lockfree.c - lab 01, Part B, an alternative correct solution (see
 * ring.h). Graded by `make test-alternatives`.
 *
 * The same design as the reference, with another way to order the wake-up
 * handshake: each index is published with a release store, and the waker
 * issues a seq_cst fence before it looks at the sleeper's flag; the sleeper
 * stores its flag relaxed and then issues a seq_cst fence before its last
 * look. The two fences forbid the same "store buffering" outcome that the
 * reference forbids with four seq_cst operations.
 *
 * With one producer and one consumer, each index has exactly one writer:
 * the producer alone moves head, the consumer alone moves tail. So no lock
 * is needed, only the right order of memory operations:
 *
 *   producer: copy the record in, THEN store head (release)
 *   consumer: load head (acquire), THEN copy the record out,
 *             THEN store tail (release)
 *   producer: load tail (acquire), THEN overwrite the space it freed
 *
 * Release on a store means "everything I wrote before is visible to whoever
 * sees this store"; acquire on a load means "nothing I do after it moves
 * before it". Each side keeps a cached copy of the other's index and loads
 * the real one only when the copy says "full" or "empty", so in a busy
 * stream the shared cache lines move between cores rarely.
 *
 * Waiting: spin for r->spin_ns (a sleep and wake-up cost tens of
 * microseconds; a busy peer usually answers sooner), then sleep on a futex
 * until the peer wakes us, or RING_LIVENESS_MS passes and we check that it
 * still lives.
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

/* Tells the CPU we are spinning: saves power and lets a sibling hyperthread run. */
static void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

/* Sleeps while *word == expected, for at most timeout_ms. No FUTEX_PRIVATE
 * flag: the word is in memory shared with another process. */
static long futex_wait(_Atomic uint32_t *word, uint32_t expected, int timeout_ms)
{
    struct timespec timeout = {.tv_sec = timeout_ms / 1000,
                               .tv_nsec = (long)(timeout_ms % 1000) * 1000000L};
    return syscall(SYS_futex, (void *)word, FUTEX_WAIT, expected, &timeout, NULL, 0);
}

static long futex_wake(_Atomic uint32_t *word)
{
    return syscall(SYS_futex, (void *)word, FUTEX_WAKE, 1, NULL, NULL, 0);
}

/*
 * The producer's question: is there room for `need` bytes? The cached tail
 * can only understate the room, so the real tail is loaded only when the
 * cache says no.
 */
static bool room_for(struct ring *r, uint64_t need, memory_order order)
{
    struct ring_side *p = &r->producer;
    if (r->capacity - (p->index - p->peer_cached) >= need)
        return true;
    p->peer_cached = atomic_load_explicit(&r->shared->tail, order);
    return r->capacity - (p->index - p->peer_cached) >= need;
}

/* The consumer's question: is a message waiting? */
static bool message_waiting(struct ring *r, memory_order order)
{
    struct ring_side *c = &r->consumer;
    if (c->index != c->peer_cached)
        return true;
    c->peer_cached = atomic_load_explicit(&r->shared->head, order);
    return c->index != c->peer_cached;
}

/* What the consumer waits for: a message, or the end of the stream. */
static bool message_or_end(struct ring *r, uint64_t unused, memory_order order)
{
    (void)unused;
    return message_waiting(r, order) || atomic_load_explicit(&r->shared->eof, order);
}

typedef bool (*ready_fn)(struct ring *r, uint64_t need, memory_order order);

/*
 * The full barrier of the handshake, one helper for both halves so that
 * they cannot drift apart. ThreadSanitizer does not model fences, and gcc
 * warns about that under -fsanitize=thread (gcc 13 on every fence, gcc 12
 * when the order is a parameter, as here): this file also proves that the
 * grade's TSan build accepts standard C11 fences.
 */
static inline void handshake_fence(memory_order order)
{
    atomic_thread_fence(order);
}

/*
 * The wake-up handshake is the classic "store buffering" pattern:
 *   sleeper: store sleeping = 1, then load the peer's index
 *   waker:   store its index,    then load sleeping
 * With weaker orders both loads may see the old values (each store still
 * sits in its CPU's store buffer): the sleeper sleeps and the waker does
 * not wake it. seq_cst on all four operations forbids that outcome: at
 * least one side sees the other's store.
 */
static int sleep_until(struct ring *r, enum ring_role me, ready_fn ready, uint64_t need)
{
    struct ring_shared *s = r->shared;
    bool producer = me == RING_PRODUCER;
    _Atomic uint32_t *sleeping = producer ? &s->producer_sleeping : &s->consumer_sleeping;
    _Atomic uint32_t *wakeup = producer ? &s->producer_wakeup : &s->consumer_wakeup;
    struct ring_side *side = producer ? &r->producer : &r->consumer;
    bool timed_out = false;
    for (;;) {
        if (ring_may_keep_waiting(r, me, timed_out) == -1) {
            int gone = errno;
            if (ready(r, need, memory_order_seq_cst))
                return 0; /* its last words arrived before it left */
            errno = gone;
            return -1;
        }
        /* Read the wake-up count before the last look: if the peer wakes us
         * after that look, the count differs and futex_wait returns at once. */
        uint32_t seen = atomic_load(wakeup);
        atomic_store_explicit(sleeping, 1, memory_order_relaxed);
        handshake_fence(memory_order_seq_cst); /* the flag before the last look */
        if (ready(r, need, memory_order_acquire)) {
            atomic_store(sleeping, 0);
            return 0;
        }
        long rc = futex_wait(wakeup, seen, RING_LIVENESS_MS);
        atomic_store(sleeping, 0);
        trace_call("futex_wait", rc, "%s wake-ups, up to %d ms", producer ? "producer" : "consumer",
                   RING_LIVENESS_MS);
        side->sleeps++;
        if (rc == -1 && errno != ETIMEDOUT && errno != EAGAIN && errno != EINTR)
            return -1;
        timed_out = rc == -1 && errno == ETIMEDOUT;
        if (ready(r, need, memory_order_acquire)) {
            /* The peer published while we slept, yet nobody woke us: the
             * handshake failed (a lost wake-up) and only the timeout saved us. */
            if (timed_out)
                side->lost_wakeups++;
            return 0;
        }
    }
}

/* Spins briefly, then sleeps, until ready() holds. 0, or -1 with errno. */
static int wait_until(struct ring *r, enum ring_role me, ready_fn ready, uint64_t need)
{
    uint64_t spin_until = clock_now_ns() + r->spin_ns;
    do {
        if (ready(r, need, memory_order_acquire))
            return 0;
        cpu_relax();
    } while (clock_now_ns() < spin_until);
    return sleep_until(r, me, ready, need);
}

/* The waker's half of the handshake (see sleep_until); called right after
 * the seq_cst store that may be what the peer waits for. */
static void wake_if_sleeping(_Atomic uint32_t *sleeping, _Atomic uint32_t *wakeup, const char *who,
                             unsigned long *wakes)
{
    /* exchange: of several wakers, only the first makes the system call */
    /* Whatever the caller just published comes before the look at the flag. */
    handshake_fence(memory_order_seq_cst);
    if (!atomic_load_explicit(sleeping, memory_order_relaxed) || !atomic_exchange(sleeping, 0))
        return;
    atomic_fetch_add(wakeup, 1);
    long rc = futex_wake(wakeup);
    trace_call("futex_wake", rc, "%s wake-ups", who);
    if (wakes != NULL)
        (*wakes)++;
}

int lockfree_send(struct ring *r, const void *data, size_t len, bool block)
{
    struct ring_shared *s = r->shared;
    struct ring_side *p = &r->producer;
    uint64_t need = RING_RECORD_SIZE(len);
    if (atomic_load_explicit(&s->eof, memory_order_relaxed)) {
        errno = EPIPE; /* only this side writes eof: relaxed is enough */
        return -1;
    }
    if (!room_for(r, need, memory_order_acquire)) {
        if (!block) {
            errno = EAGAIN;
            return -1;
        }
        if (wait_until(r, RING_PRODUCER, room_for, need) == -1)
            return -1;
    }
    uint64_t length = len;
    ring_copy_in(r, p->index, &length, RING_LENGTH_SIZE);
    ring_copy_in(r, p->index + RING_LENGTH_SIZE, data, len);
    p->index += need;
    /* Publishes the record. release would do for the data; seq_cst also
     * orders it before our look at consumer_sleeping (see sleep_until). */
    atomic_store_explicit(&s->head, p->index, memory_order_release);
    wake_if_sleeping(&s->consumer_sleeping, &s->consumer_wakeup, "consumer", &p->wakes);
    return 0;
}

int lockfree_recv(struct ring *r, void *buf, size_t cap, size_t *len, bool block)
{
    struct ring_shared *s = r->shared;
    struct ring_side *c = &r->consumer;
    if (!message_waiting(r, memory_order_acquire)) {
        if (!atomic_load_explicit(&s->eof, memory_order_acquire)) {
            if (!block) {
                errno = EAGAIN;
                return -1;
            }
            if (wait_until(r, RING_CONSUMER, message_or_end, 0) == -1)
                return -1;
        }
        /* eof is stored after the last head: having seen it, look at head
         * once more, so no message is lost. */
        if (!message_waiting(r, memory_order_acquire))
            return 0;
    }

    uint64_t length;
    ring_copy_out(r, c->index, &length, RING_LENGTH_SIZE);
    if (length > ring_max_message(r) || RING_RECORD_SIZE(length) > c->peer_cached - c->index) {
        errno = EBADMSG;
        return -1;
    }
    *len = (size_t)length;
    if (length > cap) {
        errno = EMSGSIZE; /* the message stays for a larger buffer */
        return -1;
    }
    ring_copy_out(r, c->index + RING_LENGTH_SIZE, buf, (size_t)length);
    c->index += RING_RECORD_SIZE(length);
    /* Frees the space, after the copy out (release; seq_cst for the wake-up). */
    atomic_store_explicit(&s->tail, c->index, memory_order_release);
    wake_if_sleeping(&s->producer_sleeping, &s->producer_wakeup, "producer", &c->wakes);
    return 1;
}

int lockfree_send_eof(struct ring *r)
{
    struct ring_shared *s = r->shared;
    atomic_store(&s->eof, 1); /* after every head store: see lockfree_recv */
    wake_if_sleeping(&s->consumer_sleeping, &s->consumer_wakeup, "consumer (end of stream)",
                     &r->producer.wakes);
    return 0;
}

int lockfree_wake_all(struct ring *r)
{
    struct ring_shared *s = r->shared;
    wake_if_sleeping(&s->consumer_sleeping, &s->consumer_wakeup, "consumer (a side left)", NULL);
    wake_if_sleeping(&s->producer_sleeping, &s->producer_wakeup, "producer (a side left)", NULL);
    return 0;
}
