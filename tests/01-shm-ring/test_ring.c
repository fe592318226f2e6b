/*
 * test_ring.c - the graded tests of lab 01 (the shared-memory ring).
 *
 * Each test checks one behaviour of ring.h. The table at the bottom
 * declares every test with its points, timeout and hint: that table is
 * the only place points are set. Tests that cover both parts run Part A
 * (RING_LOCK) first, then Part B (RING_LOCKFREE), and name the part when
 * they fail.
 *
 * These tests run in the checker, a process with no student code
 * (tests/grader/boundary.h): each ring_*() call here goes to the student's
 * process. A test that looks at a ring's header maps the object itself, by
 * name (struct view), and reads its own mapping; descriptors and CPU time
 * are read from /proc of the student's process. Streams and round trips go
 * in batches through the helpers of ring_test.h, over data made here, and
 * what arrived is checked here.
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

/* Part A first, then Part B. */
static const enum ring_mode BOTH_MODES[] = {RING_LOCK, RING_LOCKFREE};

/* ---- helpers ---------------------------------------------------------- */

static const char *mode_name(enum ring_mode mode)
{
    return mode == RING_LOCK ? "lock mode (Part A)" : "lockfree mode (Part B)";
}

static void new_name(char *buf, size_t size)
{
    ck_assert_msg(names_shm(buf, size, "ring") == 0, "test setup: names_shm failed");
}

/* Creates a ring or fails the test with the reason. */
static void create_ring(struct ring *r, const char *name, size_t capacity, enum ring_mode mode,
                        enum ring_role role)
{
    int rc = ring_create(r, name, capacity, mode, role);
    REQUIRE_IMPL(rc, "ring_create");
    ck_assert_msg(rc == 0, "ring_create(\"%s\", %zu, %s) failed: %s", name, capacity,
                  mode_name(mode), errno_name(errno));
}

static void destroy_ring(struct ring *r)
{
    int rc = ring_destroy(r);
    REQUIRE_IMPL(rc, "ring_destroy");
    ck_assert_msg(rc == 0, "ring_destroy failed: %s", errno_name(errno));
}

static bool shm_exists(const char *name)
{
    int fd = shm_open(name, O_RDONLY, 0);
    if (fd == -1)
        return false;
    close(fd);
    return true;
}

/* A ring's object as this process maps it itself: what the tests read of
 * the header (indices, sleeping flags, the lock) comes from here, never
 * from the student's process. */
struct view {
    struct ring_shared *shared;
    size_t size;
};

static struct view view_ring(const char *name)
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

static void unview_ring(struct view *v)
{
    if (v->shared != NULL)
        munmap(v->shared, v->size);
    v->shared = NULL;
}

/* Descriptors the student's process holds between calls (boundary.h). */
static int student_fds(char *list, size_t size)
{
    int count = boundary_agent_fds(boundary_agent_pid(), list, size);
    ck_assert_msg(count >= 0, "test setup: the student's process cannot be looked at");
    return count;
}

/* A seed for the bytes of a stream, new each run: the student's code cannot
 * know what is coming before it arrives. */
static uint64_t fresh_seed(void)
{
    return clock_now_ns() * 6364136223846793005u ^ (uint64_t)getpid();
}

/* Makes a shared-memory object that is not a ring: size bytes, starting with len bytes. */
static void make_object(const char *name, const void *bytes, size_t len, size_t size)
{
    int fd = shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600);
    ck_assert_msg(fd != -1, "test setup: shm_open %s: %s", name, strerror(errno));
    ck_assert_msg(ftruncate(fd, (off_t)size) == 0, "test setup: ftruncate: %s", strerror(errno));
    ck_assert_msg(pwrite(fd, bytes, len, 0) == (ssize_t)len, "test setup: pwrite");
    close(fd);
}

/* Sends without waiting, or fails the test. */
static void send_now(struct ring *r, const void *data, size_t len, enum ring_mode mode)
{
    int rc = ring_try_send(r, data, len);
    REQUIRE_IMPL(rc, "ring_try_send");
    ck_assert_msg(rc == 0, "%s: ring_try_send(%zu bytes) failed: %s", mode_name(mode), len,
                  strerror(errno));
}

/* Receives without waiting, or fails the test; returns the length. */
static size_t recv_now(struct ring *r, void *buf, size_t cap, enum ring_mode mode)
{
    size_t len = (size_t)-1;
    int rc = ring_try_recv(r, buf, cap, &len);
    REQUIRE_IMPL(rc, "ring_try_recv");
    ck_assert_msg(rc == 1, "%s: ring_try_recv returned %d (%s), expected 1 (a message)",
                  mode_name(mode), rc, rc == -1 ? strerror(errno) : "end of stream");
    return len;
}

/* ---- children --------------------------------------------------------- */

/* How a child process of a test reports through its exit status. Success is
 * not 0: an exit(0) in the code under test must never read as success. */
enum child_result {
    CHILD_OK = 42,
    CHILD_NOT_IMPLEMENTED = 10,
    CHILD_ATTACH_FAILED = 11,
    CHILD_SEND_FAILED = 12,
    CHILD_RECV_FAILED = 13,
    CHILD_WRONG_DATA = 14,
    CHILD_EOF_FAILED = 15,
    CHILD_DETACH_FAILED = 16,
    CHILD_LOST_WAKEUP = 17,
};

static _Noreturn void child_fail(enum child_result code, const char *what)
{
    if (errno == ENOSYS)
        _exit(CHILD_NOT_IMPLEMENTED);
    /* errno is named only when it says something: a call that returned 0 or
     * a wrong value leaves an old, unrelated errno behind. */
    fprintf(stderr, "test child %ld: %s%s%s\n", (long)getpid(), what, errno ? ": " : "",
            errno ? errno_name(errno) : "");
    _exit(code);
}

static const char *child_reason(int code)
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

/* A child, and a pipe on which it says when it is ready. */
struct child {
    pid_t pid;
    int ready_fd;
};

typedef void (*child_body)(const void *arg, int ready_fd);

static struct child start_child(child_body body, const void *arg)
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
    return (struct child){.pid = pid, .ready_fd = fds[0]};
}

static void say_ready(int ready_fd)
{
    char byte = 'r';
    if (write(ready_fd, &byte, 1) != 1)
        _exit(99);
    close(ready_fd);
}

/* Waits for the child's "ready"; on failure, reports what the child said. */
static void expect_ready(struct child *c, const char *who)
{
    struct pollfd p = {.fd = c->ready_fd, .events = POLLIN};
    char byte;
    bool ready = poll(&p, 1, 10000) == 1 && read(c->ready_fd, &byte, 1) == 1;
    close(c->ready_fd);
    if (ready)
        return;
    int status = grade_wait_child(c->pid, 2000);
    if (status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == CHILD_NOT_IMPLEMENTED)
        ck_abort_msg("not implemented yet: a ring function returned ENOSYS in the %s child", who);
    ck_abort_msg("the %s child never became ready: it %s (%s)", who,
                 status == -1 ? "hung" : grade_describe_status(status),
                 status != -1 && WIFEXITED(status) ? child_reason(WEXITSTATUS(status)) : "");
}

/* Waits for a child that should succeed; fails the test otherwise. */
static void expect_child_ok(pid_t pid, int timeout_ms, const char *who)
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

/* ---- the watchdog's view of a ring (tests/grader/watch.c) ---- */

/*
 * What the watchdog sees of a ring, every 100 ms, from its header (ring.h's
 * layout). Progress is a message moving (head or tail). Both sides asleep
 * at once, for 2 ms with neither index moving, is a lost wake-up caught in
 * the act: the ring is empty (the producer has room) or holds a message (the
 * consumer has one), so one of the two sleeps for nothing. A handshake that
 * loses wake-ups now and then still makes progress, each time after
 * RING_LIVENESS_MS; after LOST_SEEN such sightings the watch stops counting
 * progress, so the test ends in seconds, not at its time limit.
 */
enum { LOST_SEEN = 5 };

struct ring_watch {
    struct view view; /* the ring as this process maps it */
    uint64_t last;    /* head + tail at the previous look */
    int both_asleep;  /* looks that found both sides asleep and nothing moved */
};

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

