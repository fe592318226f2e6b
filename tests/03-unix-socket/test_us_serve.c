/*
 * test_us_serve.c - lab 03's tests, part 2 continued: the server loop
 * (us_serve.h).
 *
 * They run in the checker, a process with no student code (boundary.h):
 * each us_*() call goes to the student's process. The points of each test
 * are in the table of test_unix_socket.c.
 */
#include <arpa/inet.h>
#include <sys/wait.h>
#include <unistd.h>

#include "boundary.h"
#include "grader.h"
#include "us_frame.h"
#include "us_serve.h"
#include "us_test_calls.h"
#include "us_test_helpers.h"
#include "us_tests.h"

/* ---- part 2: the server loop ------------------------------------------- */

START_TEST(server_answers_clients_one_after_another)
{
    struct endpoint at = abstract_endpoint();
    int lfd = endpoint_listen(&at, 16);
    struct server s;
    server_start(&s, lfd, 3, false, 0, -1);
    for (int i = 0; i < 3; i++) {
        int client = must_connect(&at);
        char msg[64];
        snprintf(msg, sizeof msg, "client %d says hello", i + 1);
        expect_answer(&s, client, msg);
        expect_answer(&s, client, "and a second message");
        close(client);
    }
    stop_server(&s, lfd);
}
END_TEST

/*
 * A client that breaks the framing (break_frame sends what it sends) must
 * lose its connection, and only it: the server closes it without an answer
 * (closed_because: what the test waits for), serves the next client, and
 * logs why it dropped the first (log_word, such as the errno's name).
 */
static void expect_only_that_client_dropped(void (*break_frame)(int fd), const char *closed_because,
                                            const char *log_word, const char *log_context)
{
    struct endpoint at = abstract_endpoint();
    int lfd = endpoint_listen(&at, 16);
    struct server s;
    int log = open_log();
    server_start(&s, lfd, 2, false, 0, log);
    int client = must_connect(&at);
    break_frame(client);
    expect_closed(&s, client, closed_because);
    close(client);
    expect_next_served(&s, &at, "the next client is served");
    stop_server(&s, lfd);
    expect_log_mentions(log, log_word, log_context);
}

/* Two ways to break the framing: a length over US_MAX_MESSAGE, and a frame
 * that ends before its announced length. */
static void announce_4_gib(int fd)
{
    raw_send_header(fd, 0xFFFFFFF0u);
}

static void cut_a_frame_short(int fd)
{
    raw_send_header(fd, 100);
    must_send(fd, "only ten b", 10);
    shutdown(fd, SHUT_WR); /* and nothing more: the frame is cut short */
}

START_TEST(oversized_frame_drops_only_that_client)
{
    expect_only_that_client_dropped(announce_4_gib,
                                    "the server to close a connection whose header announces 4 "
                                    "GiB (more than US_MAX_MESSAGE)",
                                    "EMSGSIZE", "after dropping a client for an oversized frame");
}
END_TEST

START_TEST(truncated_frame_drops_only_that_client)
{
    expect_only_that_client_dropped(cut_a_frame_short,
                                    "the server to close a connection whose frame was cut short",
                                    "EPROTO", "after dropping a client for a truncated frame");
}
END_TEST

START_TEST(client_dying_mid_frame_does_not_stop_server)
{
    struct endpoint at = abstract_endpoint();
    int lfd = endpoint_listen(&at, 16);
    struct server s;
    server_start(&s, lfd, 2, false, 0, -1);
    pid_t dying_student;
    pid_t dying = fork_child(&dying_student);
    if (dying == 0) {
        int fd = endpoint_connect(&at);
        if (fd != -1)
            raw_send(fd, "\0\0", 2); /* half a header... */
        raise(SIGKILL);              /* ...and the client is gone */
        _exit(1);
    }
    int status = wait_child_and_student(dying, dying_student, WAIT_MS);
    ck_assert_msg(status != -1 && WIFSIGNALED(status), "test setup: the dying client did not die");
    expect_next_served(&s, &at, "still serving after a client died mid-frame");
    stop_server(&s, lfd);
}
END_TEST

START_TEST(client_gone_before_answer_no_sigpipe)
{
    struct endpoint at = abstract_endpoint();
    int lfd = endpoint_listen(&at, 16);
    /* This client asks and leaves before the server even accepts it: the
     * answer then goes to a closed socket. */
    int rude = must_connect(&at);
    raw_send_frame(rude, "are you there?");
    close(rude);
    struct server s;
    server_start(&s, lfd, 2, false, 0, -1);
    expect_next_served(&s, &at, "the next client is served");
    stop_server(&s, lfd);
}
END_TEST

