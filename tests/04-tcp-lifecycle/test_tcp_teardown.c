/*
 * test_tcp_teardown.c - the graded tests of lab 04, steps 7 to 13:
 * urgent data, the ends of a connection, errors.
 *
 * The points table is in test_tcp.c; tcp_helpers.h has the test's side of
 * each connection and the trace as an oracle.
 */
/* SO_DOMAIN and SO_PROTOCOL, which tell what a socket is, are Linux options
 * that glibc shows only with _DEFAULT_SOURCE. */
#define _DEFAULT_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "agent_services.h"
#include "boundary.h"
#include "checksum.h"
#include "clock.h"
#include "err.h"
#include "fault.h"
#include "grader.h"
#include "student_side.h"
#include "tcp_helpers.h"
#include "tcp_lab.h"
#include "tcp_scenario.h"
#include "tcp_state.h"
#include "tcp_tests.h"
#include "trace.h"

/* ---- 7. urgent data, sending ---------------------------------------------------- */

START_TEST(step07_send_urgent_marks_one_byte_urgent)
{
    int client, server;
    raw_pair(&client, &server);
    raw_send(client, "abc", 3, 0);
    int rc = tcp_send_urgent(client, '!');
    int err = errno;
    REQUIRE_IMPL(rc, "tcp_send_urgent");
    raw_send(client, "def", 3, 0);
    short revents = wait_for(server, POLLPRI, 2000);
    char urgent = 0;
    ssize_t oob = recv(server, &urgent, 1, MSG_OOB);
    char normal[16];
    int end;
    ck_assert(shutdown(client, SHUT_WR) == 0);
    size_t got = raw_read_all(server, normal, sizeof normal, 2000, &end);
    close(client);
    close(server);
    grade_require_impl(rc, err, "tcp_send_urgent");
    ck_assert_msg(rc == 1, "tcp_send_urgent returned %d (%s), not 1", rc, strerror(err));
    ck_assert_msg(revents & POLLPRI,
                  "the receiver's poll() saw no POLLPRI: send the byte with MSG_OOB");
    ck_assert_msg(oob == 1 && urgent == '!',
                  "recv(MSG_OOB) on the receiver did not return the urgent byte '!'");
    ck_assert_msg(got == 6 && memcmp(normal, "abcdef", 6) == 0,
                  "the ordinary stream must be \"abcdef\" without the urgent byte (got %zu "
                  "bytes)",
                  got);
}
END_TEST
GRADE_EXPORT(step07_send_urgent_marks_one_byte_urgent)

/* ---- 8. urgent data, receiving ---------------------------------------------------- */

