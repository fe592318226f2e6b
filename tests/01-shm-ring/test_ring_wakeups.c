/*
 * test_ring_wakeups.c - lab 01: lost wake-ups. The counter, a ping-pong
 * with a peer that answers at once, and the handshake checked directly, the
 * sleeper's half played here on this process's own mapping of the ring.
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

/* ---- lost wake-ups ------------------------------------------------------ */

/*
 * A lost wake-up: the peer publishes while this side goes to sleep, the
 * handshake fails, and only the RING_LIVENESS_MS timeout ends the sleep.
 * Nothing breaks, the ring just stalls 100 ms now and then, which is why
 * the ring counts them (struct ring_side.lost_wakeups) and these tests
 * read the count instead of a clock.
 */

struct silent_wait {
    struct ring *ring;
    int rc;
    int err;
    size_t len;
    char buf[16];
};

static void *receive_in_thread(void *arg)
{
    struct silent_wait *w = arg;
    w->rc = ring_recv(w->ring, w->buf, sizeof w->buf, &w->len);
    w->err = errno;
    return NULL;
}

/* Publishes one record the way a producer would (in Part A under the
 * lock), but wakes nobody: through the test's own mapping of the ring. */
static void publish_without_waking(struct ring_shared *s, enum ring_mode mode, const char *text)
{
    if (mode == RING_LOCK)
        ck_assert_msg(pthread_mutex_lock(&s->lock) == 0, "test setup: the ring's lock");
    uint64_t head = atomic_load(&s->head), length = strlen(text);
    unsigned char *data = (unsigned char *)s + RING_HEADER_SIZE;
    memcpy(data + (head & (s->capacity - 1)), &length, RING_LENGTH_SIZE);
    memcpy(data + ((head + RING_LENGTH_SIZE) & (s->capacity - 1)), text, length);
    atomic_store(&s->head, head + RING_RECORD_SIZE(length));
    if (mode == RING_LOCK)
        pthread_mutex_unlock(&s->lock);
}

/* The counter works: a consumer asleep on an empty ring, and a message
 * that appears without a wake-up, give exactly one lost wake-up. */
START_TEST(lost_wakeup_is_counted)
{
    for (size_t k = 0; k < 2; k++) {
        enum ring_mode mode = BOTH_MODES[k];
        unsigned long slept = 0, lost = 0;
        /* A consumer that has not fallen asleep yet simply finds the
         * message: then the attempt proves nothing, and runs again. */
        for (int attempt = 0; attempt < 3 && slept == 0; attempt++) {
            char name[128];
            new_name(name, sizeof name);
            struct ring r;
            create_ring(&r, name, 4096, mode, RING_BOTH);
            int rc = ring_try_recv(&r, NULL, 0, &(size_t){0});
            REQUIRE_IMPL(rc, "ring_try_recv");
            r.spin_ns = 0;
            struct view v = view_ring(name);
            struct silent_wait w = {.ring = &r};
            pthread_t consumer; /* its calls run in a thread of the student's process */
            ck_assert(pthread_create(&consumer, NULL, receive_in_thread, &w) == 0);
            uint64_t give_up = clock_now_ns() + (uint64_t)grade_timeout_ms(2000) * 1000000u;
            while (atomic_load(&v.shared->consumer_sleeping) == 0 && clock_now_ns() < give_up)
                clock_sleep_ms(1);
            clock_sleep_ms(20); /* from the flag into the sleep itself */
            publish_without_waking(v.shared, mode, "hello");
            pthread_join(consumer, NULL);
            unview_ring(&v);
            grade_require_impl(w.rc, w.err, "ring_recv");
            ck_assert_msg(w.rc == 1 && w.len == 5 && memcmp(w.buf, "hello", 5) == 0,
                          "%s: the consumer did not get the message published while it slept "
                          "(rc %d: %s); after a timed-out sleep, look at the ring again",
                          mode_name(mode), w.rc, w.rc == -1 ? strerror(w.err) : "wrong message");
            slept = r.consumer.sleeps;
            lost = r.consumer.lost_wakeups;
            destroy_ring(&r);
        }
        ck_assert_msg(slept > 0,
                      "%s: the consumer waited for a message that came 20 ms after it set "
                      "consumer_sleeping, yet never counted a sleep (r->consumer.sleeps)",
                      mode_name(mode));
        ck_assert_msg(
            lost == 1,
            "%s: a message arrived while the consumer slept and nobody woke it, so "
            "only the %d ms liveness limit ended its sleep; r->consumer.lost_wakeups says %lu, "
            "expected 1: count a timed-out sleep after which the message was there",
            mode_name(mode), RING_LIVENESS_MS, lost);
    }
}
END_TEST

