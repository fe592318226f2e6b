/*
 * test_us_dgram_pair.c - lab 03's tests, parts 3 and 4: datagrams against
 * streams (us_dgram.h), and a socketpair between parent and child (us_pair.h).
 *
 * They run in the checker, a process with no student code (boundary.h):
 * each us_*() call goes to the student's process. The points of each test
 * are in the table of test_unix_socket.c.
 */
#include <ctype.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <sys/wait.h>
#include <unistd.h>

#include "err.h"
#include "grader.h"
#include "us_dgram.h"
#include "us_frame.h"
#include "us_pair.h"
#include "us_test_helpers.h"
#include "us_tests.h"

/* ---- part 3: datagrams vs streams --------------------------------------- */

START_TEST(stream_merges_three_sends_into_one_recv)
{
    int fds[2];
    make_pair(fds);
    for (int i = 0; i < 3; i++) {
        ssize_t n = us_send_all(fds[0], WORDS[i], strlen(WORDS[i]));
        REQUIRE_IMPL(n, "us_send_all");
        ck_assert_msg(n == (ssize_t)strlen(WORDS[i]), "us_send_all returned %zd", n);
    }
    char buf[64];
    ck_assert_msg(wait_readable(fds[1], WAIT_MS), "nothing arrived on the stream");
    ssize_t n = us_recv_once(fds[1], buf, sizeof buf);
    REQUIRE_IMPL(n, "us_recv_once");
    ck_assert_msg(n == 11 && memcmp(buf, "onetwothree", 11) == 0,
                  "three sends (3, 3 and 5 bytes) made before the first recv: one recv() on a "
                  "stream returns all 11 bytes merged, \"onetwothree\"; us_recv_once returned %zd",
                  n);
    close_pair(fds);
}
END_TEST

START_TEST(datagrams_keep_three_messages_apart)
{
    int receiver, sender;
    open_datagram_pair(&receiver, &sender);
    for (int i = 0; i < 3; i++) {
        ssize_t n = us_dgram_send(sender, "d.sock", WORDS[i], strlen(WORDS[i]));
        REQUIRE_IMPL(n, "us_dgram_send");
        ck_assert_msg(n == (ssize_t)strlen(WORDS[i]), "us_dgram_send returned %zd (%s)", n,
                      strerror(errno));
    }
    for (int i = 0; i < 3; i++) {
        char buf[64];
        ck_assert_msg(wait_readable(receiver, WAIT_MS), "datagram %d never arrived", i + 1);
        ssize_t n = us_dgram_recv(receiver, buf, sizeof buf);
        REQUIRE_IMPL(n, "us_dgram_recv");
        ck_assert_msg(n == (ssize_t)strlen(WORDS[i]) && memcmp(buf, WORDS[i], (size_t)n) == 0,
                      "recv %d should return exactly the datagram \"%s\"; it returned %zd bytes",
                      i + 1, WORDS[i], n);
    }
    ck_assert_msg(nothing_queued(receiver), "more came out than the three datagrams sent");
    close_datagram_pair(receiver, sender);
}
END_TEST

START_TEST(datagram_too_big_is_emsgsize_not_cut)
{
    int receiver, sender;
    open_datagram_pair(&receiver, &sender);
    char big[100];
    memset(big, 'z', sizeof big);
    ssize_t n = us_dgram_send(sender, "d.sock", big, sizeof big);
    REQUIRE_IMPL(n, "us_dgram_send");
    ck_assert_int_eq(us_dgram_send(sender, "d.sock", "next", 4), 4);
    char buf[64];
    ck_assert(wait_readable(receiver, WAIT_MS));
    errno = 0;
    n = us_dgram_recv(receiver, buf, 10);
    int recv_errno = errno;
    REQUIRE_IMPL(n, "us_dgram_recv");
    ck_assert_msg(n == -1 && recv_errno == EMSGSIZE,
                  "a 100-byte datagram does not fit in 10 bytes: us_dgram_recv must fail with "
                  "EMSGSIZE (recv with MSG_TRUNC tells the real length), not return %zd",
                  n);
    ck_assert(wait_readable(receiver, WAIT_MS));
    n = us_dgram_recv(receiver, buf, sizeof buf);
    ck_assert_msg(n == 4 && memcmp(buf, "next", 4) == 0,
                  "after a cut datagram the next recv must return the next datagram whole");
    close_datagram_pair(receiver, sender);
}
END_TEST