START_TEST(step08_urgent_byte_arrives_as_urgent)
{
    int client, server;
    raw_pair(&client, &server);
    char urgent = 0;
    /* Ordinary data alone is not urgent: POLLIN is not POLLPRI. */
    raw_send(client, "abc", 3, 0);
    int none = tcp_recv_urgent(server, &urgent, 100);
    int err = errno;
    REQUIRE_IMPL(none, "tcp_recv_urgent");
    raw_send(client, "!", 1, MSG_OOB);
    raw_send(client, "def", 3, 0);
    int got = tcp_recv_urgent(server, &urgent, 2000);
    err = errno;
    char before[16] = "", after[16] = "";
    ssize_t nb = got == 1 ? tcp_recv_to_mark(server, before, sizeof before) : -2;
    int mark_err = errno;
    ssize_t na = nb >= 0 ? tcp_recv_exact(server, after, 3) : -2;
    close(client);
    close(server);
    ck_assert_msg(none == 0,
                  "with ordinary data but no urgent data, tcp_recv_urgent(100 ms) must return 0, "
                  "not %d (%s): wait for POLLPRI, not POLLIN",
                  none, none == -1 ? errno_name(err) : "a byte");
    ck_assert_msg(got == 1 && urgent == '!',
                  "tcp_recv_urgent returned %d (%s) and the byte '%c'; expected 1 and '!' (poll() "
                  "for POLLPRI, then recv(MSG_OOB))",
                  got, got == -1 ? errno_name(err) : "ok", urgent ? urgent : '?');
    grade_require_impl(nb, mark_err, "tcp_recv_to_mark");
    ck_assert_msg(nb == 3 && memcmp(before, "abc", 3) == 0,
                  "tcp_recv_to_mark must return the 3 bytes sent before the urgent byte, "
                  "\"abc\"; it returned %zd (stop when sockatmark() says 1)",
                  nb);
    ck_assert_msg(na == 3 && memcmp(after, "def", 3) == 0,
                  "after the mark the ordinary stream must go on with \"def\" (the urgent byte "
                  "is not part of it)");

    /* The mark first: nothing came before the urgent byte. */
    raw_pair(&client, &server);
    raw_send(client, "!", 1, MSG_OOB);
    raw_send(client, "xyz", 3, 0);
    got = tcp_recv_urgent(server, &urgent, 2000);
    /* "xyz" is there too, and then the end of the stream: a recv() before
     * sockatmark() takes "xyz" and returns, instead of waiting for more. */
    close(client);
    clock_sleep_ms(50);
    char none_before[16] = "";
    ssize_t at_start = got == 1 ? tcp_recv_to_mark(server, none_before, sizeof none_before) : -2;
    close(server);
    ck_assert_msg(got == 1, "tcp_recv_urgent did not get the urgent byte sent first");
    ck_assert_msg(at_start == 0,
                  "with the urgent byte sent first, tcp_recv_to_mark must return 0 (already at "
                  "the mark), not %zd: ask sockatmark() before each recv(), the first one too",
                  at_start);

    /* A peer that closes without urgent data ends the wait: ENODATA, not 0
     * ("nothing in time") after the whole timeout. */
    raw_pair(&client, &server);
    close(client);
    grade_waiting_for("tcp_recv_urgent(3000 ms) to notice that the peer closed");
    errno = 0;
    got = tcp_recv_urgent(server, &urgent, 3000);
    err = errno;
    close(server);
    ck_assert_msg(got == -1 && err == ENODATA,
                  "the peer closed without urgent data, and tcp_recv_urgent(3000 ms) returned %d "
                  "(%s); it must return -1 with ENODATA: poll() for POLLRDHUP as well as POLLPRI, "
                  "so a close ends the wait at once",
                  got,
                  got == -1  ? errno_name(err)
                  : got == 0 ? "the timeout"
                             : "a byte");
}
END_TEST
GRADE_EXPORT(step08_urgent_byte_arrives_as_urgent)

START_TEST(step08_sigurg_reaches_the_owner)
{
    int client, server;
    raw_pair(&client, &server);
    /* The owner is read here, on this process's copy of the socket (one
     * open file, one owner); SIGURG is counted in the student's process. */
    ck_assert_msg(tcp_side_catch_signal(SIGURG, 1) == 0,
                  "test setup: a SIGURG handler in the student's process failed");
    int rc = tcp_urgent_owner(server);
    int err = errno;
    int owner = fcntl(server, F_GETOWN);
    if (rc == 0)
        raw_send(client, "!", 1, MSG_OOB);
    long signals_seen = 0;
    for (int waited = 0; rc == 0 && signals_seen == 0 && waited < 2000; waited += 10) {
        clock_sleep_ms(10);
        signals_seen = tcp_side_signals_caught();
    }
    close(client);
    close(server);
    agent_set_signal(SIGURG, 0);
    grade_require_impl(rc, err, "tcp_urgent_owner");
    ck_assert_msg(rc == 0, "tcp_urgent_owner failed: %s", strerror(err));
    ck_assert_msg(owner == boundary_agent_pid(),
                  "the socket's owner is %d, not the process that called tcp_urgent_owner (%d): "
                  "F_SETOWN with getpid()",
                  owner, (int)boundary_agent_pid());
    ck_assert_msg(signals_seen >= 1, "no SIGURG arrived within 2 s of the urgent byte");
}
END_TEST
GRADE_EXPORT(step08_sigurg_reaches_the_owner)

/* ---- 9. graceful termination ---------------------------------------------------- */

