/*
 * test_ring_streams.c - lab 01's streams: a million mixed messages between
 * two processes, and 200 000 between two threads sharing one ring (also
 * graded under ThreadSanitizer). The messages are made here and cross to
 * the student's process in batches (ring_test.h); every one that arrives is
 * checked here.
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

/* ---- a stream of mixed messages, checked by sequence number and checksum ---- */

/* The length of message i: mostly small, some empty, now and then the largest. */
static size_t mixed_size(uint64_t i, size_t largest)
{
    if (i % 97 == 0)
        return 0;
    if (i % 4099 == 0)
        return largest;
    if (i % 61 == 0)
        return 1 + (size_t)((i * 131) % 3000);
    return 1 + (size_t)((i * 2654435761u) % 200);
}

struct stream {
    const char *name;  /* attach by name (a process), or */
    struct ring *ring; /* use this handle (a thread: its own copy, see stream_between_threads) */
    uint64_t count;
    size_t largest;
    uint64_t seed; /* of the bytes: chosen by the test, unknown to the student's code */
    int result;    /* of the producer thread: 0, or an errno */
};

/* Messages cross to the student's process in batches (ring_test.h): this
 * many at most, in a buffer of this many bytes. */
enum { BATCH_MESSAGES = 16384, BATCH_BYTES = 4 << 20 };

/* The bytes message i is made of: the pattern from i % 4096 on (seed
 * s->seed), its first 8 bytes its sequence number when it has 8. */
static void make_message(unsigned char *message, const unsigned char *pattern, uint64_t i,
                         size_t len)
{
    memcpy(message, pattern + i % 4096, len);
    if (len >= sizeof i)
        memcpy(message, &i, sizeof i);
}

/*
 * Sends count mixed messages (each of 8 bytes or more starts with its
 * sequence number), then one 8-byte message with the checksum of all of
 * them, then the end of the stream. The messages are made here and sent in
 * batches, by the student's ring_send() in the student's process. Returns
 * 0, or an errno.
 */
static int produce_stream(struct ring *r, const struct stream *s)
{
    size_t pattern_size = s->largest + 4096;
    unsigned char *pattern = malloc(pattern_size), *batch = malloc(BATCH_BYTES);
    if (pattern == NULL || batch == NULL) {
        free(pattern);
        free(batch);
        return ENOMEM;
    }
    checksum_fill_pattern(pattern, pattern_size, s->seed);
    uint64_t sum = CHECKSUM_INIT;
    int err = 0;
    for (uint64_t i = 0; i < s->count && err == 0;) {
        size_t used = 0;
        long packed = 0;
        for (; i < s->count && packed < BATCH_MESSAGES; i++, packed++) {
            size_t len = mixed_size(i, s->largest);
            if (used + sizeof(uint32_t) + len > BATCH_BYTES)
                break;
            uint32_t len32 = (uint32_t)len;
            memcpy(batch + used, &len32, sizeof len32);
            make_message(batch + used + sizeof len32, pattern, i, len);
            sum = checksum_update(sum, batch + used + sizeof len32, len);
            used += sizeof len32 + len;
        }
        errno = 0;
        long sent = ring_test_send_batch(r, batch, used);
        if (sent != packed)
            err = errno != 0 ? errno : EIO;
    }
    if (err == 0 && ring_send(r, &sum, sizeof sum) == -1)
        err = errno;
    if (err == 0 && ring_send_eof(r) == -1)
        err = errno;
    free(pattern);
    free(batch);
    return err;
}

/* Receives and checks the stream of produce_stream(), failing the test at
 * the first message that is wrong. The student's process receives them in
 * batches (ring_test.h) and hands back their bytes; they are checked here. */