/* Round trips of the ping-pong test. Part B's race is a window of a few
 * nanoseconds, so it needs many tries to show; in Part A every round trip
 * is a real sleep and wake-up, so fewer do. */
static int ping_pong_trips(enum ring_mode mode)
{
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
    /* A sanitizer slows every atomic many times over (200 000 trips took 10 s
     * under ThreadSanitizer): fewer, which still prove a correct lab loses
     * nothing; the plain grade, which runs them all, catches the race. */
    return mode == RING_LOCK ? 2000 : 20000;
#else
    return mode == RING_LOCK ? 10000 : 200000;
#endif
}

/* Round trips per call into the student's process. */
enum { PING_PONG_BATCH = 5000 };

struct ping_pong {
    char ping[128]; /* test -> echo child */
    char pong[128]; /* echo child -> test */
};

/* Echoes every message back until the end of the stream. It spins before
 * it sleeps (the default), so it answers within a microsecond, just while
 * the test's side, which does not spin, is going to sleep: the moment a
 * broken handshake loses the wake-up. */
static void echo_child(const void *arg, int ready_fd)
{
    const struct ping_pong *pp = arg;
    struct ring in, out;
    if (ring_attach(&in, pp->ping, RING_CONSUMER) == -1 ||
        ring_attach(&out, pp->pong, RING_PRODUCER) == -1)
        child_fail(CHILD_ATTACH_FAILED, "ring_attach");
    say_ready(ready_fd);
    /* The loop runs in this child's student process, where the ring is
     * (ring_test.h): a round trip across the boundary would be too slow to
     * answer within a microsecond. */
    struct ring_test_trips how;
    ring_test_echo(&in, &out, &how);
    errno = how.err;
    if (how.step == RING_TEST_SEND)
        child_fail(CHILD_SEND_FAILED, "ring_send");
    if (how.step == RING_TEST_RECV)
        child_fail(CHILD_RECV_FAILED, "ring_recv");
    if (how.step == RING_TEST_EOF)
        child_fail(CHILD_EOF_FAILED, "ring_send_eof");
    unsigned long lost = in.consumer.lost_wakeups + out.producer.lost_wakeups;
    if (lost > 0)
        fprintf(stderr, "test child %ld: %lu lost wake-ups\n", (long)getpid(), lost);
    if (ring_detach(&in) == -1 || ring_detach(&out) == -1)
        child_fail(CHILD_DETACH_FAILED, "ring_detach");
    if (lost > 0)
        _exit(CHILD_LOST_WAKEUP);
}

/* A healthy peer answers every message at once, so no sleep may ever end
 * by the timeout: each one would be a lost wake-up. */