START_TEST(step09_half_close_peer_reads_eof_then_replies)
{
    int client, server;
    raw_pair(&client, &server);
    raw_send(client, "request", 7, 0);
    /* Whether the call released the student's copy of client is known only
     * in the student's process; the state is read here, on this copy. */
    int still_open = 0;
    int rc = tcp_side_shutdown_write(client, &still_open);
    int err = errno;
    REQUIRE_IMPL(rc, "tcp_shutdown_write");
    int state = tcp_state_of(client);
    char buf[32];
    int end;
    size_t got = raw_read_all(server, buf, sizeof buf, 2000, &end);
    raw_send(server, "reply", 5, 0);
    close(server);
    ssize_t reply = still_open ? tcp_recv_exact(client, buf + 16, 5) : -2;
    errno = 0;
    ssize_t after = still_open ? send(client, "x", 1, MSG_NOSIGNAL) : -2;
    int after_err = errno;
    close(client);
    grade_require_impl(rc, err, "tcp_shutdown_write");
    ck_assert_msg(rc == 0, "tcp_shutdown_write failed: %s", strerror(err));
    ck_assert_msg(still_open, "shutdown() does not release the descriptor; only close() does");
    ck_assert_msg(state == TCP_STATE_FIN_WAIT1 || state == TCP_STATE_FIN_WAIT2,
                  "after SHUT_WR the socket is in FIN_WAIT1 or FIN_WAIT2, not %s (use "
                  "shutdown(fd, SHUT_WR))",
                  tcp_state_name(state));
    ck_assert_msg(end == 1 && got == 7 && memcmp(buf, "request", 7) == 0,
                  "the peer must read \"request\" and then end of stream (recv() = 0)");
    ck_assert_msg(reply == 5 && memcmp(buf + 16, "reply", 5) == 0,
                  "after its own FIN the client must still receive the peer's reply");
    ck_assert_msg(after == -1 && after_err == EPIPE,
                  "a send after SHUT_WR must fail with EPIPE: shut down only the write side");
}
END_TEST
GRADE_EXPORT(step09_half_close_peer_reads_eof_then_replies)

/* The test's peer in a child: reads to end of stream, then closes. The
 * child drops its copy of the parent's client socket, or that copy alone
 * would keep the connection open. */
static pid_t start_closing_peer(int listener, int parent_client)
{
    pid_t pid = fork();
    ck_assert(pid != -1);
    if (pid == 0) {
        close(parent_client);
        int fd = accept(listener, NULL, NULL);
        if (fd == -1)
            _exit(CHILD_FAILED);
        char buf[256];
        ssize_t n;
        while ((n = recv(fd, buf, sizeof buf, 0)) > 0)
            ;
        close(fd);
        _exit(n == 0 ? CHILD_OK : CHILD_FAILED);
    }
    return pid;
}

START_TEST(step09_graceful_close_shuts_down_before_close)
{
    int port;
    int listener = raw_listener(&port);
    int client = raw_connect(port);
    pid_t pid = start_closing_peer(listener, client);
    close(listener);
    raw_send(client, "bye", 3, 0);
    ino_t inode = socket_inode(client);
    trace_begin();
    int rc = tcp_close_gracefully(client, 5000); /* this process's copy is closed first */
    int err = errno;
    struct traced t;
    trace_finish(&t);
    int still_open = student_holds(client, inode);
    if (still_open)
        kill(pid, SIGKILL); /* the peer waits for a FIN that cannot come while the socket is held */
    int status = grade_wait_child(pid, 5000);
    grade_require_impl(rc, err, "tcp_close_gracefully");
    require_trace(&t);
    ck_assert_msg(rc == 0, "tcp_close_gracefully failed: %s", strerror(err));
    ck_assert_msg(!still_open, "tcp_close_gracefully must release the descriptor");
    ck_assert_msg(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == CHILD_OK,
                  "the peer did not see a clean end of stream");
    long shut_at = find_on_fd(&t, 0, "shutdown", client);
    long eof_at = -1;
    for (long i = shut_at; shut_at >= 0 && i < (long)t.log.count; i++) {
        if (trace_call_is(t.log.steps[i].call, "recv") && t.log.steps[i].fd == client &&
            t.log.steps[i].ret == 0) {
            eof_at = i;
            break;
        }
    }
    long close_at = find_on_fd(&t, 0, "close", client);
    int shut_wr = shut_at >= 0 && trace_event_has_word(&t.log.steps[shut_at], "SHUT_WR");
    traced_free(&t);
    ck_assert_msg(shut_at >= 0 && shut_wr,
                  "the trace shows no shutdown(fd=%d, SHUT_WR ...); the graceful path starts "
                  "with a half-close",
                  client);
    ck_assert_msg(close_at > shut_at, "the trace must show close(fd=%d ...) after shutdown()",
                  client);
    ck_assert_msg(eof_at > shut_at && eof_at < close_at,
                  "between shutdown() and close() the trace must show recv(fd=%d ...) = 0: wait "
                  "for the peer's FIN",
                  client);

    /* A socket that was never connected: shutdown() fails with ENOTCONN, and
     * the descriptor must still be released ("fd is released in every case"). */
    int lone = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_msg(lone != -1, "test setup: socket failed: %s", errno_name(errno));
    inode = socket_inode(lone);
    errno = 0;
    rc = tcp_close_gracefully(lone, 200);
    err = errno;
    still_open = student_holds(lone, inode);
    ck_assert_msg(!still_open,
                  "on a socket that was never connected, shutdown() fails (ENOTCONN) and "
                  "tcp_close_gracefully() returned %d (%s) but left fd %d open: it must close the "
                  "descriptor in every case",
                  rc, rc == -1 ? errno_name(err) : "no error", lone);
    ck_assert_msg(rc == -1 && err == ENOTCONN,
                  "on a socket that was never connected, tcp_close_gracefully() must return -1 "
                  "with shutdown()'s ENOTCONN, not %d (%s)",
                  rc, rc == -1 ? errno_name(err) : "no error");
}
END_TEST
GRADE_EXPORT(step09_graceful_close_shuts_down_before_close)