static void consume_stream(struct ring *r, const struct stream *s, struct ring_watch *w,
                           enum ring_mode mode)
{
    size_t cap = ring_max_message(r);
    unsigned char *buf = malloc(BATCH_BYTES);
    ck_assert(buf != NULL);
    uint64_t sum = CHECKSUM_INIT;
    size_t len;
    /* Plain ifs in this loop: every ck_assert records a checkpoint with a
     * system call, too slow to do a million times. */
    for (uint64_t i = 0; i < s->count;) {
        /* The buffer holds the messages expected next, and no more. */
        size_t want_bytes = 0;
        long want = 0;
        while (i + (uint64_t)want < s->count && want < BATCH_MESSAGES &&
               want_bytes + sizeof(uint32_t) + mixed_size(i + (uint64_t)want, s->largest) <=
                   BATCH_BYTES)
            want_bytes += sizeof(uint32_t) + mixed_size(i + (uint64_t)want++, s->largest);
        struct ring_test_received got = {0};
        ring_test_recv_batch(r, buf, want_bytes, want, cap, &got);
        grade_require_impl(got.rc, got.err, "ring_recv");
        if (got.count < 0 || got.count > want || got.used > want_bytes)
            ck_abort_msg("%s: the student's process answered a batch of ring_recv() with %ld "
                         "messages in %llu bytes, which cannot be",
                         mode_name(mode), got.count, (unsigned long long)got.used);
        size_t at = 0;
        for (long k = 0; k < got.count; k++, i++) {
            uint32_t len32 = UINT32_MAX;
            if (got.used - at >= sizeof len32)
                memcpy(&len32, buf + at, sizeof len32);
            at += sizeof len32;
            size_t want = mixed_size(i, s->largest);
            if (len32 != want || got.used - at < len32)
                ck_abort_msg("%s: message %llu has %lu bytes, expected %zu: a message was lost, "
                             "repeated or cut (check the length prefix and the wraparound)",
                             mode_name(mode), (unsigned long long)i, (unsigned long)len32, want);
            len = len32;
            if (len >= sizeof i) {
                uint64_t seq;
                memcpy(&seq, buf + at, sizeof seq);
                if (seq != i)
                    ck_abort_msg("%s: message %llu carries sequence number %llu: messages were "
                                 "lost, repeated or reordered",
                                 mode_name(mode), (unsigned long long)i, (unsigned long long)seq);
            }
            sum = checksum_update(sum, buf + at, len);
            at += len;
        }
        if (got.rc == -1 && got.err == EMSGSIZE) /* longer than the message expected there */
            ck_abort_msg("%s: message %llu is longer than the %zu bytes expected: a message was "
                         "lost, repeated or cut (check the length prefix and the wraparound)",
                         mode_name(mode), (unsigned long long)i, mixed_size(i, s->largest));
        if (got.rc != 1) {
            char doing[96];
            snprintf(doing, sizeof doing, "ring_recv() of message %llu", (unsigned long long)i);
            fail_if_ring_stalled(w, mode, doing);
            ck_abort_msg("%s: message %llu of %llu: ring_recv returned %d (%s)", mode_name(mode),
                         (unsigned long long)i, (unsigned long long)s->count, got.rc,
                         got.rc == -1 ? strerror(got.err) : "end of stream too early");
        }
        /* Sleeps that the liveness limit ended although a message was there:
         * say so now, rather than at the time limit of a stream gone slow. */
        if (r->consumer.lost_wakeups > 2 && r->consumer.lost_wakeups * 10 > r->consumer.sleeps)
            ck_abort_msg("%s: after %llu messages the consumer had lost %lu of its %lu wake-ups "
                         "(sleeps ended by the %d ms liveness limit although a message was "
                         "there): the producer must wake a sleeping consumer after it publishes",
                         mode_name(mode), (unsigned long long)i, r->consumer.lost_wakeups,
                         r->consumer.sleeps, RING_LIVENESS_MS);
    }
    uint64_t sent_sum = 0;
    int rc = ring_recv(r, &sent_sum, sizeof sent_sum, &len);
    ck_assert_msg(rc == 1 && len == sizeof sent_sum,
                  "%s: the final checksum message did not arrive (rc %d)", mode_name(mode), rc);
    ck_assert_msg(sum == sent_sum,
                  "%s: the checksum of what arrived differs from what was sent: bytes were "
                  "damaged (copying across the end of the ring? reading before the producer "
                  "published?)",
                  mode_name(mode));
    rc = ring_recv(r, buf, cap, &len);
    ck_assert_msg(rc == 0,
                  "%s: after the last message ring_recv returned %d, not 0 (end of stream)",
                  mode_name(mode), rc);
    free(buf);
}

static void stream_producer_child(const void *arg, int ready_fd)
{
    const struct stream *s = arg;
    struct ring r;
    if (ring_attach(&r, s->name, RING_PRODUCER) == -1)
        child_fail(CHILD_ATTACH_FAILED, "ring_attach as producer");
    say_ready(ready_fd);
    int err = produce_stream(&r, s);
    if (err != 0) {
        errno = err;
        child_fail(CHILD_SEND_FAILED, "sending the stream");
    }
    /* The producer waits for room again and again. A consumer that frees room
     * without waking it turns each of those waits into a lost wake-up; a rare
     * one (a timeout racing a wake-up on a busy machine) is forgiven. */
    unsigned long lost = r.producer.lost_wakeups, sleeps = r.producer.sleeps;
    if (ring_detach(&r) == -1)
        child_fail(CHILD_DETACH_FAILED, "ring_detach");
    if (lost > 2 && lost * 10 > sleeps) {
        fprintf(stderr, "test child %ld: the producer lost %lu of its %lu wake-ups\n",
                (long)getpid(), lost, sleeps);
        _exit(CHILD_LOST_WAKEUP);
    }
}

