/*
 * test_ring_messages.c - lab 01, step 2: messages in one process
 * (ring_message.c): wraparound, full and empty, sizes, the end of the
 * stream, the stop flag; and the trace of the segment's steps and of a real
 * sleep and wake-up.
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

/* ---- 2. messages in one process ------------------------------------------ */

/* Rounds of messages_wrap_around_the_end, and how many go to the student's
 * process in one call (ring_test_try_steps(): four calls each). */
enum { WRAP_ROUNDS = 3000, WRAP_CHUNK = 500, WRAP_IN = 200 };

/* The two messages of round i, made from out (200 bytes): a bytes from
 * out, then b bytes from out + 100. */
static void wrap_round(unsigned i, unsigned char *out, size_t *a, size_t *b)
{
    *a = (i * 37) % 100;
    *b = (i * 53) % 90;
    checksum_fill_pattern(out, 200, i);
}

/* Fails the test at a step of ring_test_try_steps() that failed. */
static void expect_step_ok(const struct ring_test_step *s, enum ring_mode mode)
{
    if (s->op == RING_TEST_SEND) {
        grade_require_impl(s->rc, s->err, "ring_try_send");
        ck_assert_msg(s->rc == 0, "%s: ring_try_send(%u bytes) failed: %s", mode_name(mode),
                      (unsigned)s->len, strerror(s->err));
    } else {
        grade_require_impl(s->rc, s->err, "ring_try_recv");
        ck_assert_msg(s->rc == 1, "%s: ring_try_recv returned %d (%s), expected 1 (a message)",
                      mode_name(mode), s->rc, s->rc == -1 ? strerror(s->err) : "end of stream");
    }
}

static void wrap_around_in(struct ring *r, const char *name, enum ring_mode mode)
{
    /* The calls go to the student's process WRAP_CHUNK rounds at a time, in
     * the order a round makes them; each result is checked here, in turn. */
    static struct ring_test_step steps[4 * WRAP_CHUNK];
    static unsigned char data[2 * WRAP_IN * WRAP_CHUNK], in[2 * WRAP_IN * WRAP_CHUNK];
    unsigned char out[200];
    uint64_t bytes = 0;
    for (unsigned first = 0; first < WRAP_ROUNDS; first += WRAP_CHUNK) {
        /* Two messages in flight, of changing lengths: records start at
         * every 8-byte position, and many straddle the end. */
        size_t n = 0, used = 0, a, b;
        for (unsigned i = first; i < first + WRAP_CHUNK; i++) {
            wrap_round(i, out, &a, &b);
            memcpy(data + used, out, a);
            memcpy(data + used + a, out + 100, b);
            used += a + b;
            steps[n++] = (struct ring_test_step){.op = RING_TEST_SEND, .len = (uint32_t)a};
            steps[n++] = (struct ring_test_step){.op = RING_TEST_SEND, .len = (uint32_t)b};
            steps[n++] = (struct ring_test_step){.op = RING_TEST_RECV, .len = WRAP_IN};
            steps[n++] = (struct ring_test_step){.op = RING_TEST_RECV, .len = WRAP_IN};
        }
        long ran = ring_test_try_steps(r, steps, n, data, in, sizeof data);
        ck_assert_msg(ran >= 1 && (size_t)ran <= n,
                      "the student's process answered %ld steps of %zu, which cannot be", ran, n);
        for (size_t s = 0; s < (size_t)ran; s += 4) {
            unsigned i = first + (unsigned)(s / 4);
            wrap_round(i, out, &a, &b);
            for (size_t t = s; t < s + 4 && t < (size_t)ran; t++)
                expect_step_ok(&steps[t], mode);
            ck_assert_msg((size_t)ran >= s + 4,
                          "the student's process stopped after %ld steps without a failure", ran);
            const unsigned char *got_a = in + (s / 2) * WRAP_IN, *got_b = got_a + WRAP_IN;
            size_t got = (size_t)steps[s + 2].got;
            ck_assert_msg(got == a && memcmp(got_a, out, a) == 0,
                          "%s: message of %zu bytes came back as %zu bytes%s (after %llu bytes "
                          "through a 256-byte ring)",
                          mode_name(mode), a, got, got == a ? " with different contents" : "",
                          (unsigned long long)bytes);
            got = (size_t)steps[s + 3].got;
            ck_assert_msg(got == b && memcmp(got_b, out + 100, b) == 0,
                          "%s: message of %zu bytes came back wrong across the end of the ring",
                          mode_name(mode), b);
            bytes += RING_RECORD_SIZE(a) + RING_RECORD_SIZE(b);
        }
    }
    struct view v = view_ring(name); /* the indices, as the test's own mapping shows them */
    uint64_t head = atomic_load(&v.shared->head), tail = atomic_load(&v.shared->tail);
    unview_ring(&v);
    ck_assert_msg(head == bytes && tail == bytes,
                  "%s: head/tail should count every byte ever written/read (%llu), "
                  "not wrap at the capacity",
                  mode_name(mode), (unsigned long long)bytes);
}