static void ping_pong_loses_no_wakeups(enum ring_mode mode)
{
    struct ping_pong pp;
    new_name(pp.ping, sizeof pp.ping);
    new_name(pp.pong, sizeof pp.pong);
    struct ring out, in;
    create_ring(&out, pp.ping, 4096, mode, RING_PRODUCER);
    create_ring(&in, pp.pong, 4096, mode, RING_CONSUMER);
    out.spin_ns = in.spin_ns = 0;
    struct child c = start_child(echo_child, &pp, "echo");
    /*
     * The round trips run in the student's process, in batches (ring_test.h),
     * so this side still goes to sleep just as the echo answers. The values
     * are made here, new each run, and what came back is checked here.
     */
    static uint64_t values[PING_PONG_BATCH], back[PING_PONG_BATCH];
    uint64_t seed = fresh_seed();
    uint64_t trips = 0; /* made, before a lost wake-up stopped them */
    uint64_t total = (uint64_t)ping_pong_trips(mode);
    while (trips < total) {
        /* One lost wake-up already fails the test below: stop at once. */
        if (out.producer.lost_wakeups + in.consumer.lost_wakeups > 0)
            break;
        size_t count = total - trips < PING_PONG_BATCH ? (size_t)(total - trips) : PING_PONG_BATCH;
        for (size_t k = 0; k < count; k++) {
            values[k] = (trips + k) * 0x9E3779B97F4A7C15u ^ seed;
            back[k] = ~values[k];
        }
        struct ring_test_trips how = {0};
        long made = ring_test_ping_pong(&out, &in, values, back, count, &how);
        if (made < 0 || (size_t)made > count)
            ck_abort_msg("%s: the student's process answered %ld round trips of %zu, which "
                         "cannot be",
                         mode_name(mode), made, count);
        for (long k = 0; k < made; k++) {
            if (back[k] != values[k])
                ck_abort_msg("%s: round trip %llu: sent %llu, got %llu back", mode_name(mode),
                             (unsigned long long)(trips + (uint64_t)k),
                             (unsigned long long)values[k], (unsigned long long)back[k]);
        }
        trips += (uint64_t)made;
        if (how.step != 0) {
            const char *fn = how.step == RING_TEST_SEND ? "ring_send" : "ring_recv";
            grade_require_impl(how.rc, how.err, fn);
            ck_abort_msg("%s: round trip %llu: %s returned %d (%s)%s", mode_name(mode),
                         (unsigned long long)trips, fn, how.rc,
                         how.rc == -1 ? strerror(how.err) : "no error",
                         how.step == RING_TEST_RECV && how.rc == 1 ? ", a message of the wrong "
                                                                     "length"
                                                                   : "");
        }
        if ((size_t)made < count && out.producer.lost_wakeups + in.consumer.lost_wakeups == 0)
            ck_abort_msg("%s: the student's process stopped the round trips after %llu without "
                         "a reason",
                         mode_name(mode), (unsigned long long)trips);
    }
    /* The end of the stream must wake a sleeping consumer too: mark it once
     * the echo has fallen asleep waiting for the next message (as the test's
     * own mapping of the ring shows). */
    struct view ping = view_ring(pp.ping);
    uint64_t give_up = clock_now_ns() + (uint64_t)grade_timeout_ms(1000) * 1000000u;
    while (atomic_load(&ping.shared->consumer_sleeping) == 0 && clock_now_ns() < give_up)
        clock_sleep_ms(1);
    unview_ring(&ping);
    clock_sleep_ms(20); /* from the flag into the sleep itself */
    ck_assert_int_eq(ring_send_eof(&out), 0);
    size_t len;
    uint64_t rest;
    struct ring_watch w; /* an end of stream that nobody sees would wait for ever */
    watch_ring(&w, &in, pp.pong);
    int end = ring_recv(&in, &rest, sizeof rest, &len);
    fail_if_ring_stalled(&w, mode,
                         "the echo child's stream did not end after the test marked the "
                         "end of its own (ring_send_eof() must wake a sleeping consumer, "
                         "and ring_recv() must return 0 at the end of the stream)");
    ck_assert_msg(end == 0, "%s: the echo child's stream did not end after the last round trip",
                  mode_name(mode));
    unsigned long lost = out.producer.lost_wakeups + in.consumer.lost_wakeups;
    unsigned long sleeps = out.producer.sleeps + in.consumer.sleeps;
    int status = grade_wait_child(c.pid, 20000);
    destroy_ring(&out);
    destroy_ring(&in);
    bool echo_lost = status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == CHILD_LOST_WAKEUP;
    if (!echo_lost)
        ck_assert_msg(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == CHILD_OK,
                      "%s: the echo child %s", mode_name(mode),
                      status == -1 ? "hung" : grade_describe_status(status));
    ck_assert_msg(sleeps > 0,
                  "%s: %d round trips without spinning, yet this side never counted a sleep "
                  "(r->consumer.sleeps): count every real sleep",
                  mode_name(mode), ping_pong_trips(mode));
    ck_assert_msg(lost == 0 && !echo_lost,
                  "%s: in %llu round trips with a peer that answers at once, sleeps lasted the "
                  "whole %d ms liveness limit although the message was already there (%lu on "
                  "this side%s): lost wake-ups. "
                  "The sleeper's \"store sleeping, then load the index\" and the waker's "
                  "\"store the index, then load sleeping\" need memory_order_seq_cst (README.md), "
                  "and ring_send_eof() must wake a sleeping consumer too",
                  mode_name(mode), (unsigned long long)trips, RING_LIVENESS_MS, lost,
                  echo_lost ? ", and some in the echo child" : "");
}

