/*
 * test_ring_peers.c - lab 01, step 5: a peer that dies (ring_peer.c), a
 * lock held by a process that died, and waiting without burning a core (CPU
 * time read from /proc of the student's process).
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

/* ---- 5. peer death ------------------------------------------------------ */

/*
 * The peer that dies is forked by the student's process itself
 * (ring_test_doomed_peer()), as a crashed peer forked by its partner would
 * be: dead, it stays a zombie of the waiting side's process, which never
 * waits for it. kill(pid, 0) still succeeds on a zombie; /proc/PID/stat
 * tells.
 */
enum { DEATH_MESSAGES = 1000 };

/* Forks the doomed peer, or fails the test with the reason. */
static pid_t start_doomed_peer(const char *name, enum ring_role role, int messages)
{
    static int values[DEATH_MESSAGES];
    for (int i = 0; i < messages; i++)
        values[i] = i;
    errno = 0;
    int pid = ring_test_doomed_peer(name, role, values, messages);
    const char *who = role == RING_PRODUCER ? "producer" : "consumer";
    if (pid == -1 && errno == ENOSYS)
        ck_abort_msg("not implemented yet: ring_attach() returned ENOSYS in the %s", who);
    ck_assert_msg(pid > 0, "the %s could not attach: ring_attach failed: %s", who,
                  errno_name(errno));
    return pid;
}

/* How the doomed peer ended, for a message; fails the test when it did
 * not die by SIGKILL as planned. */
static void expect_died_by_sigkill(pid_t pid, const char *who)
{
    int status = zombie_status(pid, 5000);
    if (status == -1)
        kill(pid, SIGKILL); /* still running: it must not outlive the test */
    ring_test_reap(pid);    /* by its parent, the student's process */
    const char *failed = "";
    if (status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == RING_TEST_SEND)
        failed = ": its ring_send failed";
    if (status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == RING_TEST_RECV)
        failed = ": its ring_recv failed";
    ck_assert_msg(status != -1 && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
                  "test setup: the %s %s instead of dying by SIGKILL%s", who,
                  status == -1 ? "hung" : grade_describe_status(status), failed);
}

/*
 * The fixture of the peer-death tests: a ring this test uses in one role,
 * the doomed peer in the other, and a watch on the ring, since a death
 * nobody notices would be waited for until the test's time limit.
 */
struct doomed_ring {
    char name[128];
    struct ring r;
    enum ring_mode mode;
    pid_t peer;
    const char *peer_is; /* "producer" or "consumer", for messages */
    struct ring_watch watch;
};

/* Starts the fixture; the peer sends (or receives) messages, then dies. */
static void start_doomed_ring(struct doomed_ring *d, enum ring_mode mode, enum ring_role role,
                              int messages)
{
    new_name(d->name, sizeof d->name);
    d->mode = mode;
    create_ring(&d->r, d->name, 64 * 1024, mode, role);
    enum ring_role peer = role == RING_CONSUMER ? RING_PRODUCER : RING_CONSUMER;
    d->peer = start_doomed_peer(d->name, peer, messages);
    d->peer_is = peer == RING_PRODUCER ? "producer" : "consumer";
    watch_ring(&d->watch, &d->r, d->name);
}

/*
 * After the test's last call, fn, which returned rc (errno err): ends the
 * watch, failing the test when it fired with what fn went on waiting for
 * (still_waiting) and the way out; requires that fn is implemented; and
 * checks that the peer died by SIGKILL. The peer is a zombie: the student's
 * process never waits for it.
 */
static void expect_peer_died(struct doomed_ring *d, int rc, int err, const char *fn,
                             const char *still_waiting)
{
    char doing[256];
    snprintf(doing, sizeof doing,
             "%s: while waiting, check every RING_LIVENESS_MS that the peer still lives (a "
             "zombie, state Z, is dead too)",
             still_waiting);
    fail_if_ring_stalled(&d->watch, d->mode, doing);
    grade_require_impl(rc, err, fn);
    expect_died_by_sigkill(d->peer, d->peer_is);
}