/* The stop flag the watchdog sets: a flag of the page the student's process
 * maps too (ring_test.h), so its ring sees it at once. */
enum { WATCH_FLAG = 0, TEST_FLAG = 1 };

/* Watches the ring `name` (r is the test's handle on it) through w: no
 * message moved for 3 s stops the test, saying so. The watchdog then sets
 * r's stop flag (ring_set_stop_flag), so a wait of the student's code ends
 * with EINTR, and kills the test's children. The student's process itself
 * is spared: its wait must end by the flag, and the test then says why. */
static void watch_ring(struct ring_watch *w, struct ring *r, const char *name)
{
    *w = (struct ring_watch){.view = view_ring(name)};
    volatile sig_atomic_t *fired = &ring_test_page()->stop[WATCH_FLAG];
    *fired = 0;
    ring_set_stop_flag(r, fired);
    grade_watch_spare(boundary_agent_pid());
    grade_watch_start(ring_progress, ring_describe, w, 3000, fired);
}

/* Fails the test if the watch on the ring fired; ends the watch. */
static void fail_if_ring_stalled(struct ring_watch *w, enum ring_mode mode, const char *doing)
{
    const char *stalled = grade_watch_stop();
    unview_ring(&w->view);
    if (stalled)
        ck_abort_msg("%s: %s: %s", mode_name(mode), doing, stalled);
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
    struct child c = start_child(stream_producer_child, &s);
    expect_ready(&c, "producer");
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

/* ---- 1. create and attach ---------------------------------------------- */

START_TEST(create_makes_private_object_of_right_size)
{
    char name[128];
    new_name(name, sizeof name);
    int fds_before = student_fds(NULL, 0);
    struct ring r;
    create_ring(&r, name, 4096, RING_LOCKFREE, RING_PRODUCER);
    int fds_after = student_fds(NULL, 0);
    char path[160];
    snprintf(path, sizeof path, "/dev/shm%s", name);
    struct stat st;
    int stat_rc = stat(path, &st);
    ck_assert_msg(stat_rc == 0, "after ring_create there is no %s: use shm_open(O_CREAT|O_EXCL)",
                  path);
    ck_assert_msg((st.st_mode & 0777) == 0600,
                  "the object has mode %03o; it must be 0600 (only its owner may map it)",
                  (unsigned)(st.st_mode & 0777));
    ck_assert_msg(st.st_size == RING_HEADER_SIZE + 4096,
                  "the object has %lld bytes; expected RING_HEADER_SIZE + capacity = %d "
                  "(ftruncate)",
                  (long long)st.st_size, RING_HEADER_SIZE + 4096);
    ck_assert_msg(fds_after == fds_before,
                  "ring_create left %d descriptor(s) open; close the fd once it is mapped",
                  fds_after - fds_before);
    ck_assert_msg(r.capacity == 4096 && ring_max_message(&r) == 4096 - RING_LENGTH_SIZE,
                  "capacity %llu, largest message %zu; expected 4096 and %d",
                  (unsigned long long)r.capacity, ring_max_message(&r), 4096 - RING_LENGTH_SIZE);
    destroy_ring(&r);
    ck_assert_msg(!shm_exists(name), "after ring_destroy the object %s still exists: shm_unlink it",
                  name);
    ck_assert_msg(student_fds(NULL, 0) == fds_before, "ring_destroy left descriptors open");
}
END_TEST

START_TEST(create_refuses_a_taken_name_and_leaves_it)
{
    char name[128];
    new_name(name, sizeof name);
    struct ring first, second;
    create_ring(&first, name, 4096, RING_LOCKFREE, RING_PRODUCER);
    errno = 0;
    int rc = ring_create(&second, name, 4096, RING_LOCKFREE, RING_PRODUCER);
    int create_errno = errno;
    bool still_there = shm_exists(name);
    if (rc == 0)
        ring_detach(&second);
    ck_assert_msg(rc == -1 && create_errno == EEXIST,
                  "creating a name that exists must fail with EEXIST (O_CREAT|O_EXCL); got "
                  "%d (%s)",
                  rc, strerror(create_errno));
    ck_assert_msg(still_there, "the failed ring_create removed the other ring's object: never "
                               "shm_unlink a name you did not create");
    const char hello[] = "still works";
    send_now(&first, hello, sizeof hello, RING_LOCKFREE);
    destroy_ring(&first);
}
END_TEST

START_TEST(failed_create_leaves_nothing_behind)
{
    /* A file size limit makes ftruncate() fail after shm_open() succeeded:
     * the half-made object must be removed again. */
    char name[128];
    new_name(name, sizeof name);
    /* The limit is set in the student's process, where ring_create() runs. */
    ck_assert(agent_set_signal(SIGXFSZ, 1) == 0); /* else exceeding the limit kills it */
    ck_assert_msg(ring_test_limit_file_size(4096) == 0,
                  "test setup: setrlimit(RLIMIT_FSIZE) in the student's process: %s",
                  strerror(errno));
    int fds_before = student_fds(NULL, 0);
    struct ring r;
    int rc = ring_create(&r, name, 1 << 20, RING_LOCKFREE, RING_PRODUCER);
    int create_errno = errno;
    ring_test_limit_file_size(-1);
    agent_set_signal(SIGXFSZ, 0);
    grade_require_impl(rc, create_errno, "ring_create");
    if (rc == 0)
        ring_destroy(&r);
    ck_assert_msg(rc == -1, "test setup: ring_create succeeded despite RLIMIT_FSIZE");
    ck_assert_msg(!shm_exists(name),
                  "ring_create failed (%s) but left the object %s behind: after shm_open "
                  "succeeded, every error path must shm_unlink it",
                  strerror(create_errno), name);
    ck_assert_msg(student_fds(NULL, 0) == fds_before,
                  "the failed ring_create left a descriptor open: close it on error paths too");
}
END_TEST

START_TEST(bad_names_and_capacities_are_rejected)
{
    char long_name[RING_NAME_MAX + 8];
    long_name[0] = '/';
    memset(long_name + 1, 'x', sizeof long_name - 2);
    long_name[sizeof long_name - 1] = '\0';
    const char *bad_names[] = {"no-slash", "/two/slashes", "/", "", "//x"};
    char good[128];
    new_name(good, sizeof good);
    struct ring r;
    int rc = ring_create(&r, bad_names[0], 4096, RING_LOCKFREE, RING_PRODUCER);
    REQUIRE_IMPL(rc, "ring_create");
    for (size_t i = 0; i < sizeof bad_names / sizeof bad_names[0]; i++) {
        errno = 0;
        rc = ring_create(&r, bad_names[i], 4096, RING_LOCKFREE, RING_PRODUCER);
        int create_errno = errno;
        if (rc == 0)
            ring_destroy(&r);
        ck_assert_msg(rc == -1 && create_errno == EINVAL,
                      "ring_create(\"%s\") must fail with EINVAL: a name is '/' and then "
                      "characters without another '/'; got %d (%s)",
                      bad_names[i], rc, strerror(create_errno));
        errno = 0;
        rc = ring_attach(&r, bad_names[i], RING_CONSUMER);
        ck_assert_msg(rc == -1 && errno == EINVAL,
                      "ring_attach(\"%s\") must fail with EINVAL; got %d (%s)", bad_names[i], rc,
                      strerror(errno));
    }
    errno = 0;
    rc = ring_create(&r, NULL, 4096, RING_LOCKFREE, RING_PRODUCER);
    ck_assert_msg(rc == -1 && errno == EINVAL, "ring_create(NULL name) must fail with EINVAL");
    errno = 0;
    rc = ring_create(&r, long_name, 4096, RING_LOCKFREE, RING_PRODUCER);
    ck_assert_msg(rc == -1 && errno == ENAMETOOLONG,
                  "a name of %zu bytes must fail with ENAMETOOLONG; got %d (%s)", strlen(long_name),
                  rc, rc == -1 ? errno_name(errno) : "no error");
    const size_t bad_capacities[] = {0, 100, 4097, 32, RING_MAX_CAPACITY * 2};
    for (size_t i = 0; i < sizeof bad_capacities / sizeof bad_capacities[0]; i++) {
        errno = 0;
        rc = ring_create(&r, good, bad_capacities[i], RING_LOCKFREE, RING_PRODUCER);
        int create_errno = errno;
        if (rc == 0)
            ring_destroy(&r);
        ck_assert_msg(rc == -1 && create_errno == EINVAL,
                      "capacity %zu must fail with EINVAL (a power of two from %d to %lu); got "
                      "%d (%s)",
                      bad_capacities[i], RING_MIN_CAPACITY, (unsigned long)RING_MAX_CAPACITY, rc,
                      strerror(create_errno));
    }
    errno = 0;
    rc = ring_create(&r, good, 4096, (enum ring_mode)7, RING_PRODUCER);
    ck_assert_msg(rc == -1 && errno == EINVAL, "an unknown mode must fail with EINVAL");
    ck_assert_msg(!shm_exists(good), "a rejected ring_create left the object %s behind", good);
}
END_TEST

/* The first failed ring_attach() that left descriptors open, if any. */
struct fd_blame {
    const char *what;
    int leaked;
};

/* ring_attach() as a consumer, counting the descriptors it leaves open when
 * it fails; the result and errno are ring_attach()'s. */
static int attach_counting_fds(struct ring *r, const char *name, struct fd_blame *blame,
                               const char *what)
{
    int before = student_fds(NULL, 0);
    errno = 0;
    int rc = ring_attach(r, name, RING_CONSUMER);
    int err = errno;
    int left = student_fds(NULL, 0) - before;
    if (rc == -1 && left > 0 && blame->leaked == 0) {
        blame->what = what;
        blame->leaked = left;
    }
    errno = err;
    return rc;
}

START_TEST(attach_rejects_missing_foreign_truncated_and_garbage)
{
    char name[128], ring_name[128];
    new_name(ring_name, sizeof ring_name);
    struct ring r, owner;
    int fds_before = student_fds(NULL, 0);
    /* Descriptors are counted around each failed attach, so a leak is blamed
     * on the call that made it, not on the test's own ring_create(). */
    struct fd_blame blame = {0};

    new_name(name, sizeof name);
    errno = 0;
    int rc = ring_attach(&r, name, RING_CONSUMER);
    REQUIRE_IMPL(rc, "ring_attach");
    ck_assert_msg(rc == -1 && errno == ENOENT, "attaching a name nobody created must fail with "
                                               "ENOENT (from shm_open)");

    const struct {
        const char *what;
        size_t len, size;
        int err;
    } cases[] = {
        {"a foreign object (text where the header should be)", 64, 8192, EPROTO},
        {"an object of random bytes", 8192, 8192, EPROTO},
        {"an object smaller than a header", 100, 100, EBADMSG},
        {"an object of size 0 (not finished by its creator)", 0, 0, EAGAIN},
        {"an object of zeros (magic 0: not finished by its creator)", 0, 8192, EAGAIN},
    };
    unsigned char junk[8192];
    checksum_fill_pattern(junk, sizeof junk, 7);
    memcpy(junk, "This is somebody else's shared memory, not a ring. Hands off!!!!", 64);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        new_name(name, sizeof name);
        if (i == 1)
            checksum_fill_pattern(junk, sizeof junk, 8);
        make_object(name, junk, cases[i].len, cases[i].size);
        rc = attach_counting_fds(&r, name, &blame, cases[i].what);
        int attach_errno = errno;
        if (rc == 0)
            ring_detach(&r);
        shm_unlink(name);
        ck_assert_msg(rc == -1 && attach_errno == cases[i].err,
                      "attaching %s must fail with %s (see ring.h); got %d (%s)", cases[i].what,
                      errno_name(cases[i].err), rc,
                      rc == 0 ? "attached" : errno_name(attach_errno));
    }

    /* A real ring, cut short: the header promises more than the object has. */
    create_ring(&owner, ring_name, 4096, RING_LOCKFREE, RING_PRODUCER);
    int fd = shm_open(ring_name, O_RDWR, 0);
    ck_assert(fd != -1);
    ck_assert(ftruncate(fd, RING_HEADER_SIZE + 1024) == 0);
    close(fd);
    rc = attach_counting_fds(&r, ring_name, &blame, "a truncated ring");
    int attach_errno = errno;
    if (rc == 0)
        ring_detach(&r);
    ck_assert_msg(rc == -1 && attach_errno == EBADMSG,
                  "attaching a truncated ring must fail with EBADMSG (compare the object's size "
                  "from fstat with the header); got %d (%s)",
                  rc, errno_name(attach_errno));
    destroy_ring(&owner);

    /* A ring of another version. */
    create_ring(&owner, ring_name, 4096, RING_LOCKFREE, RING_PRODUCER);
    struct view v = view_ring(ring_name);
    v.shared->version = RING_VERSION + 1;
    unview_ring(&v);
    rc = attach_counting_fds(&r, ring_name, &blame, "a ring of another version");
    attach_errno = errno;
    if (rc == 0)
        ring_detach(&r);
    ck_assert_msg(rc == -1 && attach_errno == EPROTONOSUPPORT,
                  "attaching a ring of another version must fail with EPROTONOSUPPORT; got %d "
                  "(%s)",
                  rc, errno_name(attach_errno));
    destroy_ring(&owner);
    ck_assert_msg(blame.leaked == 0,
                  "ring_attach() of %s failed, as it should, but left %d descriptor(s) open: "
                  "close the shm_open() descriptor on every error path",
                  blame.what, blame.leaked);
    ck_assert_msg(student_fds(NULL, 0) == fds_before,
                  "ring_create() and ring_destroy() of the test's own rings left %d "
                  "descriptor(s) open: ring_create() closes the descriptor once it has mapped "
                  "the object",
                  student_fds(NULL, 0) - fds_before);
}
END_TEST