/* ---- the handshake, checked directly ------------------------------------ */

/*
 * The ping-pong above shows lost wake-ups only when the race happens to
 * fall in a design's window. This test plays the sleeper's half itself, as
 * ring.h lays it out (store `sleeping`, then load the peer's index, both
 * seq_cst), on its own mapping of the ring, while a thread of the student's
 * process runs the lab's waker (ring_send() or ring_recv(): store the index,
 * then look at `sleeping`; ring_test.h), both started together through a
 * page both processes map, many times, at many small offsets. A round is a
 * missed sleeper when both sides
 * saw the other's old value: this side did not see the index move, and the
 * lab did not see the flag (it left `sleeping` set and did not add 1 to the
 * futex word). Under seq_cst (or seq_cst fences) that outcome is impossible
 * in any design, so a correct lab never fails here; with release/acquire a
 * CPU may let each load pass its own store (the store buffer), and a few
 * rounds in 100 000 show it. Needs two CPUs at once to show anything.
 */
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
/* A sanitizer slows every atomic operation many times over: fewer rounds,
 * which still check that a correct lab passes; the plain grade catches bugs. */
enum { HANDSHAKE_ROUNDS = 5000 };
#else
enum { HANDSHAKE_ROUNDS = 100000 };
#endif
/* The offsets swept, in iterations of an empty loop: 0 to about a microsecond. */
enum { HANDSHAKE_OFFSETS = 512 };

static void spin(unsigned n)
{
    for (volatile unsigned i = 0; i < n; i++)
        ;
}

/* Waits until *round says `want` (or the page says halt). Spins, since the
 * two sides must start within nanoseconds of each other, but gives the CPU
 * away now and then: on a busy machine the other side may need it. */
static bool wait_round(struct ring_test_page *p, _Atomic long *round, long want)
{
    for (unsigned tries = 1; atomic_load_explicit(round, memory_order_acquire) != want; tries++) {
        if (atomic_load(&p->halt))
            return false;
        if (tries % 1024 == 0)
            sched_yield();
    }
    return true;
}

/* What the lab's thread of the handshake test ended with. */
struct waker {
    struct ring ring; /* its own copy of the handle */
    bool consumer_wakes;
    int rc, err;
};

/* The lab's waker: ring_test_handshake_waker() in a thread of the student's
 * process (ring_test.h), one ring_send() (or ring_recv()) per round, at the
 * signal of the shared page, so that both sides start together. */
static void *handshake_waker(void *arg)
{
    struct waker *k = arg;
    k->rc = ring_test_handshake_waker(&k->ring, k->consumer_wakes, HANDSHAKE_ROUNDS);
    k->err = errno;
    if (k->rc == -1)
        atomic_store(&ring_test_page()->halt, 1);
    return NULL;
}