/* ---- 10. termination by the remote side ------------------------------------------- */

START_TEST(step10_wait_peer_close_sees_eof_timeout_and_reset)
{
    int client, server;
    raw_pair(&client, &server);
    raw_send(server, "xyz", 3, 0);
    close(server);
    ssize_t n = tcp_wait_peer_close(client, 2000);
    int err = errno;
    close(client);
    grade_require_impl(n, err, "tcp_wait_peer_close");
    ck_assert_msg(n == 3,
                  "the peer sent 3 bytes and closed: tcp_wait_peer_close must return 3, "
                  "not %zd (%s)",
                  n, n == -1 ? errno_name(err) : "wrong count");

    raw_pair(&client, &server);
    uint64_t start = clock_now_ns();
    errno = 0;
    n = tcp_wait_peer_close(client, 150);
    err = errno;
    uint64_t took_ms = (clock_now_ns() - start) / 1000000;
    close(client);
    close(server);
    ck_assert_msg(n == -1 && err == ETIMEDOUT,
                  "a peer that stays open: tcp_wait_peer_close(150 ms) must fail with "
                  "ETIMEDOUT, got %zd, %s",
                  n, errno_name(err));
    ck_assert_msg(took_ms >= 100 && took_ms < 3000,
                  "tcp_wait_peer_close(150 ms) took %llu ms; wait with poll() and the timeout",
                  (unsigned long long)took_ms);

    raw_pair(&client, &server);
    raw_abort(server);
    errno = 0;
    n = tcp_wait_peer_close(client, 2000);
    err = errno;
    close(client);
    ck_assert_msg(n == -1 && err == ECONNRESET,
                  "a peer that aborts: tcp_wait_peer_close must fail with ECONNRESET, got %zd, %s",
                  n, errno_name(err));
}
END_TEST
GRADE_EXPORT(step10_wait_peer_close_sees_eof_timeout_and_reset)