/* Attaches to name after the owner's header was changed by damage(). */
static int attach_damaged(const char *what, int expected, void (*damage)(struct ring_shared *))
{
    char name[128];
    new_name(name, sizeof name);
    struct ring owner, r;
    create_ring(&owner, name, 4096, RING_LOCKFREE, RING_PRODUCER);
    struct view v = view_ring(name); /* the test's own mapping of the object */
    damage(v.shared);
    unview_ring(&v);
    errno = 0;
    int rc = ring_attach(&r, name, RING_CONSUMER);
    int err = errno;
    if (rc == 0)
        ring_detach(&r);
    destroy_ring(&owner);
    grade_require_impl(rc, err, "ring_attach");
    ck_assert_msg(rc == -1 && err == expected,
                  "attaching a ring whose header %s must fail with %s (see ring.h); got %d (%s)",
                  what, errno_name(expected), rc, rc == 0 ? "attached" : errno_name(err));
    return rc;
}

/* Header fields that disagree with the object, each alone. */
static void halve_capacity(struct ring_shared *s)
{
    s->capacity = 2048; /* segment_size still matches the object */
}
static void capacity_not_power_of_two(struct ring_shared *s)
{
    s->capacity = 4000;
    s->segment_size = RING_HEADER_SIZE + 4000;
}
static void unknown_mode(struct ring_shared *s)
{
    s->mode = 7;
}
static void grow_segment_size(struct ring_shared *s)
{
    s->capacity = 8192;
    s->segment_size = RING_HEADER_SIZE + 8192; /* the header agrees with itself, not the object */
}

START_TEST(attach_rejects_a_header_that_disagrees_with_the_object)
{
    attach_damaged("says its capacity is 2048 while the object holds 4096 bytes of data", EBADMSG,
                   halve_capacity);
    attach_damaged("gives a capacity that is not a power of two", EBADMSG,
                   capacity_not_power_of_two);
    attach_damaged("names an unknown mode", EBADMSG, unknown_mode);
    attach_damaged("promises 8192 bytes of data in an object of 4096", EBADMSG, grow_segment_size);
}
END_TEST