START_TEST(messages_wrap_around_the_end)
{
    in_both_modes(256, wrap_around_in);
}
END_TEST

static void full_and_empty_in(struct ring *r, const char *name, enum ring_mode mode)
{
    (void)name; /* not needed here */
    uint64_t seq, got;
    size_t len;
    errno = 0;
    int rc = ring_try_recv(r, &got, sizeof got, &len);
    REQUIRE_IMPL(rc, "ring_try_recv");
    ck_assert_msg(rc == -1 && errno == EAGAIN,
                  "%s: ring_try_recv on an empty ring must fail with EAGAIN; got %d (%s)",
                  mode_name(mode), rc, rc == -1 ? errno_name(errno) : "no error");
    /* 8-byte messages take 16 bytes each: exactly 16 fill 256 bytes. */
    for (seq = 0; seq < 16; seq++)
        send_now(r, &seq, sizeof seq, mode);
    errno = 0;
    rc = ring_try_send(r, &seq, sizeof seq);
    ck_assert_msg(rc == -1 && errno == EAGAIN,
                  "%s: a full ring (16 records of 16 bytes in 256) must refuse one more "
                  "with EAGAIN; got %d (%s)",
                  mode_name(mode), rc, rc == -1 ? errno_name(errno) : "no error");
    recv_now(r, &got, sizeof got, mode);
    ck_assert_msg(got == 0, "%s: the first message out is %llu, not 0", mode_name(mode),
                  (unsigned long long)got);
    errno = 0;
    rc = ring_try_send(r, "sixteen bytes!!", 16); /* needs 24 bytes; 16 are free */
    ck_assert_msg(rc == -1 && errno == EAGAIN,
                  "%s: a message needing 24 bytes must not fit in 16 free bytes; got %d",
                  mode_name(mode), rc);
    send_now(r, &seq, sizeof seq, mode); /* 16 bytes fit exactly */
    for (uint64_t want = 1; want <= 16; want++) {
        recv_now(r, &got, sizeof got, mode);
        ck_assert_msg(got == want, "%s: from a full ring, message %llu came out as %llu",
                      mode_name(mode), (unsigned long long)want, (unsigned long long)got);
    }
    errno = 0;
    rc = ring_try_recv(r, &got, sizeof got, &len);
    ck_assert_msg(rc == -1 && errno == EAGAIN, "%s: the drained ring must be empty again",
                  mode_name(mode));
}

START_TEST(full_and_empty_boundaries_are_exact)
{
    in_both_modes(256, full_and_empty_in);
}
END_TEST