START_TEST(step10_send_after_remote_close_gives_epipe_not_sigpipe)
{
    /* The student's process starts from SIGPIPE's default action, death:
     * a death there ends the call ("never returned ... killed by SIGPIPE"). */
    ck_assert_msg(agent_set_signal(SIGPIPE, 0) == 0,
                  "test setup: SIGPIPE's default action in the student's process failed");
    int client, server;
    raw_pair(&client, &server);
    close(server);
    char c;
    errno = 0;
    ssize_t eof = tcp_recv_exact(client, &c, 1);
    REQUIRE_IMPL(eof, "tcp_recv_exact");
    /* The first send still leaves; the closed peer answers it with RST. */
    ssize_t sent = 0;
    int err = 0;
    for (int i = 0; i < 100 && eof == 0 && sent != -1; i++) {
        errno = 0;
        sent = tcp_send_all(client, "hello?", 6);
        err = errno;
        if (sent != -1)
            clock_sleep_ms(10);
    }
    close(client);
    ck_assert_msg(eof == 0, "after the peer closed, tcp_recv_exact must return 0 (end of stream)");
    grade_require_impl(sent, err, "tcp_send_all");
    ck_assert_msg(sent == -1, "sending to a closed peer never failed; tcp_send_all must report -1");
    ck_assert_msg(err == EPIPE, "sending to a closed peer must fail with EPIPE, not %s",
                  errno_name(err));
}
END_TEST
GRADE_EXPORT(step10_send_after_remote_close_gives_epipe_not_sigpipe)

START_TEST(step10_reset_connection_gives_econnreset)
{
    int client, server;
    raw_pair(&client, &server);
    raw_abort(server);
    char buf[8];
    errno = 0;
    ssize_t n = tcp_recv_exact(client, buf, sizeof buf);
    int err = errno;
    close(client);
    grade_require_impl(n, err, "tcp_recv_exact");
    ck_assert_msg(n == -1 && err == ECONNRESET,
                  "when the peer aborts (RST), tcp_recv_exact must fail with ECONNRESET, got "
                  "%zd, %s",
                  n, errno_name(err));
}
END_TEST
GRADE_EXPORT(step10_reset_connection_gives_econnreset)

/* ---- 11. abort ---------------------------------------------------------------------- */

START_TEST(step11_abort_sends_rst_without_shutdown)
{
    int client, server;
    raw_pair(&client, &server);
    struct tcp_endpoint local = {.len = sizeof local.addr}, peer = {.len = sizeof peer.addr};
    getsockname(client, (struct sockaddr *)&local.addr, &local.len);
    getpeername(client, (struct sockaddr *)&peer.addr, &peer.len);
    ino_t inode = socket_inode(client);
    trace_begin();
    int rc = tcp_abort(client); /* this process's copy is closed first */
    int err = errno;
    struct traced t;
    trace_finish(&t);
    int still_open = student_holds(client, inode);
    grade_require_impl(rc, err, "tcp_abort");
    char buf[8];
    errno = 0;
    /* A socket the student's process still holds sends nothing: no waiting for it. */
    short revents = still_open ? 0 : wait_for(server, POLLIN, 2000);
    ssize_t n = recv(server, buf, sizeof buf, MSG_DONTWAIT);
    int peer_err = errno;
    int listed = tcp_state_of_connection(&local, &peer);
    close(server);
    require_trace(&t);
    ck_assert_msg(rc == 0, "tcp_abort failed: %s", strerror(err));
    ck_assert_msg(!still_open, "tcp_abort must close the descriptor");
    ck_assert_msg(revents != 0 && n == -1 && peer_err == ECONNRESET,
                  "the peer must see ECONNRESET after an abort; its recv() returned %zd (%s): "
                  "set SO_LINGER {1, 0} before close()",
                  n, n == -1 ? errno_name(peer_err) : "a clean end, so FIN was sent");
    ck_assert_msg(listed != TCP_STATE_TIME_WAIT, "an aborted connection must not enter TIME_WAIT");
    long linger_at = find_on_fd(&t, 0, "setsockopt", client);
    long close_at = find_on_fd(&t, 0, "close", client);
    long shut_at = trace_log_find(&t.log, 0, NULL, "shutdown");
    int says_linger = linger_at >= 0 && trace_event_has_word(&t.log.steps[linger_at], "SO_LINGER");
    traced_free(&t);
    ck_assert_msg(says_linger && close_at > linger_at,
                  "the trace must show setsockopt(fd=%d, SO_LINGER ...) and then close(fd=%d ...)",
                  client, client);
    ck_assert_msg(shut_at == -1, "the abort path must not call shutdown(): that is a graceful end");
}
END_TEST
GRADE_EXPORT(step11_abort_sends_rst_without_shutdown)

/* ---- 12. errors ------------------------------------------------------------------------ */