/* ---- part 4: socketpair between parent and child ------------------------ */

START_TEST(socketpair_connects_both_ways)
{
    const int types[] = {SOCK_STREAM, SOCK_DGRAM};
    for (int i = 0; i < 2; i++) {
        int fds[2] = {-1, -1};
        int rc = us_socketpair(types[i], fds);
        REQUIRE_IMPL(rc, "us_socketpair");
        ck_assert_msg(rc == 0, "us_socketpair failed: %s", errno_name(errno));
        int type = 0;
        socklen_t len = sizeof type;
        ck_assert(getsockopt(fds[0], SOL_SOCKET, SO_TYPE, &type, &len) == 0);
        ck_assert_msg(type == types[i], "us_socketpair(%s) made a socket of another type",
                      types[i] == SOCK_STREAM ? "SOCK_STREAM" : "SOCK_DGRAM");
        ck_assert_msg((fcntl(fds[0], F_GETFD) & FD_CLOEXEC) &&
                          (fcntl(fds[1], F_GETFD) & FD_CLOEXEC),
                      "both ends must be close-on-exec (SOCK_CLOEXEC)");
        char buf[8];
        must_send(fds[0], "ping", 4);
        ck_assert_msg(raw_recv_exact(fds[1], buf, 4, WAIT_MS) == 4 && memcmp(buf, "ping", 4) == 0,
                      "what fds[0] sends must arrive at fds[1]");
        must_send(fds[1], "pong", 4);
        ck_assert_msg(raw_recv_exact(fds[0], buf, 4, WAIT_MS) == 4 && memcmp(buf, "pong", 4) == 0,
                      "a socketpair works both ways: what fds[1] sends must arrive at fds[0]");
        close_pair(fds);
    }
}
END_TEST

/*
 * What a test's child function saw. It runs here, in a thread of this
 * process, when the student's child calls it (boundary.h), so its own
 * record is the evidence, never the status the child exits with.
 */
struct child_run {
    int marker;         /* upcase_if_given_marker() works only with 42 */
    atomic_int ran;     /* 1 once the student's child called it */
    atomic_int saw_eof; /* 1 once recv() returned 0 */
    atomic_int ended;   /* 1 once it returned result */
    int result;         /* written before ended */
};

static int child_run_end(struct child_run *run, int result)
{
    run->result = result;
    atomic_store(&run->ended, 1);
    return result;
}

/* The test's child: upper-cases whatever arrives until EOF. */
static int upcase_until_eof(int fd, void *arg)
{
    struct child_run *run = arg;
    atomic_store(&run->ran, 1);
    char buf[256];
    for (;;) {
        ssize_t n = recv(fd, buf, sizeof buf, 0);
        if (n == -1 && errno == EINTR)
            continue;
        if (n == 0)
            atomic_store(&run->saw_eof, 1);
        if (n <= 0)
            return child_run_end(run, n == 0 ? 0 : 1);
        for (ssize_t i = 0; i < n; i++)
            buf[i] = (char)toupper((unsigned char)buf[i]);
        if (!raw_send(fd, buf, (size_t)n))
            return child_run_end(run, 1);
    }
}

/* The same, but only when given the marker 42 in its arg. */
static int upcase_if_given_marker(int fd, void *arg)
{
    struct child_run *run = arg;
    if (run->marker != 42) {
        atomic_store(&run->ran, 1);
        return child_run_end(run, 7);
    }
    return upcase_until_eof(fd, run);
}

/* A child function that does nothing but report 3. */
static int exit_with_three(int fd, void *arg)
{
    (void)fd;
    struct child_run *run = arg;
    atomic_store(&run->ran, 1);
    return child_run_end(run, 3);
}