START_TEST(server_goes_on_after_a_signal_interrupts_accept)
{
    struct endpoint at = abstract_endpoint();
    int lfd = endpoint_listen(&at, 16);
    adopt_student_processes();
    fflush(NULL);
    pid_t pid = fork();
    ck_assert(pid != -1);
    if (pid == 0) {
        /* The server, in its student process: SIGALRM 0.1 s into accept(),
         * without SA_RESTART, so accept() fails with EINTR; the client
         * comes only at 0.3 s. */
        if (us_test_alarm_once(100000) == -1)
            _exit(21);
        long served = us_serve_with(lfd, 1, (struct us_serve_values){.given = false}, -1);
        int err = errno;
        long alarms = us_test_alarm_once(0);
        if (served == -1)
            _exit(err == ENOSYS ? CHILD_ENOSYS : err == EINTR ? 20 : CHILD_FAILED);
        _exit(alarms != 1 ? 21 : served == 1 ? CHILD_OK : CHILD_WRONG_COUNT);
    }
    pid_t student = boundary_student_of(pid);
    pause_ms(300);
    int fd = must_connect(&at);
    char reply[16];
    size_t len = 0;
    int answered = us_send_frame(fd, "late", 4) == 0 && wait_readable(fd, WAIT_MS) &&
                   us_recv_frame(fd, reply, sizeof reply, &len) == 1 && len == 4 &&
                   memcmp(reply, "LATE", 4) == 0;
    close(fd);
    int status = grade_wait_child(pid, WAIT_MS);
    if (status == -1) /* its student process may still be inside us_serve() */
        kill(student, SIGKILL);
    int ended = grade_wait_child(student, WAIT_MS); /* it ends with the child */
    close(lfd);
    ck_assert_msg(status != -1, "us_serve() did not return after serving its one client");
    bool reported = is_child_report(status) ||
                    (WIFEXITED(status) && (WEXITSTATUS(status) == 20 || WEXITSTATUS(status) == 21));
    if (!reported) {
        /* The test child could not report: the server's process ended during a call. */
        ck_abort_msg("the server %s", grade_describe_status(ended == -1 ? status : ended));
    }
    ck_assert_msg(WIFEXITED(status), "the server %s", grade_describe_status(status));
    if (WEXITSTATUS(status) == CHILD_ENOSYS)
        ck_abort_msg("not implemented yet: us_serve() returned ENOSYS");
    ck_assert_msg(WEXITSTATUS(status) != 20,
                  "a signal interrupted accept() and us_serve() returned -1 with EINTR: retry "
                  "accept() after EINTR and ECONNABORTED (see us_serve.h)");
    ck_assert_msg(WEXITSTATUS(status) != 21, "test setup: the signal did not arrive");
    ck_assert_msg(answered, "the client that came after the signal was not answered");
    ck_assert_msg(WEXITSTATUS(status) == CHILD_OK,
                  "with a signal during accept(), us_serve(listen_fd, 1, NULL) %s",
                  WEXITSTATUS(status) == CHILD_WRONG_COUNT ? "returned a count other than 1"
                                                           : "failed");
}
END_TEST

/* A client that connects and says nothing must not hold up the next one:
 * us_serve() serves each client in a child of its own. */
START_TEST(an_idle_client_does_not_hold_up_the_next)
{
    struct endpoint at = abstract_endpoint();
    int lfd = endpoint_listen(&at, 16);
    struct server s;
    server_start(&s, lfd, 2, false, 0, -1);
    int idle = must_connect(&at); /* and never a word */
    int next = must_connect(&at);
    raw_send_frame(next, "may I?");
    int limit = grade_timeout_ms(1000);
    bool answered = false;
    for (int waited = 0; waited < limit && !answered; waited += 20) {
        answered = wait_readable(next, 20);
        check_server_alive(&s);
    }
    if (!answered) {
        close(idle);
        close(next);
        stop_server(&s, lfd);
        ck_abort_msg("a second client got no answer within %d ms while the first said nothing: "
                     "serve each client in a child process (fork) and accept the next at once",
                     limit);
    }
    uint32_t net;
    ck_assert_msg(raw_recv_exact(next, &net, sizeof net, WAIT_MS) == 4 && ntohl(net) == 6,
                  "the answer to \"may I?\" must be a 6-byte frame");
    char body[6];
    ck_assert(raw_recv_exact(next, body, sizeof body, WAIT_MS) == 6);
    ck_assert_msg(memcmp(body, "MAY I?", 6) == 0, "expected \"MAY I?\", got \"%.6s\"", body);
    close(next);
    close(idle);
    stop_server(&s, lfd);
}
END_TEST

START_TEST(fifty_clients_no_fd_growth)
{
    struct endpoint at = abstract_endpoint();
    int lfd = endpoint_listen(&at, 16);
    struct server s;
    server_start(&s, lfd, 50, false, 0, -1);
    for (int i = 0; i < 50; i++) {
        int client = must_connect(&at);
        char msg[32];
        snprintf(msg, sizeof msg, "client number %d", i + 1);
        expect_answer(&s, client, msg);
        close(client);
    }
    server_finish(&s); /* the server counts its own descriptors before and after */
    close(lfd);
}
END_TEST

/* For the points table (us_tests.h). */
US_TESTS_SERVE(GRADE_EXPORT)