START_TEST(step12_eaddrinuse_message_names_errno_and_hint)
{
    struct aimed_socket taken = aim_lab_socket(64);
    errno = 0;
    int rc = tcp_bind(taken.fd, &taken.ep);
    int err = errno;
    if (rc == 0)
        rc = tcp_listen(taken.fd, 4); /* a wildcard-free bind may pass; listen cannot */
    if (rc == -1)
        err = errno;
    close(taken.fd);
    close(taken.holder);
    grade_require_impl(rc, err, "tcp_bind");
    ck_assert_msg(rc == -1 && err == EADDRINUSE,
                  "binding and listening on a port another socket listens on must fail with "
                  "EADDRINUSE, got %s",
                  errno_name(err));
    char what[64], text[1024];
    snprintf(what, sizeof what, "bind 127.0.0.1:%d", taken.port);
    int len = tcp_describe_error(text, sizeof text, what, err);
    REQUIRE_IMPL(len, "tcp_describe_error");
    ck_assert_msg(len > 0 && (size_t)len == strlen(text),
                  "tcp_describe_error must return the length of its text (%d)", len);
    ck_assert_msg(strstr(text, what) == text, "the message must start with what failed: \"%s\"",
                  text);
    ck_assert_msg(strstr(text, "EADDRINUSE") && strstr(text, strerror(EADDRINUSE)),
                  "the message must name EADDRINUSE and its text: \"%s\"", text);
    const char *hint = strstr(text, "hint:");
    ck_assert_msg(hint != NULL, "the message must have a \"hint:\" line: \"%s\"", text);
    ck_assert_msg(strstr(hint, "port 0") && strstr(hint, "SO_REUSEADDR"),
                  "the EADDRINUSE hint must mention port 0 and SO_REUSEADDR: \"%s\"", hint);
}
END_TEST
GRADE_EXPORT(step12_eaddrinuse_message_names_errno_and_hint)

START_TEST(step12_each_lab_error_has_its_own_hint)
{
    const int errors[] = {EADDRINUSE, ECONNREFUSED, ETIMEDOUT,   EINVAL,
                          ECONNRESET, EPIPE,        EAFNOSUPPORT};
    enum { COUNT = sizeof errors / sizeof errors[0] };
    char hints[COUNT][512];
    for (int i = 0; i < COUNT; i++) {
        char text[1024];
        int len = tcp_describe_error(text, sizeof text, "step", errors[i]);
        REQUIRE_IMPL(len, "tcp_describe_error");
        ck_assert_msg(len > 0 && strstr(text, errno_name(errors[i])),
                      "the message for %s must name it: \"%s\"", errno_name(errors[i]), text);
        const char *hint = strstr(text, "hint:");
        ck_assert_msg(hint != NULL, "%s needs a \"hint:\" line: \"%s\"", errno_name(errors[i]),
                      text);
        snprintf(hints[i], sizeof hints[i], "%s", hint);
        for (int j = 0; j < i; j++)
            ck_assert_msg(strcmp(hints[i], hints[j]) != 0,
                          "%s and %s have the same hint; say what to try for each",
                          errno_name(errors[i]), errno_name(errors[j]));
    }
    char small[10];
    int full = tcp_describe_error(small, sizeof small, "connect", ECONNREFUSED);
    ck_assert_msg(full >= (int)sizeof small && strlen(small) == sizeof small - 1,
                  "a cut message must still end in '\\0' and the full length be returned");
    errno = 0;
    ck_assert_msg(tcp_describe_error(NULL, 10, "x", EPIPE) == -1 && errno == EINVAL,
                  "tcp_describe_error(NULL, ...) must fail with EINVAL");
}
END_TEST
GRADE_EXPORT(step12_each_lab_error_has_its_own_hint)