START_TEST(no_role_takes_no_slot_and_waits_for_both_sides)
{
    char name[128];
    new_name(name, sizeof name);
    struct ring owner, producer, consumer, onlooker;
    create_ring(&owner, name, 4096, RING_LOCK, RING_NO_ROLE);
    errno = 0;
    int rc = ring_wait_for_peer(&owner, 50);
    int err = errno;
    REQUIRE_IMPL(rc, "ring_wait_for_peer");
    ck_assert_msg(rc == -1 && err == ETIMEDOUT,
                  "RING_NO_ROLE with nobody attached: ring_wait_for_peer must time out "
                  "(ETIMEDOUT), got %d (%s)",
                  rc, rc == 0 ? "returned at once" : errno_name(err));
    rc = ring_attach(&onlooker, name, RING_NO_ROLE);
    REQUIRE_IMPL(rc, "ring_attach");
    ck_assert_msg(rc == 0, "a second RING_NO_ROLE attach must succeed (it takes no slot), got %s",
                  errno_name(errno));
    ck_assert_int_eq(ring_detach(&onlooker), 0);
    ck_assert_msg(ring_attach(&producer, name, RING_PRODUCER) == 0,
                  "after RING_NO_ROLE handles, the producer slot must still be free: %s",
                  errno_name(errno));
    errno = 0;
    rc = ring_wait_for_peer(&owner, 50);
    err = errno;
    ck_assert_msg(rc == -1 && err == ETIMEDOUT,
                  "RING_NO_ROLE waits for both sides: with only the producer attached "
                  "ring_wait_for_peer must time out, got %d (%s)",
                  rc, rc == 0 ? "returned" : errno_name(err));
    ck_assert_int_eq(ring_attach(&consumer, name, RING_CONSUMER), 0);
    rc = ring_wait_for_peer(&owner, 1000);
    ck_assert_msg(rc == 0, "with both sides attached, ring_wait_for_peer must return 0, got %s",
                  errno_name(errno));

    /* Only a wait checks the peer: try_recv on an empty ring is EAGAIN. */
    ck_assert_int_eq(ring_detach(&producer), 0);
    char buf[8];
    size_t len;
    errno = 0;
    rc = ring_try_recv(&consumer, buf, sizeof buf, &len);
    err = errno;
    ck_assert_msg(rc == -1 && err == EAGAIN,
                  "ring_try_recv on an empty ring whose producer left must fail with EAGAIN "
                  "(only a waiting call checks the peer; see ring.h), got %d (%s)",
                  rc, rc == -1 ? errno_name(err) : "a message or end of stream");
    ck_assert_int_eq(ring_detach(&consumer), 0);
    destroy_ring(&owner);
}
END_TEST

START_TEST(one_producer_and_one_consumer_per_ring)
{
    char name[128];
    new_name(name, sizeof name);
    struct ring producer, consumer, extra;
    create_ring(&producer, name, 4096, RING_LOCKFREE, RING_PRODUCER);
    errno = 0;
    int rc = ring_attach(&extra, name, RING_PRODUCER);
    REQUIRE_IMPL(rc, "ring_attach");
    ck_assert_msg(rc == -1 && errno == EBUSY,
                  "a second producer must be refused with EBUSY; got %d (%s)", rc,
                  rc == -1 ? errno_name(errno) : "no error");
    rc = ring_attach(&consumer, name, RING_CONSUMER);
    ck_assert_msg(rc == 0, "attaching the consumer failed: %s", errno_name(errno));
    errno = 0;
    rc = ring_attach(&extra, name, RING_CONSUMER);
    ck_assert_msg(rc == -1 && errno == EBUSY,
                  "a second consumer must be refused with EBUSY; got %d (%s)", rc,
                  rc == -1 ? errno_name(errno) : "no error");
    char buf[8];
    size_t len;
    errno = 0;
    rc = ring_try_send(&consumer, "x", 1);
    ck_assert_msg(rc == -1 && errno == EBADF,
                  "sending on a consumer's handle must fail with EBADF");
    errno = 0;
    rc = ring_try_recv(&producer, buf, sizeof buf, &len);
    ck_assert_msg(rc == -1 && errno == EBADF,
                  "receiving on a producer's handle must fail with EBADF");
    ck_assert_int_eq(ring_detach(&consumer), 0);
    destroy_ring(&producer);
}
END_TEST

START_TEST(detach_without_eof_is_reported_to_the_peer)
{
    for (size_t k = 0; k < 2; k++) {
        enum ring_mode mode = BOTH_MODES[k];
        /* Two handles in one process: the peer's pid stays alive, so only
         * the slot that ring_detach() marks can tell that it left. */
        char name[128];
        new_name(name, sizeof name);
        struct ring producer, consumer;
        create_ring(&producer, name, 256, mode, RING_PRODUCER);
        int rc = ring_attach(&consumer, name, RING_CONSUMER);
        REQUIRE_IMPL(rc, "ring_attach");
        ck_assert_msg(rc == 0, "%s: ring_attach failed: %s", mode_name(mode), errno_name(errno));
        send_now(&producer, "bye", 3, mode);
        rc = ring_detach(&producer);
        REQUIRE_IMPL(rc, "ring_detach");
        ck_assert_msg(rc == 0, "%s: ring_detach failed: %s", mode_name(mode), errno_name(errno));
        char buf[8];
        size_t len;
        rc = ring_recv(&consumer, buf, sizeof buf, &len);
        ck_assert_msg(rc == 1 && len == 3,
                      "%s: the message sent before the producer detached must still arrive",
                      mode_name(mode));
        struct ring_watch w; /* a wait for a peer that left would last until the limit */
        watch_ring(&w, &consumer, name);
        errno = 0;
        rc = ring_recv(&consumer, buf, sizeof buf, &len);
        int recv_errno = errno;
        fail_if_ring_stalled(&w, mode, "ring_recv() went on waiting after the producer detached "
                                   "without marking the end of the stream (its slot says it left)");
        errno = recv_errno;
        ck_assert_msg(rc == -1 && errno == ECONNRESET,
                      "%s: the producer detached without marking the end of stream: ring_recv "
                      "must fail with ECONNRESET, not %d (%s)",
                      mode_name(mode), rc, rc == 0 ? "end of stream" : strerror(errno));
        destroy_ring(&consumer);

        new_name(name, sizeof name);
        create_ring(&producer, name, 256, mode, RING_PRODUCER);
        ck_assert_int_eq(ring_attach(&consumer, name, RING_CONSUMER), 0);
        ck_assert_int_eq(ring_detach(&consumer), 0);
        watch_ring(&w, &producer, name);
        errno = 0;
        rc = 0;
        for (int i = 0; i < 100 && rc == 0; i++)
            rc = ring_send(&producer, "12345678", 8);
        int send_errno = errno;
        fail_if_ring_stalled(&w, mode, "ring_send() went on waiting for room although the consumer "
                                   "had detached (its slot says it left)");
        errno = send_errno;
        ck_assert_msg(rc == -1 && errno == EPIPE,
                      "%s: with the consumer detached, a send that has to wait for room must "
                      "fail with EPIPE, not %d (%s)",
                      mode_name(mode), rc, rc == -1 ? errno_name(errno) : "no error");
        destroy_ring(&producer);
    }
}
END_TEST

/* ---- 2. messages in one process ------------------------------------------ */