static void sizes_in(struct ring *r, const char *name, enum ring_mode mode)
{
    (void)name; /* not needed here */
    size_t largest = ring_max_message(r);
    ck_assert_msg(largest == 1024 - RING_LENGTH_SIZE, "%s: ring_max_message is %zu, not %d",
                  mode_name(mode), largest, 1024 - RING_LENGTH_SIZE);
    /* out holds the 5000 bytes of the too-large message below: across the
     * boundary a message's bytes are copied before the call, so a test
     * never passes a length longer than its buffer. */
    unsigned char out[5000], in[1024];
    checksum_fill_pattern(out, sizeof out, 3);

    send_now(r, NULL, 0, mode);
    size_t len = recv_now(r, in, sizeof in, mode);
    ck_assert_msg(len == 0, "%s: a zero-length message came back with %zu bytes", mode_name(mode),
                  len);

    send_now(r, out, largest, mode);
    len = recv_now(r, in, sizeof in, mode);
    ck_assert_msg(len == largest && memcmp(in, out, largest) == 0,
                  "%s: the largest message (%zu bytes) did not come back intact", mode_name(mode),
                  largest);

    errno = 0;
    int rc = ring_try_send(r, out, largest + 1);
    ck_assert_msg(rc == -1 && errno == EMSGSIZE,
                  "%s: a message of capacity - %d + 1 bytes must fail with EMSGSIZE; got %d "
                  "(%s)",
                  mode_name(mode), RING_LENGTH_SIZE, rc, rc == -1 ? errno_name(errno) : "no error");
    errno = 0;
    rc = ring_send(r, out, 5000);
    ck_assert_msg(rc == -1 && errno == EMSGSIZE,
                  "%s: ring_send of a message larger than the ring must fail with EMSGSIZE "
                  "at once, not wait",
                  mode_name(mode));

    /* A buffer too small: EMSGSIZE, the length, and the message stays. */
    send_now(r, out, 300, mode);
    len = 0;
    errno = 0;
    rc = ring_try_recv(r, in, 100, &len);
    ck_assert_msg(rc == -1 && errno == EMSGSIZE && len == 300,
                  "%s: receiving 300 bytes into 100 must fail with EMSGSIZE and set *len to "
                  "300; got %d (%s), len %zu",
                  mode_name(mode), rc, strerror(errno), len);
    len = recv_now(r, in, sizeof in, mode);
    ck_assert_msg(len == 300 && memcmp(in, out, 300) == 0,
                  "%s: after EMSGSIZE the message must still be there, whole", mode_name(mode));
}

START_TEST(zero_length_and_largest_messages)
{
    in_both_modes(1024, sizes_in);
}
END_TEST

static void end_of_stream_in(struct ring *r, const char *name, enum ring_mode mode)
{
    send_now(r, "abc", 3, mode);
    send_now(r, "", 0, mode);
    send_now(r, "de", 2, mode);
    int rc = ring_send_eof(r);
    REQUIRE_IMPL(rc, "ring_send_eof");
    ck_assert_msg(rc == 0, "%s: ring_send_eof failed: %s", mode_name(mode), errno_name(errno));
    errno = 0;
    rc = ring_try_send(r, "late", 4);
    ck_assert_msg(rc == -1 && errno == EPIPE,
                  "%s: sending after the end of the stream must fail with EPIPE", mode_name(mode));
    char buf[16];
    const size_t want[] = {3, 0, 2};
    for (size_t i = 0; i < 3; i++) {
        size_t len = 99;
        rc = ring_recv(r, buf, sizeof buf, &len);
        ck_assert_msg(rc == 1 && len == want[i],
                      "%s: message %zu: ring_recv returned %d with %zu bytes; expected 1 "
                      "with %zu (every message before the end of stream arrives, empty ones "
                      "too)",
                      mode_name(mode), i, rc, len, want[i]);
    }
    for (int again = 0; again < 2; again++) {
        size_t len;
        struct ring_watch w; /* a ring_recv() that waits here waits for ever: say so */
        watch_ring(&w, r, name);
        rc = ring_recv(r, buf, sizeof buf, &len);
        fail_if_ring_stalled(&w, mode,
                             "ring_recv() after the last message, once the end of the "
                             "stream was marked (it must return 0 at once)");
        ck_assert_msg(rc == 0,
                      "%s: after the last message ring_recv must return 0 (end of "
                      "stream), every time; got %d",
                      mode_name(mode), rc);
        rc = ring_try_recv(r, buf, sizeof buf, &len);
        ck_assert_msg(rc == 0, "%s: ring_try_recv at end of stream must return 0, not %d",
                      mode_name(mode), rc);
    }
}

START_TEST(end_of_stream_is_not_a_message)
{
    in_both_modes(1024, end_of_stream_in);
}
END_TEST