START_TEST(step12_calls_in_the_wrong_state_give_einval)
{
    int fd = tcp_socket(AF_INET);
    REQUIRE_IMPL(fd, "tcp_socket");
    errno = 0;
    int accepted = tcp_accept(fd, NULL);
    int accept_err = errno;
    REQUIRE_IMPL(accepted, "tcp_accept");
    if (accepted >= 0)
        close(accepted);
    struct tcp_endpoint ep = loopback(AF_INET, 0);
    int first = tcp_bind(fd, &ep);
    errno = 0;
    int second = tcp_bind(fd, &ep);
    int bind_err = errno;
    close(fd);
    int client, server;
    raw_pair(&client, &server);
    errno = 0;
    int listened = tcp_listen(client, 4);
    int listen_err = errno;
    close(client);
    close(server);
    ck_assert_msg(accepted == -1 && accept_err == EINVAL,
                  "accept() before listen() must fail with EINVAL, got %s", errno_name(accept_err));
    ck_assert_msg(first == 0 && second == -1 && bind_err == EINVAL,
                  "binding a socket twice must fail with EINVAL, got %s", errno_name(bind_err));
    ck_assert_msg(listened == -1 && listen_err == EINVAL,
                  "listen() on a connected socket must fail with EINVAL, got %s",
                  errno_name(listen_err));
}
END_TEST
GRADE_EXPORT(step12_calls_in_the_wrong_state_give_einval)

/* ---- 13. release -------------------------------------------------------------------- */

/* The state /proc/net/tcp lists for local -> peer, waiting up to 1 s for it to settle. */
static int listed_state(const struct tcp_endpoint *local, const struct tcp_endpoint *peer, int want)
{
    int state = tcp_state_of_connection(local, peer);
    for (int waited = 0; state != want && waited < 1000; waited += 10) {
        clock_sleep_ms(10);
        state = tcp_state_of_connection(local, peer);
    }
    return state;
}

START_TEST(step13_the_side_that_closes_first_enters_time_wait)
{
    for (int client_first = 1; client_first >= 0; client_first--) {
        int client, server;
        raw_pair(&client, &server);
        struct tcp_endpoint c_end = {.len = sizeof c_end.addr}, s_end = {.len = sizeof s_end.addr};
        getsockname(client, (struct sockaddr *)&c_end.addr, &c_end.len);
        getsockname(server, (struct sockaddr *)&s_end.addr, &s_end.len);
        ino_t inode = socket_inode(client);
        char buf[8];
        int end, rc, err;
        if (client_first) {
            /* The client (the lab) closes first; the test's server answers. */
            rc = tcp_shutdown_write(client);
            err = errno;
            REQUIRE_IMPL(rc, "tcp_shutdown_write");
            raw_read_all(server, buf, sizeof buf, 2000, &end);
            close(server);
            ssize_t n = tcp_wait_peer_close(client, 2000);
            REQUIRE_IMPL(n, "tcp_wait_peer_close");
            rc = tcp_close(client);
            err = errno;
        } else {
            /* The test's server closes first; the client (the lab) answers. */
            ck_assert(shutdown(server, SHUT_WR) == 0);
            ssize_t n = tcp_wait_peer_close(client, 2000);
            REQUIRE_IMPL(n, "tcp_wait_peer_close");
            rc = tcp_close(client);
            err = errno;
            raw_read_all(server, buf, sizeof buf, 2000, &end);
            close(server);
        }
        REQUIRE_IMPL(rc, "tcp_close");
        int still_open = student_holds(client, inode); /* this process's copy went first */
        int closer_state = client_first ? listed_state(&c_end, &s_end, TCP_STATE_TIME_WAIT)
                                        : listed_state(&s_end, &c_end, TCP_STATE_TIME_WAIT);
        int other_state = client_first ? listed_state(&s_end, &c_end, TCP_STATE_CLOSED)
                                       : listed_state(&c_end, &s_end, TCP_STATE_CLOSED);
        const char *who = client_first ? "the client closed first" : "the server closed first";
        ck_assert_msg(rc == 0, "tcp_close failed: %s", strerror(err));
        ck_assert_msg(!still_open, "tcp_close must release the descriptor");
        ck_assert_msg(closer_state == TCP_STATE_TIME_WAIT,
                      "%s, so its end must be in TIME_WAIT; it is %s (close gracefully: FIN, "
                      "never RST)",
                      who, tcp_state_name(closer_state));
        ck_assert_msg(other_state == TCP_STATE_CLOSED,
                      "%s, so the other end leaves no TIME_WAIT; it is listed as %s", who,
                      tcp_state_name(other_state));
    }
}
END_TEST
GRADE_EXPORT(step13_the_side_that_closes_first_enters_time_wait)