START_TEST(messages_wrap_around_the_end)
{
    for (size_t k = 0; k < 2; k++) {
        enum ring_mode mode = BOTH_MODES[k];
        char name[128];
        new_name(name, sizeof name);
        struct ring r;
        create_ring(&r, name, 256, mode, RING_BOTH);
        unsigned char out[200], in[200];
        uint64_t bytes = 0;
        for (unsigned i = 0; i < 3000; i++) {
            /* Two messages in flight, of changing lengths: records start at
             * every 8-byte position, and many straddle the end. */
            size_t a = (i * 37) % 100, b = (i * 53) % 90;
            checksum_fill_pattern(out, sizeof out, i);
            send_now(&r, out, a, mode);
            send_now(&r, out + 100, b, mode);
            size_t got = recv_now(&r, in, sizeof in, mode);
            ck_assert_msg(got == a && memcmp(in, out, a) == 0,
                          "%s: message of %zu bytes came back as %zu bytes%s (after %llu bytes "
                          "through a 256-byte ring)",
                          mode_name(mode), a, got, got == a ? " with different contents" : "",
                          (unsigned long long)bytes);
            got = recv_now(&r, in, sizeof in, mode);
            ck_assert_msg(got == b && memcmp(in, out + 100, b) == 0,
                          "%s: message of %zu bytes came back wrong across the end of the ring",
                          mode_name(mode), b);
            bytes += RING_RECORD_SIZE(a) + RING_RECORD_SIZE(b);
        }
        struct view v = view_ring(name); /* the indices, as the test's own mapping shows them */
        uint64_t head = atomic_load(&v.shared->head), tail = atomic_load(&v.shared->tail);
        unview_ring(&v);
        ck_assert_msg(head == bytes && tail == bytes,
                      "%s: head/tail should count every byte ever written/read (%llu), "
                      "not wrap at the capacity",
                      mode_name(mode), (unsigned long long)bytes);
        destroy_ring(&r);
    }
}
END_TEST

START_TEST(full_and_empty_boundaries_are_exact)
{
    for (size_t k = 0; k < 2; k++) {
        enum ring_mode mode = BOTH_MODES[k];
        char name[128];
        new_name(name, sizeof name);
        struct ring r;
        create_ring(&r, name, 256, mode, RING_BOTH);
        uint64_t seq, got;
        size_t len;
        errno = 0;
        int rc = ring_try_recv(&r, &got, sizeof got, &len);
        REQUIRE_IMPL(rc, "ring_try_recv");
        ck_assert_msg(rc == -1 && errno == EAGAIN,
                      "%s: ring_try_recv on an empty ring must fail with EAGAIN; got %d (%s)",
                      mode_name(mode), rc, rc == -1 ? errno_name(errno) : "no error");
        /* 8-byte messages take 16 bytes each: exactly 16 fill 256 bytes. */
        for (seq = 0; seq < 16; seq++)
            send_now(&r, &seq, sizeof seq, mode);
        errno = 0;
        rc = ring_try_send(&r, &seq, sizeof seq);
        ck_assert_msg(rc == -1 && errno == EAGAIN,
                      "%s: a full ring (16 records of 16 bytes in 256) must refuse one more "
                      "with EAGAIN; got %d (%s)",
                      mode_name(mode), rc, rc == -1 ? errno_name(errno) : "no error");
        recv_now(&r, &got, sizeof got, mode);
        ck_assert_msg(got == 0, "%s: the first message out is %llu, not 0", mode_name(mode),
                      (unsigned long long)got);
        errno = 0;
        rc = ring_try_send(&r, "sixteen bytes!!", 16); /* needs 24 bytes; 16 are free */
        ck_assert_msg(rc == -1 && errno == EAGAIN,
                      "%s: a message needing 24 bytes must not fit in 16 free bytes; got %d",
                      mode_name(mode), rc);
        send_now(&r, &seq, sizeof seq, mode); /* 16 bytes fit exactly */
        for (uint64_t want = 1; want <= 16; want++) {
            recv_now(&r, &got, sizeof got, mode);
            ck_assert_msg(got == want, "%s: from a full ring, message %llu came out as %llu",
                          mode_name(mode), (unsigned long long)want, (unsigned long long)got);
        }
        errno = 0;
        rc = ring_try_recv(&r, &got, sizeof got, &len);
        ck_assert_msg(rc == -1 && errno == EAGAIN, "%s: the drained ring must be empty again",
                      mode_name(mode));
        destroy_ring(&r);
    }
}
END_TEST

START_TEST(zero_length_and_largest_messages)
{
    for (size_t k = 0; k < 2; k++) {
        enum ring_mode mode = BOTH_MODES[k];
        char name[128];
        new_name(name, sizeof name);
        struct ring r;
        create_ring(&r, name, 1024, mode, RING_BOTH);
        size_t largest = ring_max_message(&r);
        ck_assert_msg(largest == 1024 - RING_LENGTH_SIZE, "%s: ring_max_message is %zu, not %d",
                      mode_name(mode), largest, 1024 - RING_LENGTH_SIZE);
        unsigned char out[1024], in[1024];
        checksum_fill_pattern(out, sizeof out, 3);

        send_now(&r, NULL, 0, mode);
        size_t len = recv_now(&r, in, sizeof in, mode);
        ck_assert_msg(len == 0, "%s: a zero-length message came back with %zu bytes",
                      mode_name(mode), len);

        send_now(&r, out, largest, mode);
        len = recv_now(&r, in, sizeof in, mode);
        ck_assert_msg(len == largest && memcmp(in, out, largest) == 0,
                      "%s: the largest message (%zu bytes) did not come back intact",
                      mode_name(mode), largest);

        errno = 0;
        int rc = ring_try_send(&r, out, largest + 1);
        ck_assert_msg(rc == -1 && errno == EMSGSIZE,
                      "%s: a message of capacity - %d + 1 bytes must fail with EMSGSIZE; got %d "
                      "(%s)",
                      mode_name(mode), RING_LENGTH_SIZE, rc,
                      rc == -1 ? errno_name(errno) : "no error");
        errno = 0;
        rc = ring_send(&r, out, 5000);
        ck_assert_msg(rc == -1 && errno == EMSGSIZE,
                      "%s: ring_send of a message larger than the ring must fail with EMSGSIZE "
                      "at once, not wait",
                      mode_name(mode));

        /* A buffer too small: EMSGSIZE, the length, and the message stays. */
        send_now(&r, out, 300, mode);
        len = 0;
        errno = 0;
        rc = ring_try_recv(&r, in, 100, &len);
        ck_assert_msg(rc == -1 && errno == EMSGSIZE && len == 300,
                      "%s: receiving 300 bytes into 100 must fail with EMSGSIZE and set *len to "
                      "300; got %d (%s), len %zu",
                      mode_name(mode), rc, strerror(errno), len);
        len = recv_now(&r, in, sizeof in, mode);
        ck_assert_msg(len == 300 && memcmp(in, out, 300) == 0,
                      "%s: after EMSGSIZE the message must still be there, whole", mode_name(mode));
        destroy_ring(&r);
    }
}
END_TEST

START_TEST(end_of_stream_is_not_a_message)
{
    for (size_t k = 0; k < 2; k++) {
        enum ring_mode mode = BOTH_MODES[k];
        char name[128];
        new_name(name, sizeof name);
        struct ring r;
        create_ring(&r, name, 1024, mode, RING_BOTH);
        send_now(&r, "abc", 3, mode);
        send_now(&r, "", 0, mode);
        send_now(&r, "de", 2, mode);
        int rc = ring_send_eof(&r);
        REQUIRE_IMPL(rc, "ring_send_eof");
        ck_assert_msg(rc == 0, "%s: ring_send_eof failed: %s", mode_name(mode), errno_name(errno));
        errno = 0;
        rc = ring_try_send(&r, "late", 4);
        ck_assert_msg(rc == -1 && errno == EPIPE,
                      "%s: sending after the end of the stream must fail with EPIPE",
                      mode_name(mode));
        char buf[16];
        const size_t want[] = {3, 0, 2};
        for (size_t i = 0; i < 3; i++) {
            size_t len = 99;
            rc = ring_recv(&r, buf, sizeof buf, &len);
            ck_assert_msg(rc == 1 && len == want[i],
                          "%s: message %zu: ring_recv returned %d with %zu bytes; expected 1 "
                          "with %zu (every message before the end of stream arrives, empty ones "
                          "too)",
                          mode_name(mode), i, rc, len, want[i]);
        }
        for (int again = 0; again < 2; again++) {
            size_t len;
            struct ring_watch w; /* a ring_recv() that waits here waits for ever: say so */
            watch_ring(&w, &r, name);
            rc = ring_recv(&r, buf, sizeof buf, &len);
            fail_if_ring_stalled(&w, mode, "ring_recv() after the last message, once the end of the "
                                       "stream was marked (it must return 0 at once)");
            ck_assert_msg(rc == 0,
                          "%s: after the last message ring_recv must return 0 (end of "
                          "stream), every time; got %d",
                          mode_name(mode), rc);
            rc = ring_try_recv(&r, buf, sizeof buf, &len);
            ck_assert_msg(rc == 0, "%s: ring_try_recv at end of stream must return 0, not %d",
                          mode_name(mode), rc);
        }
        destroy_ring(&r);
    }
}
END_TEST