static void stop_flag_in(struct ring *r, const char *name, enum ring_mode mode)
{
    (void)name; /* not needed here */
    /* A flag of the page the student's process maps too (ring_test.h). */
    volatile sig_atomic_t *stop = &ring_test_page()->stop[TEST_FLAG];
    *stop = 1;
    ring_set_stop_flag(r, stop);
    char buf[8];
    size_t len;
    errno = 0;
    int rc = ring_recv(r, buf, sizeof buf, &len);
    REQUIRE_IMPL(rc, "ring_recv");
    ck_assert_msg(rc == -1 && errno == EINTR,
                  "%s: ring_recv on an empty ring with the stop flag set must fail with "
                  "EINTR; got %d (%s)",
                  mode_name(mode), rc, rc == -1 ? errno_name(errno) : "no error");
    while (ring_try_send(r, "12345678", 8) == 0)
        ;
    errno = 0;
    rc = ring_send(r, "12345678", 8);
    ck_assert_msg(rc == -1 && errno == EINTR,
                  "%s: ring_send on a full ring with the stop flag set must fail with EINTR",
                  mode_name(mode));
}

START_TEST(stop_flag_ends_a_wait_with_eintr)
{
    in_both_modes(256, stop_flag_in);
}
END_TEST

/* ---- the trace ---------------------------------------------------------- */

/* Traces the student's process to path (NULL: stops); a test child forked
 * while it traces gets a student process that traces too. */
static void trace_to(const char *path)
{
    ck_assert_msg(agent_trace_to(path) == 0 || path == NULL,
                  "test setup: tracing the student's process failed: %s", strerror(errno));
}

static long count_calls(const struct trace_log *log, const char *const calls[], long pid)
{
    long n = 0;
    for (size_t i = 0; i < log->count; i++) {
        for (size_t k = 0; calls[k] != NULL; k++) {
            if (strcmp(log->steps[i].call, calls[k]) == 0 && (pid == 0 || log->steps[i].pid == pid))
                n++;
        }
    }
    return n;
}

static const char *const WAIT_CALLS[] = {"futex_wait", "pthread_cond_timedwait", NULL};
static const char *const WAKE_CALLS[] = {"futex_wake", "pthread_cond_signal", NULL};

static void segment_steps_traced_in(const char *name, enum ring_mode mode)
{
    const char *path = "trace.jsonl";
    trace_to(path);
    struct ring r;
    int rc = ring_create(&r, name, 4096, mode, RING_BOTH);
    int create_errno = errno;
    char buf[64];
    size_t len;
    for (int i = 0; rc == 0 && i < 100; i++) {
        if (ring_try_send(&r, "a message", 9) == -1 || ring_try_recv(&r, buf, 64, &len) != 1)
            rc = -2;
    }
    if (rc != -1)
        ring_destroy(&r);
    trace_to(NULL);
    struct trace_log log;
    int loaded = trace_log_load(&log, path);
    unlink(path);
    grade_require_impl(rc, create_errno, "ring_create");
    ck_assert_msg(rc == 0, "%s: sending and receiving 100 messages failed", mode_name(mode));
    ck_assert_msg(loaded == 0, "no trace was written; report each call with trace_call()");
    const char *steps[] = {"shm_open", "ftruncate", "mmap", "munmap", "shm_unlink"};
    long at = 0;
    for (size_t i = 0; i < 5; i++) {
        long found = trace_log_find(&log, at, NULL, steps[i]);
        if (found < 0) {
            trace_log_free(&log);
            ck_abort_msg("%s: the trace has no %s() after the steps before it; trace "
                         "shm_open, ftruncate, mmap, munmap and shm_unlink, in that order",
                         mode_name(mode), steps[i]);
        }
        at = found + 1;
    }
    long waits = count_calls(&log, WAIT_CALLS, 0), wakes = count_calls(&log, WAKE_CALLS, 0);
    trace_log_free(&log);
    ck_assert_msg(waits == 0 && wakes == 0,
                  "%s: 100 messages that never had to wait traced %ld waits and %ld wakes; "
                  "trace a wait or wake only when a side really sleeps",
                  mode_name(mode), waits, wakes);
}