/* Waits up to ms (scaled) for flag to become 1. */
static bool await_flag(atomic_int *flag, int ms)
{
    int limit = grade_timeout_ms(ms);
    for (int waited = 0; waited < limit && !atomic_load(flag); waited += 5)
        pause_ms(5);
    return atomic_load(flag) != 0;
}

START_TEST(socketpair_child_answers_parent)
{
    struct child_run run = {.marker = 42};
    struct us_child child = {.pid = -1, .fd = -1};
    int rc = us_child_start(&child, upcase_if_given_marker, &run);
    REQUIRE_IMPL(rc, "us_child_start");
    ck_assert_msg(rc == 0 && child.pid > 0 && child.fd >= 0,
                  "us_child_start must fill child->pid and child->fd");
    const char msg[] = "through one socketpair";
    must_send(child.fd, msg, strlen(msg));
    char buf[64];
    ssize_t n = raw_recv_exact(child.fd, buf, strlen(msg), WAIT_MS);
    ck_assert_msg(n == (ssize_t)strlen(msg), "the child's answer never came (%zd bytes)", n);
    ck_assert_msg(memcmp(buf, "THROUGH ONE SOCKETPAIR", n) == 0,
                  "the child did not answer on the same socket");
    int status = us_child_finish(&child);
    REQUIRE_IMPL(status, "us_child_finish");
    ck_assert_msg(status != -1, "us_child_finish could not wait for the child");
    ck_assert_msg(atomic_load(&run.ran),
                  "the child function never ran: the child must call fn(its end, arg) with the "
                  "arg given to us_child_start");
    ck_assert_msg(atomic_load(&run.ended) && run.result == 0,
                  "the child function saw no end of file after us_child_finish closed the "
                  "parent's end");
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                  "the child should exit with fn's result, 0; it %s",
                  grade_describe_status(status));

    /* A result other than 0 must come back too: the status is the child's own. */
    struct child_run three = {.marker = 0};
    rc = us_child_start(&child, exit_with_three, &three);
    ck_assert_msg(rc == 0, "us_child_start failed the second time: %s", errno_name(errno));
    status = us_child_finish(&child);
    ck_assert_msg(atomic_load(&three.ran),
                  "the second child never called fn: the child must call fn(its end, arg)");
    ck_assert_msg(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 3,
                  "fn returned 3, so us_child_finish must return the status of a child that "
                  "exited with 3 (from waitpid); it returned %s",
                  status == -1 ? "-1" : grade_describe_status(status));
}
END_TEST

START_TEST(child_sees_eof_when_parent_closes_its_end)
{
    struct child_run run = {.marker = 42};
    struct us_child child = {.pid = -1, .fd = -1};
    int rc = us_child_start(&child, upcase_until_eof, &run);
    REQUIRE_IMPL(rc, "us_child_start");
    ck_assert_msg(rc == 0, "us_child_start failed: %s", errno_name(errno));
    /* The parent's end came here; the student's process must keep nothing. */
    bool have_end = fcntl(child.fd, F_GETFD) != -1;
    char held[256];
    int extra = student_fds(held, sizeof held);
    close(child.fd);
    /* The test's function, called by the child, sees end of file only
     * once no process holds the parent's end any more. */
    bool eof = await_flag(&run.saw_eof, 3000);
    ck_assert_msg(have_end && extra == 0,
                  "after us_child_start the parent holds %d descriptors besides its end (%s); it "
                  "should hold exactly one, its end (close the child's end in the parent)",
                  extra, held);
    ck_assert_msg(eof, "the child never saw end of file after the parent closed its "
                       "end: the child must close the parent's end right after fork()");
    /* The parent's end is closed already: us_child_finish gets a stand-in
     * to close, and waits for the child. */
    child.fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    ck_assert_msg(child.fd != -1, "test setup: open /dev/null: %s", strerror(errno));
    int status = us_child_finish(&child);
    ck_assert_msg(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0, "the child %s",
                  status == -1 ? "could not be waited for" : grade_describe_status(status));
}
END_TEST

/* For the points table (us_tests.h). */
US_TESTS_DGRAM_PAIR(GRADE_EXPORT)