START_TEST(stop_flag_ends_a_wait_with_eintr)
{
    for (size_t k = 0; k < 2; k++) {
        enum ring_mode mode = BOTH_MODES[k];
        char name[128];
        new_name(name, sizeof name);
        struct ring r;
        create_ring(&r, name, 256, mode, RING_BOTH);
        /* A flag of the page the student's process maps too (ring_test.h). */
        volatile sig_atomic_t *stop = &ring_test_page()->stop[TEST_FLAG];
        *stop = 1;
        ring_set_stop_flag(&r, stop);
        char buf[8];
        size_t len;
        errno = 0;
        int rc = ring_recv(&r, buf, sizeof buf, &len);
        REQUIRE_IMPL(rc, "ring_recv");
        ck_assert_msg(rc == -1 && errno == EINTR,
                      "%s: ring_recv on an empty ring with the stop flag set must fail with "
                      "EINTR; got %d (%s)",
                      mode_name(mode), rc, rc == -1 ? errno_name(errno) : "no error");
        while (ring_try_send(&r, "12345678", 8) == 0)
            ;
        errno = 0;
        rc = ring_send(&r, "12345678", 8);
        ck_assert_msg(rc == -1 && errno == EINTR,
                      "%s: ring_send on a full ring with the stop flag set must fail with EINTR",
                      mode_name(mode));
        destroy_ring(&r);
    }
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

START_TEST(trace_shows_segment_steps_and_no_needless_waits)
{
    for (size_t k = 0; k < 2; k++) {
        enum ring_mode mode = BOTH_MODES[k];
        const char *path = "trace.jsonl";
        char name[128];
        new_name(name, sizeof name);
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
            long found = trace_log_find(&log, at, NULL, steps[i], NULL);
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
}
END_TEST

static void sleepy_producer_child(const void *arg, int ready_fd)
{
    struct ring r;
    if (ring_attach(&r, arg, RING_PRODUCER) == -1)
        child_fail(CHILD_ATTACH_FAILED, "ring_attach as producer");
    say_ready(ready_fd);
    clock_sleep_ms(300); /* long enough for the consumer to fall asleep */
    if (ring_send(&r, "wake up", 7) == -1)
        child_fail(CHILD_SEND_FAILED, "ring_send");
    if (ring_send_eof(&r) == -1)
        child_fail(CHILD_EOF_FAILED, "ring_send_eof");
    if (ring_detach(&r) == -1)
        child_fail(CHILD_DETACH_FAILED, "ring_detach");
}

START_TEST(trace_shows_sleep_and_wake)
{
    for (size_t k = 0; k < 2; k++) {
        enum ring_mode mode = BOTH_MODES[k];
        const char *path = "trace.jsonl";
        char name[128];
        new_name(name, sizeof name);
        struct ring r;
        create_ring(&r, name, 4096, mode, RING_CONSUMER);
        trace_to(path);
        struct child c = start_child(sleepy_producer_child, name);
        expect_ready(&c, "producer");
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
}
END_TEST

/* ---- 5. peer death ------------------------------------------------------ */

/* A test child that plays a peer that crashes: the process that runs the
 * student's code for it (its own, boundary.h) dies by SIGKILL, then the
 * child itself. */
static _Noreturn void crash_with_student(void)
{
    kill(boundary_agent_pid(), SIGKILL);
    raise(SIGKILL);
    _exit(99); /* not reached */
}

struct death_plan {
    const char *name;
    int messages; /* sent or received before dying */
};

static void producer_dies_child(const void *arg, int ready_fd)
{
    const struct death_plan *plan = arg;
    struct ring r;
    if (ring_attach(&r, plan->name, RING_PRODUCER) == -1)
        child_fail(CHILD_ATTACH_FAILED, "ring_attach as producer");
    say_ready(ready_fd);
    for (int i = 0; i < plan->messages; i++) {
        if (ring_send(&r, &i, sizeof i) == -1)
            child_fail(CHILD_SEND_FAILED, "ring_send");
    }
    clock_sleep_ms(300); /* the consumer drains the ring and waits */
    crash_with_student(); /* no ring_detach, no end of stream: a crash */
}

static void consumer_errors_when_producer_dies(enum ring_mode mode)
{
    char name[128];
    new_name(name, sizeof name);
    struct ring r;
    create_ring(&r, name, 64 * 1024, mode, RING_CONSUMER);
    struct death_plan plan = {.name = name, .messages = 1000};
    struct child c = start_child(producer_dies_child, &plan);
    expect_ready(&c, "producer");
    int received = 0, value, rc;
    size_t len;
    uint64_t last = clock_now_ns();
    struct ring_watch w; /* a death nobody notices would be waited for until the limit */
    watch_ring(&w, &r, name);
    while ((rc = ring_recv(&r, &value, sizeof value, &len)) == 1) {
        ck_assert_msg(value == received, "%s: message %d arrived as %d", mode_name(mode), received,
                      value);
        received++;
        last = clock_now_ns();
    }
    int recv_errno = errno;
    fail_if_ring_stalled(&w, mode, "ring_recv() went on waiting for a producer that died 0.3 s after "
                               "its last message: while waiting, check every RING_LIVENESS_MS "
                               "that the peer still lives");
    double waited = (double)(clock_now_ns() - last) / 1e9;
    /* The producer is a zombie until now: this process never waited for it. */
    int status = grade_wait_child(c.pid, 5000);
    REQUIRE_IMPL(rc, "ring_recv");
    ck_assert_msg(status != -1 && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
                  "test setup: the producer child %s instead of dying by SIGKILL",
                  status == -1 ? "hung" : grade_describe_status(status));
    ck_assert_msg(received == plan.messages,
                  "%s: %d of the %d messages sent before the producer died arrived; deliver "
                  "what is in the ring before reporting the death",
                  mode_name(mode), received, plan.messages);
    ck_assert_msg(rc == -1 && recv_errno == ECONNRESET,
                  "%s: after the producer died, ring_recv returned %d (%s); expected -1 with "
                  "ECONNRESET",
                  mode_name(mode), rc,
                  rc == 0 ? "end of stream, which it never marked" : strerror(recv_errno));
    ck_assert_msg(waited < 3.0,
                  "%s: the consumer took %.1f s to notice that the producer died (it died "
                  "0.3 s after its last message)",
                  mode_name(mode), waited);
    destroy_ring(&r);
}

START_TEST(lock_mode_consumer_errors_when_producer_dies)
{
    consumer_errors_when_producer_dies(RING_LOCK);
}
END_TEST

START_TEST(lockfree_mode_consumer_errors_when_producer_dies)
{
    consumer_errors_when_producer_dies(RING_LOCKFREE);
}
END_TEST

static void consumer_dies_child(const void *arg, int ready_fd)
{
    const struct death_plan *plan = arg;
    struct ring r;
    if (ring_attach(&r, plan->name, RING_CONSUMER) == -1)
        child_fail(CHILD_ATTACH_FAILED, "ring_attach as consumer");
    say_ready(ready_fd);
    char buf[2048];
    size_t len;
    for (int i = 0; i < plan->messages; i++) {
        errno = 0; /* a wrong result that is not -1 leaves errno as it was */
        if (ring_recv(&r, buf, sizeof buf, &len) != 1)
            child_fail(CHILD_RECV_FAILED, "ring_recv");
    }
    clock_sleep_ms(300); /* the producer fills the ring and waits */
    crash_with_student();
}

static void producer_errors_when_consumer_dies(enum ring_mode mode)
{
    char name[128];
    new_name(name, sizeof name);
    struct ring r;
    create_ring(&r, name, 64 * 1024, mode, RING_PRODUCER);
    struct death_plan plan = {.name = name, .messages = 5};
    struct child c = start_child(consumer_dies_child, &plan);
    expect_ready(&c, "consumer");
    char message[1024] = "";
    int sent = 0, rc;
    uint64_t started = clock_now_ns();
    struct ring_watch w; /* a death nobody notices would be waited for until the limit */
    watch_ring(&w, &r, name);
    while ((rc = ring_send(&r, message, sizeof message)) == 0 && sent < 1000)
        sent++;
    int send_errno = errno;
    fail_if_ring_stalled(&w, mode, "ring_send() went on waiting for room from a consumer that died "
                               "0.3 s in: while waiting, check every RING_LIVENESS_MS that the "
                               "peer still lives");
    double took = (double)(clock_now_ns() - started) / 1e9;
    int status = grade_wait_child(c.pid, 5000);
    REQUIRE_IMPL(rc, "ring_send");
    ck_assert_msg(status != -1 && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
                  "test setup: the consumer child %s instead of dying by SIGKILL",
                  status == -1 ? "hung" : grade_describe_status(status));
    ck_assert_msg(rc == -1 && send_errno == EPIPE,
                  "%s: with the consumer dead and the ring full, ring_send returned %d (%s) "
                  "after %d messages; expected -1 with EPIPE",
                  mode_name(mode), rc, strerror(send_errno), sent);
    ck_assert_msg(took < 3.3,
                  "%s: the producer took %.1f s to notice that the consumer died (0.3 s in)",
                  mode_name(mode), took);
    destroy_ring(&r);
}

START_TEST(lock_mode_producer_errors_when_consumer_dies)
{
    producer_errors_when_consumer_dies(RING_LOCK);
}
END_TEST

START_TEST(lockfree_mode_producer_errors_when_consumer_dies)
{
    producer_errors_when_consumer_dies(RING_LOCKFREE);
}
END_TEST

static void dies_holding_lock_child(const void *arg, int ready_fd)
{
    struct ring r;
    if (ring_attach(&r, arg, RING_PRODUCER) == -1)
        child_fail(CHILD_ATTACH_FAILED, "ring_attach as producer");
    if (ring_send(&r, "last words", 10) == -1)
        child_fail(CHILD_SEND_FAILED, "ring_send");
    /* The lock is taken in the student's process of this child, which then
     * dies holding it: the robust mutex is the student's to recover. */
    if (ring_test_hold_lock(&r) != 0)
        _exit(CHILD_SEND_FAILED);
    say_ready(ready_fd);
    kill(boundary_agent_pid(), SIGKILL);
    _exit(CHILD_OK); /* its student process died still holding the ring's lock */
}

static void lock_survivor_child(const void *arg, int ready_fd)
{
    struct ring r;
    if (ring_attach(&r, arg, RING_CONSUMER) == -1)
        child_fail(CHILD_ATTACH_FAILED, "ring_attach as consumer");
    say_ready(ready_fd);
    char buf[32];
    size_t len;
    errno = 0; /* a wrong result that is not -1 leaves errno as it was */
    if (ring_recv(&r, buf, sizeof buf, &len) != 1)
        child_fail(CHILD_RECV_FAILED, "ring_recv of the message sent before the death");
    if (len != 10 || memcmp(buf, "last words", 10) != 0)
        _exit(CHILD_WRONG_DATA);
    errno = 0;
    if (ring_recv(&r, buf, sizeof buf, &len) != -1 || errno != ECONNRESET)
        child_fail(CHILD_RECV_FAILED, "ring_recv after the death: expected -1 with ECONNRESET");
    ring_detach(&r);
}

START_TEST(lock_mode_survives_owner_dying_with_lock_held)
{
    char name[128];
    new_name(name, sizeof name);
    struct ring r;
    create_ring(&r, name, 4096, RING_LOCK, RING_NO_ROLE);
    struct child dying = start_child(dies_holding_lock_child, name);
    expect_ready(&dying, "producer");
    int status = grade_wait_child(dying.pid, 5000);
    ck_assert_msg(status != -1 && WIFEXITED(status), "test setup: the producer child did not exit");
    ck_assert_msg(WEXITSTATUS(status) == CHILD_OK, "the producer child failed: %s",
                  child_reason(WEXITSTATUS(status)));
    struct child survivor = start_child(lock_survivor_child, name);
    expect_ready(&survivor, "consumer");
    status = grade_wait_child(survivor.pid, 5000);
    ck_assert_msg(status != -1,
                  "ring_recv hung after the producer died holding the ring's mutex: make the "
                  "mutex robust (PTHREAD_MUTEX_ROBUST) and, on EOWNERDEAD, call "
                  "pthread_mutex_consistent() and go on");
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == CHILD_OK,
                  "the consumer child %s: %s (after EOWNERDEAD it should receive the message, "
                  "then ECONNRESET)",
                  grade_describe_status(status),
                  WIFEXITED(status) ? child_reason(WEXITSTATUS(status)) : "it crashed");
    destroy_ring(&r);
}
END_TEST

/* ---- waiting does not burn a core -------------------------------------- */

static void late_producer_child(const void *arg, int ready_fd)
{
    struct ring r;
    if (ring_attach(&r, arg, RING_PRODUCER) == -1)
        child_fail(CHILD_ATTACH_FAILED, "ring_attach as producer");
    say_ready(ready_fd);
    clock_sleep_ms(2000);
    if (ring_send(&r, "at last", 7) == -1)
        child_fail(CHILD_SEND_FAILED, "ring_send");
    if (ring_send_eof(&r) == -1)
        child_fail(CHILD_EOF_FAILED, "ring_send_eof");
    if (ring_detach(&r) == -1)
        child_fail(CHILD_DETACH_FAILED, "ring_detach");
}

/* CPU time the student's process has used, user and system, in seconds:
 * read from outside (/proc), where the consumer waits. */
static double cpu_seconds(void)
{
    double cpu = grade_process_cpu_seconds(boundary_agent_pid());
    ck_assert_msg(cpu >= 0, "test setup: the CPU time of the student's process cannot be read");
    return cpu;
}

static void idle_consumer_sleeps(enum ring_mode mode)
{
    char name[128];
    new_name(name, sizeof name);
    struct ring r;
    create_ring(&r, name, 4096, mode, RING_CONSUMER);
    struct child c = start_child(late_producer_child, name);
    expect_ready(&c, "producer");
    double cpu_before = cpu_seconds();
    uint64_t started = clock_now_ns();
    char buf[16];
    size_t len;
    int rc = ring_recv(&r, buf, sizeof buf, &len);
    int recv_errno = errno;
    double waited = (double)(clock_now_ns() - started) / 1e9;
    double cpu = cpu_seconds() - cpu_before;
    grade_require_impl(rc, recv_errno, "ring_recv");
    ck_assert_msg(rc == 1 && len == 7, "%s: ring_recv returned %d (%s)", mode_name(mode), rc,
                  rc == -1 ? strerror(recv_errno) : "not the message");
    ck_assert_msg(waited > 1.5, "test setup: the message came after %.2f s, not 2 s", waited);
    ck_assert_msg(cpu < 0.05 * waited,
                  "%s: the consumer used %.0f%% of a CPU while it waited %.1f s for a message; "
                  "spin only briefly, then sleep until the producer wakes you",
                  mode_name(mode), 100 * cpu / waited, waited);
    rc = ring_recv(&r, buf, sizeof buf, &len);
    ck_assert_msg(rc == 0, "%s: expected the end of stream, got %d", mode_name(mode), rc);
    expect_child_ok(c.pid, 5000, "producer");
    destroy_ring(&r);
}

START_TEST(lock_mode_idle_consumer_does_not_burn_cpu)
{
    idle_consumer_sleeps(RING_LOCK);
}
END_TEST

START_TEST(lockfree_mode_idle_consumer_does_not_burn_cpu)
{
    idle_consumer_sleeps(RING_LOCKFREE);
}
END_TEST

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
    struct child c = start_child(echo_child, &pp);
    expect_ready(&c, "echo");
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
        if ((size_t)made < count &&
            out.producer.lost_wakeups + in.consumer.lost_wakeups == 0)
            ck_abort_msg("%s: the student's process stopped the round trips after %llu without "
                         "a reason", mode_name(mode), (unsigned long long)trips);
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
    fail_if_ring_stalled(&w, mode, "the echo child's stream did not end after the test marked the "
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
        /* The student's process puts the ring back as the round started
         * (empty, or full) when the next round begins. */
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

int main(int argc, char **argv)
{
    const struct grade_test tests[] = {
        {"create_makes_private_object_of_right_size", create_makes_private_object_of_right_size, 4,
         5,
         "ring_create() in ring_segment.c: shm_open(O_CREAT|O_EXCL|O_RDWR, 0600), ftruncate to "
         "RING_HEADER_SIZE + capacity, mmap, close the fd; ring_destroy() shm_unlinks"},
        {"create_refuses_a_taken_name_and_leaves_it", create_refuses_a_taken_name_and_leaves_it, 3,
         5, "ring_create(): O_EXCL gives EEXIST; do not shm_unlink a name you did not create"},
        {"failed_create_leaves_nothing_behind", failed_create_leaves_nothing_behind, 4, 5,
         "ring_create(): once shm_open succeeded, every error path closes the fd and shm_unlinks "
         "the name"},
        {"bad_names_and_capacities_are_rejected", bad_names_and_capacities_are_rejected, 3, 5,
         "ring_create()/ring_attach(): check the name ('/' then no '/') and that the capacity is "
         "a power of two in range, before any system call"},
        {"attach_rejects_missing_foreign_truncated_and_garbage",
         attach_rejects_missing_foreign_truncated_and_garbage, 6, 10,
         "ring_attach(): fstat the size before mapping, then check magic, version, capacity and "
         "size; see ring.h for each errno"},
        {"attach_rejects_a_header_that_disagrees_with_the_object",
         attach_rejects_a_header_that_disagrees_with_the_object, 3, 10,
         "ring_attach(): capacity must be a power of two and equal the object's size less "
         "RING_HEADER_SIZE; the mode must be known"},
        {"no_role_takes_no_slot_and_waits_for_both_sides",
         no_role_takes_no_slot_and_waits_for_both_sides, 2, 10,
         "take_role: RING_NO_ROLE claims nothing; ring_wait_for_peer: NO_ROLE waits for both "
         "sides; ring_try_recv: EAGAIN when empty"},
        {"one_producer_and_one_consumer_per_ring", one_producer_and_one_consumer_per_ring, 3, 5,
         "ring_attach(): claim the pid slot with compare-and-swap (EBUSY if taken); send/recv "
         "check the handle's role (EBADF)"},
        {"detach_without_eof_is_reported_to_the_peer", detach_without_eof_is_reported_to_the_peer,
         3, 10,
         "ring_detach(): store RING_PID_LEFT in your slot; a waiting side treats it as the peer "
         "gone (ECONNRESET / EPIPE)"},
        {"messages_wrap_around_the_end", messages_wrap_around_the_end, 5, 10,
         "ring_copy_in()/ring_copy_out() in ring_message.c: index & mask, and split a copy that "
         "crosses the end"},
        {"full_and_empty_boundaries_are_exact", full_and_empty_boundaries_are_exact, 6, 10,
         "room is capacity - (head - tail); a record needs RING_RECORD_SIZE(len) bytes; empty "
         "is head == tail"},
        {"zero_length_and_largest_messages", zero_length_and_largest_messages, 5, 10,
         "ring_send(): len > ring_max_message() is EMSGSIZE; ring_recv(): a too-small buffer "
         "is EMSGSIZE and leaves the message"},
        {"end_of_stream_is_not_a_message", end_of_stream_is_not_a_message, 4, 10,
         "ring_recv(): 1 for a message (even an empty one), 0 only when empty and eof is set"},
        {"stop_flag_ends_a_wait_with_eintr", stop_flag_ends_a_wait_with_eintr, 2, 10,
         "check r->stop before each sleep; fail with EINTR when it is set"},
        {"trace_shows_segment_steps_and_no_needless_waits",
         trace_shows_segment_steps_and_no_needless_waits, 3, 10,
         "trace_call() after shm_open, ftruncate, mmap, munmap, shm_unlink; trace waits and "
         "wakes only when a side really sleeps"},
        {"trace_shows_sleep_and_wake", trace_shows_sleep_and_wake, 3, 15,
         "trace a real sleep (futex_wait / pthread_cond_timedwait) and the wake-up that ends it "
         "(futex_wake / pthread_cond_signal)"},
        {"lock_mode_million_messages_between_processes",
         lock_mode_million_messages_between_processes, 6, 120,
         "Part A in ring_lock.c: under the lock, wait while there is no room / no message, copy, "
         "move the index, signal a sleeping peer"},
        {"lockfree_mode_million_messages_between_processes",
         lockfree_mode_million_messages_between_processes, 6, 120,
         "Part B in ring_lockfree.c: copy, then publish head with release; load head with "
         "acquire before reading"},
        {"lock_mode_threads_share_one_ring", lock_mode_threads_share_one_ring, 3, 120,
         "Part A between two threads (run it under make SAN=thread to see data races)"},
        {"lockfree_mode_threads_share_one_ring", lockfree_mode_threads_share_one_ring, 3, 120,
         "Part B between two threads: a race here means a missing acquire/release (try make "
         "grade SAN=thread)"},
        {"lock_mode_consumer_errors_when_producer_dies",
         lock_mode_consumer_errors_when_producer_dies, 4, 15,
         "timed waits; on timeout check the producer: kill(pid, 0), and a zombie (state Z in "
         "/proc/PID/stat) is dead too; then ECONNRESET"},
        {"lockfree_mode_consumer_errors_when_producer_dies",
         lockfree_mode_consumer_errors_when_producer_dies, 4, 15,
         "futex_wait with a timeout; on timeout check the producer (kill(pid, 0) and zombies); "
         "then ECONNRESET"},
        {"lock_mode_producer_errors_when_consumer_dies",
         lock_mode_producer_errors_when_consumer_dies, 4, 15,
         "a producer waiting for room checks the consumer on each timeout; EPIPE when it is gone"},
        {"lockfree_mode_producer_errors_when_consumer_dies",
         lockfree_mode_producer_errors_when_consumer_dies, 4, 15,
         "a producer waiting for room checks the consumer on each timeout; EPIPE when it is gone"},
        {"lock_mode_survives_owner_dying_with_lock_held",
         lock_mode_survives_owner_dying_with_lock_held, 4, 15,
         "lock_init(): PTHREAD_MUTEX_ROBUST; on EOWNERDEAD call pthread_mutex_consistent()"},
        {"lock_mode_idle_consumer_does_not_burn_cpu", lock_mode_idle_consumer_does_not_burn_cpu, 4,
         15, "Part A: sleep on the condition variable, do not poll"},
        {"lockfree_mode_idle_consumer_does_not_burn_cpu",
         lockfree_mode_idle_consumer_does_not_burn_cpu, 4, 15,
         "Part B: spin for microseconds only, then futex_wait until the producer wakes you"},
        {"lost_wakeup_is_counted", lost_wakeup_is_counted, 3, 15,
         "after a sleep that timed out, look at the ring: if what you waited for is there, "
         "nobody woke you; count it in r->consumer.lost_wakeups (or r->producer.lost_wakeups)"},
        {"lock_mode_ping_pong_loses_no_wakeups", lock_mode_ping_pong_loses_no_wakeups, 3, 60,
         "Part A: set the sleeping flag and signal under the lock, so no signal is lost"},
        {"lockfree_mode_ping_pong_loses_no_wakeups", lockfree_mode_ping_pong_loses_no_wakeups, 4,
         60,
         "Part B: sleeper stores sleeping then loads the index, waker stores the index then "
         "loads sleeping, all four seq_cst; read the wake-up count before the last look"},
        {"lockfree_handshake_never_misses_a_sleeper", lockfree_handshake_never_misses_a_sleeper, 3,
         30,
         "Part B, the waker's half: store the index, then load the peer's sleeping flag, both "
         "seq_cst (or a seq_cst fence between them); if it is set, add 1 to its wake-up word "
         "and futex_wake"},
    };
    return grade_main(argc, argv, "01-shm-ring", tests, GRADE_COUNT(tests));
}