START_TEST(trace_shows_segment_steps_and_no_needless_waits)
{
    for_both_modes(segment_steps_traced_in);
}
END_TEST

/* The ring, and the student process that consumes from it. */
struct sleepy {
    const char *name;
    pid_t consumer;
};

static void sleepy_producer_child(const void *arg, int ready_fd)
{
    const struct sleepy *s = arg;
    struct ring r;
    if (ring_attach(&r, s->name, RING_PRODUCER) == -1)
        child_fail(CHILD_ATTACH_FAILED, "ring_attach as producer");
    say_ready(ready_fd);
    /* Until the consumer really sleeps, seen from outside (the call it is
     * asleep in), at most 5 s; then 50 ms more. A fixed pause was too short
     * on a loaded machine, where the consumer had not reached its wait. */
    for (int waited = 0; waited < 500 && grade_blocked_call(s->consumer) == NULL; waited++)
        clock_sleep_ms(10);
    clock_sleep_ms(50);
    if (ring_send(&r, "wake up", 7) == -1)
        child_fail(CHILD_SEND_FAILED, "ring_send");
    if (ring_send_eof(&r) == -1)
        child_fail(CHILD_EOF_FAILED, "ring_send_eof");
    if (ring_detach(&r) == -1)
        child_fail(CHILD_DETACH_FAILED, "ring_detach");
}

static void sleep_and_wake_traced_in(const char *name, enum ring_mode mode)
{
    const char *path = "trace.jsonl";
    struct ring r;
    create_ring(&r, name, 4096, mode, RING_CONSUMER);
    trace_to(path);
    struct sleepy sleepy = {name, boundary_agent_pid()};
    struct child c = start_child(sleepy_producer_child, &sleepy, "producer");
    char buf[16];
    size_t len;
    int rc = ring_recv(&r, buf, sizeof buf, &len);
    int recv_errno = errno;
    trace_to(NULL);
    expect_child_ok(c.pid, 5000, "producer");
    struct trace_log log;
    int loaded = trace_log_load(&log, path);
    unlink(path);
    grade_require_impl(rc, recv_errno, "ring_recv");
    ck_assert_msg(rc == 1, "%s: ring_recv returned %d (%s), not a message", mode_name(mode), rc,
                  rc == -1 ? errno_name(recv_errno) : "end of stream");
    ck_assert_msg(loaded == 0, "no trace was written");
    /* The consumer is this test's student process; the producer, the one
     * made for the child. */
    long waits = count_calls(&log, WAIT_CALLS, (long)boundary_agent_pid());
    long wakes = count_calls(&log, WAKE_CALLS, (long)boundary_student_of(c.pid));
    trace_log_free(&log);
    ck_assert_msg(waits >= 1,
                  "%s: the consumer waited 300 ms for a message, but its trace shows no "
                  "sleep; trace it as %s",
                  mode_name(mode), mode == RING_LOCK ? "pthread_cond_timedwait" : "futex_wait");
    ck_assert_msg(wakes >= 1,
                  "%s: the producer sent to a sleeping consumer, but its trace shows no wake; "
                  "trace it as %s",
                  mode_name(mode), mode == RING_LOCK ? "pthread_cond_signal" : "futex_wake");
    ck_assert_int_eq(ring_recv(&r, buf, sizeof buf, &len), 0);
    destroy_ring(&r);
}

START_TEST(trace_shows_sleep_and_wake)
{
    for_both_modes(sleep_and_wake_traced_in);
}
END_TEST

/* For the table in test_ring.c. */
RING_EXPORT_TEST(messages_wrap_around_the_end);
RING_EXPORT_TEST(full_and_empty_boundaries_are_exact);
RING_EXPORT_TEST(zero_length_and_largest_messages);
RING_EXPORT_TEST(end_of_stream_is_not_a_message);
RING_EXPORT_TEST(stop_flag_ends_a_wait_with_eintr);
RING_EXPORT_TEST(trace_shows_segment_steps_and_no_needless_waits);
RING_EXPORT_TEST(trace_shows_sleep_and_wake);