static void destroy_doomed_ring(struct doomed_ring *d)
{
    destroy_ring(&d->r);
}

static void consumer_errors_when_producer_dies(enum ring_mode mode)
{
    struct doomed_ring d;
    start_doomed_ring(&d, mode, RING_CONSUMER, DEATH_MESSAGES);
    int received = 0, value, rc;
    size_t len;
    uint64_t last = clock_now_ns();
    while ((rc = ring_recv(&d.r, &value, sizeof value, &len)) == 1) {
        ck_assert_msg(value == received, "%s: message %d arrived as %d", mode_name(mode), received,
                      value);
        received++;
        last = clock_now_ns();
    }
    int recv_errno = errno;
    double waited = (double)(clock_now_ns() - last) / 1e9;
    expect_peer_died(&d, rc, recv_errno, "ring_recv",
                     "ring_recv() went on waiting for a producer that died 0.3 s after its last "
                     "message");
    ck_assert_msg(received == DEATH_MESSAGES,
                  "%s: %d of the %d messages sent before the producer died arrived; deliver "
                  "what is in the ring before reporting the death",
                  mode_name(mode), received, DEATH_MESSAGES);
    ck_assert_msg(rc == -1 && recv_errno == ECONNRESET,
                  "%s: after the producer died, ring_recv returned %d (%s); expected -1 with "
                  "ECONNRESET",
                  mode_name(mode), rc,
                  rc == 0 ? "end of stream, which it never marked" : strerror(recv_errno));
    ck_assert_msg(waited < 3.0,
                  "%s: the consumer took %.1f s to notice that the producer died (it died "
                  "0.3 s after its last message)",
                  mode_name(mode), waited);
    destroy_doomed_ring(&d);
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

static void producer_errors_when_consumer_dies(enum ring_mode mode)
{
    struct doomed_ring d;
    /* The consumer receives 5 messages, then dies 0.3 s later. */
    start_doomed_ring(&d, mode, RING_PRODUCER, 5);
    char message[1024] = "";
    int sent = 0, rc;
    uint64_t started = clock_now_ns();
    while ((rc = ring_send(&d.r, message, sizeof message)) == 0 && sent < 1000)
        sent++;
    int send_errno = errno;
    double took = (double)(clock_now_ns() - started) / 1e9;
    expect_peer_died(&d, rc, send_errno, "ring_send",
                     "ring_send() went on waiting for room from a consumer that died 0.3 s in");
    ck_assert_msg(rc == -1 && send_errno == EPIPE,
                  "%s: with the consumer dead and the ring full, ring_send returned %d (%s) "
                  "after %d messages; expected -1 with EPIPE",
                  mode_name(mode), rc, strerror(send_errno), sent);
    ck_assert_msg(took < 3.3,
                  "%s: the producer took %.1f s to notice that the consumer died (0.3 s in)",
                  mode_name(mode), took);
    destroy_doomed_ring(&d);
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
    struct child dying = start_child(dies_holding_lock_child, name, "producer");
    int status = grade_wait_child(dying.pid, 5000);
    ck_assert_msg(status != -1 && WIFEXITED(status), "test setup: the producer child did not exit");
    ck_assert_msg(WEXITSTATUS(status) == CHILD_OK, "the producer child failed: %s",
                  child_reason(WEXITSTATUS(status)));
    struct child survivor = start_child(lock_survivor_child, name, "consumer");
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
    struct child c = start_child(late_producer_child, name, "producer");
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

/* For the table in test_ring.c. */
RING_EXPORT_TEST(lock_mode_consumer_errors_when_producer_dies);
RING_EXPORT_TEST(lockfree_mode_consumer_errors_when_producer_dies);
RING_EXPORT_TEST(lock_mode_producer_errors_when_consumer_dies);
RING_EXPORT_TEST(lockfree_mode_producer_errors_when_consumer_dies);
RING_EXPORT_TEST(lock_mode_survives_owner_dying_with_lock_held);
RING_EXPORT_TEST(lock_mode_idle_consumer_does_not_burn_cpu);
RING_EXPORT_TEST(lockfree_mode_idle_consumer_does_not_burn_cpu);