/* Runs the rounds; returns how many missed the sleeper, or -1 with *err. */
static long handshake_misses(bool consumer_wakes, int *err)
{
    char name[128];
    new_name(name, sizeof name);
    struct ring r;
    /* 64 bytes hold 4 one-byte records: full after 4 sends, empty after 4 receives. */
    create_ring(&r, name, 64, RING_LOCKFREE, RING_BOTH);
    for (int i = 0; consumer_wakes && i < 4; i++)
        ck_assert_msg(ring_try_send(&r, "f", 1) == 0, "test setup: filling the ring: %s",
                      errno_name(errno));
    /* The sleeper's half plays on this process's own mapping of the ring. */
    struct view v = view_ring(name);
    struct ring_shared *s = v.shared;
    _Atomic uint32_t *sleeping = consumer_wakes ? &s->producer_sleeping : &s->consumer_sleeping;
    _Atomic uint32_t *wakeup = consumer_wakes ? &s->producer_wakeup : &s->consumer_wakeup;
    _Atomic uint64_t *index = consumer_wakes ? &s->tail : &s->head;
    struct ring_test_page *p = ring_test_page();
    atomic_store(&p->go, 0);
    atomic_store(&p->done, 0);
    atomic_store(&p->halt, 0);
    struct waker k = {.ring = r, .consumer_wakes = consumer_wakes};
    pthread_t waker;
    ck_assert(pthread_create(&waker, NULL, handshake_waker, &k) == 0);
    long misses = 0;
    for (long round = 1; round <= HANDSHAKE_ROUNDS && !atomic_load(&p->halt); round++) {
        uint64_t before = atomic_load(index);
        uint32_t wakes = atomic_load(wakeup);
        atomic_store_explicit(&p->go, round, memory_order_release);
        spin((unsigned)(round % HANDSHAKE_OFFSETS)); /* sweep the offset between the two */
        atomic_store(sleeping, 1);                   /* the sleeper: its flag first, ... */
        bool saw_it = atomic_load(index) != before;  /* ... then its last look */
        if (!wait_round(p, &p->done, round))
            break; /* the lab's side failed */
        if (!saw_it && atomic_load(sleeping) == 1 && atomic_load(wakeup) == wakes)
            misses++;
        atomic_store(sleeping, 0);
        /* The student's process has put the ring back as the round started
         * (empty, or full) before it stored `done`. */
    }
    atomic_store(&p->halt, 1);
    pthread_join(waker, NULL);
    unview_ring(&v);
    r = k.ring;
    destroy_ring(&r);
    if (k.rc == -1) {
        *err = k.err;
        return -1;
    }
    return misses;
}

START_TEST(lockfree_handshake_never_misses_a_sleeper)
{
    for (int k = 0; k < 2; k++) {
        bool consumer_wakes = k == 1;
        const char *waker = consumer_wakes ? "ring_recv()" : "ring_send()";
        int err = 0;
        long misses = handshake_misses(consumer_wakes, &err);
        grade_require_impl(misses, err, waker);
        ck_assert_msg(misses >= 0, "lockfree mode (Part B): %s failed: %s", waker, errno_name(err));
        ck_assert_msg(
            misses == 0,
            "lockfree mode (Part B): in %ld of %d rounds this test stored %s_sleeping = 1 and "
            "then still read the old index, and %s returned without clearing that flag or "
            "adding 1 to %s_wakeup: a real sleeper would have slept with its %s there and "
            "nobody to wake it (a lost wake-up). After publishing, the waker must look at the "
            "flag, and \"store the index, then load sleeping\" must be seq_cst (or have a "
            "seq_cst fence between them), as must the sleeper's \"store sleeping, then load the "
            "index\": release/acquire lets each load pass its own store",
            misses, HANDSHAKE_ROUNDS, consumer_wakes ? "producer" : "consumer", waker,
            consumer_wakes ? "producer" : "consumer", consumer_wakes ? "room" : "message");
    }
}
END_TEST

START_TEST(lock_mode_ping_pong_loses_no_wakeups)
{
    ping_pong_loses_no_wakeups(RING_LOCK);
}
END_TEST

START_TEST(lockfree_mode_ping_pong_loses_no_wakeups)
{
    ping_pong_loses_no_wakeups(RING_LOCKFREE);
}
END_TEST

/* For the table in test_ring.c. */
RING_EXPORT_TEST(lost_wakeup_is_counted);
RING_EXPORT_TEST(lockfree_handshake_never_misses_a_sleeper);
RING_EXPORT_TEST(lock_mode_ping_pong_loses_no_wakeups);
RING_EXPORT_TEST(lockfree_mode_ping_pong_loses_no_wakeups);