/*
 * Sanitizers run the ring 5-20 times slower and cannot follow the other
 * process anyway (shared memory between processes is outside their view):
 * under them the stream is 100 000 messages, which still wraps the ring
 * thousands of times through every code path. Plain builds (what grades a
 * student) send the full million.
 */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define STREAM_MESSAGES 100000
#else
#define STREAM_MESSAGES 1000000
#endif

static void million_messages_between_processes(enum ring_mode mode)
{
    char name[128];
    new_name(name, sizeof name);
    struct ring r;
    create_ring(&r, name, 64 * 1024, mode, RING_CONSUMER);
    struct stream s = {.name = name,
                       .count = STREAM_MESSAGES,
                       .largest = ring_max_message(&r),
                       .seed = fresh_seed()};
    struct child c = start_child(stream_producer_child, &s, "producer");
    struct ring_watch w;
    watch_ring(&w, &r, name);
    consume_stream(&r, &s, &w, mode);
    fail_if_ring_stalled(&w, mode, "the stream");
    expect_child_ok(c.pid, 20000, "producer");
    destroy_ring(&r);
}

START_TEST(lock_mode_million_messages_between_processes)
{
    million_messages_between_processes(RING_LOCK);
}
END_TEST

START_TEST(lockfree_mode_million_messages_between_processes)
{
    million_messages_between_processes(RING_LOCKFREE);
}
END_TEST

static void *stream_producer_thread(void *arg)
{
    struct stream *s = arg;
    s->result = produce_stream(s->ring, s);
    return NULL;
}

/*
 * The same stream between two threads sharing one ring: ThreadSanitizer
 * sees both sides here (it cannot see into another process). Each thread of
 * this process calls from a thread of its own in the student's process, on
 * the same mapping. Handles are copied across the boundary by value, so the
 * producer thread keeps its own copy of the handle: each side touches only
 * its own part of it (struct ring_side), as ring.h promises.
 */
static void stream_between_threads(enum ring_mode mode)
{
    char name[128];
    new_name(name, sizeof name);
    struct ring r;
    create_ring(&r, name, 16 * 1024, mode, RING_BOTH);
    struct ring producer_handle;
    struct stream s = {.ring = &producer_handle,
                       .count = 200000,
                       .largest = ring_max_message(&r),
                       .seed = fresh_seed()};
    /* One message first, in this thread, so a skeleton fails cleanly here. */
    int rc = ring_try_send(&r, "x", 1);
    REQUIRE_IMPL(rc, "ring_try_send");
    size_t len;
    char x;
    rc = ring_try_recv(&r, &x, 1, &len);
    REQUIRE_IMPL(rc, "ring_try_recv");
    ck_assert_msg(rc == 1 && len == 1 && x == 'x', "%s: one message did not go round",
                  mode_name(mode));
    struct ring_watch w;
    watch_ring(&w, &r, name);
    producer_handle = r; /* with the stop flag set */
    pthread_t producer;
    ck_assert(pthread_create(&producer, NULL, stream_producer_thread, &s) == 0);
    consume_stream(&r, &s, &w, mode);
    pthread_join(producer, NULL);
    fail_if_ring_stalled(&w, mode, "the stream");
    ck_assert_msg(s.result == 0, "%s: the producer thread failed: %s", mode_name(mode),
                  strerror(s.result));
    destroy_ring(&r);
}

START_TEST(lock_mode_threads_share_one_ring)
{
    stream_between_threads(RING_LOCK);
}
END_TEST

START_TEST(lockfree_mode_threads_share_one_ring)
{
    stream_between_threads(RING_LOCKFREE);
}
END_TEST

/* For the table in test_ring.c. */
RING_EXPORT_TEST(lock_mode_million_messages_between_processes);
RING_EXPORT_TEST(lockfree_mode_million_messages_between_processes);
RING_EXPORT_TEST(lock_mode_threads_share_one_ring);
RING_EXPORT_TEST(lockfree_mode_threads_share_one_ring);
