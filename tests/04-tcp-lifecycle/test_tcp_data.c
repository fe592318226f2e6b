/*
 * test_tcp_data.c - the graded tests of lab 04, steps 5 and 6:
 * send and receive, determine when data arrives.
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
#include "fault_proof.h"
#include "grader.h"
#include "student_side.h"
#include "tcp_helpers.h"
#include "tcp_lab.h"
#include "tcp_scenario.h"
#include "tcp_state.h"
#include "tcp_tests.h"
#include "trace.h"

/* ---- 5. send and receive ------------------------------------------------------ */

START_TEST(step05_send_all_loops_on_short_sends_and_eintr)
{
    int client, server;
    raw_pair(&client, &server);
    size_t len = 30000;
    char *data = pattern(len, 5);
    struct fault_proof proof = fault_proof_arm(
        FAULT_OUT,
        (struct fault_plan){.fd = client, .max_bytes = 7, .fail_every = 4, .fail_errno = EINTR},
        len);
    ssize_t n = tcp_send_all(client, data, len);
    int err = errno;
    struct fault_seen seen = grade_end_faults(FAULT_OUT);
    char *back = malloc(len);
    int end;
    size_t got = n == (ssize_t)len ? raw_read_all(server, back, len, 2000, &end) : 0;
    close(client);
    close(server);
    grade_require_impl(n, err, "tcp_send_all");
    ck_assert_msg(n == (ssize_t)len,
                  "with sends cut to 7 bytes and EINTR, tcp_send_all returned %zd (%s), not %zu", n,
                  n == -1 ? errno_name(err) : "short", len);
    ck_assert_msg(seen.injected > 3000,
                  "sends on the socket were to be cut to 7 bytes, but only %lu faults happened "
                  "(calls seen: %s)",
                  seen.injected, seen.calls);
    ck_assert_msg(got == len && memcmp(back, data, len) == 0,
                  "the peer received %zu bytes, not the %zu sent, or different ones", got, len);
    fault_proof_require(&proof, "tcp_send_all()");
    free(back);
    free(data);
}
END_TEST
GRADE_EXPORT(step05_send_all_loops_on_short_sends_and_eintr)

START_TEST(step05_recv_exact_loops_and_stops_at_end_of_stream)
{
    int client, server;
    raw_pair(&client, &server);
    char *data = pattern(4000, 6);
    raw_send(server, data, 4000, 0);
    struct fault_proof proof = fault_proof_arm(
        FAULT_IN,
        (struct fault_plan){.fd = client, .max_bytes = 5, .fail_every = 3, .fail_errno = EINTR},
        4000);
    char back[4000];
    ssize_t n = tcp_recv_exact(client, back, sizeof back);
    int err = errno;
    struct fault_seen seen = grade_end_faults(FAULT_IN);
    raw_send(server, "0123456789", 10, 0);
    ck_assert(shutdown(server, SHUT_WR) == 0);
    char rest[100];
    ssize_t short_n = n == 4000 ? tcp_recv_exact(client, rest, sizeof rest) : -2;
    ssize_t at_end = n == 4000 ? tcp_recv_exact(client, rest, sizeof rest) : -2;
    close(client);
    close(server);
    grade_require_impl(n, err, "tcp_recv_exact");
    ck_assert_msg(n == 4000, "with receives cut to 5 bytes and EINTR, tcp_recv_exact returned %zd",
                  n);
    ck_assert_msg(seen.injected > 500,
                  "receives on the socket were to be cut to 5 bytes, but only %lu faults happened "
                  "(calls seen: %s)",
                  seen.injected, seen.calls);
    ck_assert_msg(memcmp(back, data, 4000) == 0, "bytes were lost or repeated across receives");
    fault_proof_require(&proof, "tcp_recv_exact()");
    ck_assert_msg(short_n == 10,
                  "10 bytes then end of stream: tcp_recv_exact(100) must return 10, not %zd",
                  short_n);
    ck_assert_msg(at_end == 0,
                  "at end of stream tcp_recv_exact must return 0 (recv() = 0), not %zd", at_end);
    free(data);
}
END_TEST
GRADE_EXPORT(step05_recv_exact_loops_and_stops_at_end_of_stream)

/* Sizes of the frames the sender child sends, in order. */
static const size_t FRAME_SIZES[] = {1, 300, TCP_FRAME_MAX, 17};

START_TEST(step05_frames_keep_message_boundaries)
{
    int client, server;
    raw_pair(&client, &server);
    pid_t pid = fork();
    ck_assert(pid != -1);
    if (pid == 0) {
        /* The sender, in its own process: a 64 KiB frame may not fit in the
         * socket buffers until the receiver reads. */
        close(server);
        for (size_t i = 0; i < sizeof FRAME_SIZES / sizeof FRAME_SIZES[0]; i++) {
            char *data = pattern(FRAME_SIZES[i], i);
            ssize_t n = tcp_send_frame(client, data, FRAME_SIZES[i]);
            free(data);
            if (n == -1)
                _exit(errno == ENOSYS ? CHILD_ENOSYS : CHILD_FAILED);
            if (n != (ssize_t)FRAME_SIZES[i])
                _exit(CHILD_WRONG);
        }
        close(client);
        _exit(CHILD_OK);
    }
    close(client);
    size_t payload = 0; /* the frames' bytes, lengths not counted: a lower bound */
    for (size_t i = 0; i < sizeof FRAME_SIZES / sizeof FRAME_SIZES[0]; i++)
        payload += FRAME_SIZES[i];
    struct fault_proof proof =
        fault_proof_arm(FAULT_IN, (struct fault_plan){.fd = server, .max_bytes = 3}, payload);
    char *buf = malloc(TCP_FRAME_MAX);
    ck_assert(buf != NULL);
    char problem[200] = "";
    ssize_t n = 0;
    int err = 0;
    for (size_t i = 0; i < sizeof FRAME_SIZES / sizeof FRAME_SIZES[0] && !problem[0]; i++) {
        n = tcp_recv_frame(server, buf, TCP_FRAME_MAX);
        err = errno;
        char *want = pattern(FRAME_SIZES[i], i);
        if (n != (ssize_t)FRAME_SIZES[i] || memcmp(buf, want, FRAME_SIZES[i]) != 0)
            snprintf(problem, sizeof problem,
                     "frame %zu (%zu bytes): tcp_recv_frame returned %zd (%s) or other bytes", i,
                     FRAME_SIZES[i], n, n == -1 ? errno_name(err) : "wrong length");
        free(want);
        if (n == -1)
            break;
    }
    ssize_t at_end = problem[0] ? 0 : tcp_recv_frame(server, buf, TCP_FRAME_MAX);
    struct fault_seen seen = grade_end_faults(FAULT_IN);
    free(buf);
    close(server);
    int status = grade_wait_child(pid, 5000);
    if (status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == CHILD_ENOSYS)
        ck_abort_msg("not implemented yet: tcp_send_frame() returned -1 with ENOSYS");
    grade_require_impl(n, err, "tcp_recv_frame");
    ck_assert_msg(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == CHILD_OK,
                  "the sending child failed: tcp_send_frame must send 4 bytes of length (network "
                  "byte order) and the message, and return the message's length");
    ck_assert_msg(!problem[0], "%s", problem);
    ck_assert_msg(seen.injected > 100,
                  "receives were to be cut to 3 bytes, but only %lu were (calls seen: %s): "
                  "tcp_recv_frame must receive from the socket itself",
                  seen.injected, seen.calls);
    ck_assert_msg(at_end == 0, "after the last frame, end of stream: tcp_recv_frame must return 0");
    fault_proof_require(&proof, "tcp_recv_frame()");
}
END_TEST
GRADE_EXPORT(step05_frames_keep_message_boundaries)

/*
 * What tcp_recv_frame() makes of a stream: the peer sends first, then
 * second (when not NULL), each with one send(), and ends the stream when
 * end is set; the frame is received into a 16-byte buffer. Returns its
 * result, with its errno in *err; both sockets are closed.
 */
static ssize_t recv_frame_after(const void *first, size_t first_len, const void *second,
                                size_t second_len, bool end, int *err)
{
    int client, server;
    raw_pair(&client, &server);
    raw_send(server, first, first_len, 0);
    if (second)
        raw_send(server, second, second_len, 0);
    if (end)
        ck_assert(shutdown(server, SHUT_WR) == 0);
    char buf[16];
    errno = 0;
    ssize_t got = tcp_recv_frame(client, buf, sizeof buf);
    *err = errno;
    close(client);
    close(server);
    return got;
}

START_TEST(step05_frames_refuse_bad_lengths)
{
    int client, server;
    raw_pair(&client, &server);
    errno = 0;
    ssize_t empty = tcp_send_frame(client, "x", 0);
    int empty_err = errno;
    REQUIRE_IMPL(empty, "tcp_send_frame");
    char *big = pattern(TCP_FRAME_MAX + 1, 7);
    errno = 0;
    ssize_t too_big = tcp_send_frame(client, big, TCP_FRAME_MAX + 1);
    int too_big_err = errno;
    free(big);

    /* A header that announces more than TCP_FRAME_MAX, into a buffer that
     * would hold it: the limit itself must refuse it, before the body. */
    uint32_t header = htonl(TCP_FRAME_MAX + 1);
    raw_send(server, &header, 4, 0);
    ck_assert(shutdown(server, SHUT_WR) == 0);
    char *room = malloc(2 * TCP_FRAME_MAX);
    ck_assert(room != NULL);
    errno = 0;
    ssize_t huge = tcp_recv_frame(client, room, 2 * TCP_FRAME_MAX);
    int huge_err = errno;
    free(room);
    close(client);
    close(server);
    ck_assert_msg(empty == -1 && empty_err == EMSGSIZE,
                  "tcp_send_frame of 0 bytes must fail with EMSGSIZE");
    ck_assert_msg(too_big == -1 && too_big_err == EMSGSIZE,
                  "tcp_send_frame above TCP_FRAME_MAX must fail with EMSGSIZE");
    ck_assert_msg(huge == -1 && huge_err == EMSGSIZE,
                  "a frame announcing %d bytes must be refused with EMSGSIZE (got %zd, %s); "
                  "never trust a length from the network",
                  TCP_FRAME_MAX + 1, huge, errno_name(huge_err));

    /* Larger than the caller's buffer. */
    uint32_t announce_100 = htonl(100), announce_10 = htonl(10), announce_0 = htonl(0);
    int err;
    ssize_t got = recv_frame_after(&announce_100, 4, NULL, 0, false, &err);
    ck_assert_msg(got == -1 && err == EMSGSIZE,
                  "a 100-byte frame into a 16-byte buffer must fail with EMSGSIZE (got %zd, %s)",
                  got, errno_name(err));

    /* The stream ends inside a frame. */
    got = recv_frame_after(&announce_10, 4, "abc", 3, true, &err);
    ck_assert_msg(got == -1 && err == EPROTO,
                  "a stream that ends inside a frame must fail with EPROTO (got %zd, %s)", got,
                  errno_name(err));

    /* The stream ends inside a header: not a clean end between frames. */
    got = recv_frame_after("\0\0", 2, NULL, 0, true, &err);
    ck_assert_msg(got == -1 && err == EPROTO,
                  "a stream that ends after 2 of the 4 header bytes must fail with EPROTO, not "
                  "%zd (%s): only a stream that ends before a header begins is a clean end (0)",
                  got, got == -1 ? errno_name(err) : "a clean end");

    /* A header that announces 0 bytes: no frame is empty. */
    got = recv_frame_after(&announce_0, 4, &announce_0, 4, false, &err);
    ck_assert_msg(got == -1 && err == EBADMSG,
                  "a header announcing 0 bytes must be refused with EBADMSG (see tcp_lab.h), not "
                  "%zd (%s)",
                  got, got == -1 ? errno_name(err) : "accepted as a frame");
}
END_TEST
GRADE_EXPORT(step05_frames_refuse_bad_lengths)

START_TEST(step05_a_small_frame_leaves_in_one_call)
{
    /* Two sends (header, then body) meet Nagle's algorithm: the body waits
     * for the header's ACK, up to 40 ms. The frame must leave in one call. */
    int client, server;
    raw_pair(&client, &server);
    /* The sends are counted in the student's process during this one call
     * (a plan that counts and changes nothing), apart from the calls that
     * carry the test's requests there. */
    unsigned long calls = 0;
    char watched[256] = "";
    /* Counted from outside too (fault_proof.h): the kernel's count is the word. */
    struct fault_proof seen = fault_proof_arm(FAULT_OUT, (struct fault_plan){.fd = client}, 0);
    ssize_t n = tcp_side_send_frame_counted(client, "one frame, one call", 19, &calls, watched,
                                            sizeof watched);
    int err = errno;
    if (seen.countable)
        calls = (unsigned long)fault_proof_counted(&seen);
    char back[4 + 19];
    int end;
    size_t got = n == 19 ? raw_read_all(server, back, sizeof back, 2000, &end) : 0;
    close(client);
    close(server);
    grade_require_impl(n, err, "tcp_send_frame");
    ck_assert_msg(n == 19, "tcp_send_frame of 19 bytes returned %zd (%s)", n,
                  n == -1 ? errno_name(err) : "another length");
    ck_assert_msg(got == sizeof back, "the peer received %zu of the frame's %zu bytes", got,
                  sizeof back);
    ck_assert_msg(calls == 1,
                  "a 19-byte frame took %lu calls to leave (%s): put the header and the body in "
                  "one buffer (or one writev/sendmsg) and send it with one tcp_send_all(), so "
                  "Nagle's algorithm cannot hold its second half back",
                  calls, watched);
}
END_TEST
GRADE_EXPORT(step05_a_small_frame_leaves_in_one_call)

/* ---- 6. determine when data arrives ------------------------------------------- */

/* A poll server under test: tcp_poll_serve() in a child of the test, which
 * exits with what it returned, and the loopback port it serves on. */
struct poll_server {
    pid_t pid;
    int port;
};

/* SIGNAL_EVERY_10_MS: SIGALRM every 10 ms in the server's student process,
 * without SA_RESTART, so poll() is interrupted. */
enum poll_signals { NO_SIGNALS, SIGNAL_EVERY_10_MS };

/* Runs tcp_poll_serve(listener, clients) in a child; listener is at port. */
static struct poll_server start_poll_server_on(int listener, int port, long clients,
                                               enum poll_signals signals)
{
    struct poll_server server = {.port = port};
    server.pid = fork();
    ck_assert(server.pid != -1);
    if (server.pid == 0) {
        if (signals == SIGNAL_EVERY_10_MS && agent_interrupt_every(10000) == -1)
            _exit(CHILD_FAILED);
        long served = tcp_poll_serve(listener, clients);
        if (served == -1)
            _exit(errno == ENOSYS ? CHILD_ENOSYS : errno == EINTR ? CHILD_EINTR : CHILD_FAILED);
        _exit(served == clients ? CHILD_OK : CHILD_WRONG);
    }
    close(listener); /* the child has it; if it dies, clients are refused at once */
    return server;
}

/* The same, on a new listener of the test's (raw_listener()). */
static struct poll_server start_poll_server(long clients, enum poll_signals signals)
{
    int port;
    int listener = raw_listener(&port);
    return start_poll_server_on(listener, port, clients, signals);
}

/*
 * After something went wrong: waits up to 1 s for the server child (killing
 * it after that) and fails with "not implemented yet" if it quit on ENOSYS,
 * or says how it ended early. Returns when it was still running.
 */
static void check_server_end(const struct poll_server *server)
{
    int status = wait_child_and_student(server->pid, 1000);
    if (status == -1)
        return; /* it was still serving: the caller says what went wrong */
    if (WIFEXITED(status) && WEXITSTATUS(status) == CHILD_ENOSYS)
        ck_abort_msg("not implemented yet: tcp_poll_serve() returned -1 with ENOSYS");
    if (WIFEXITED(status) && WEXITSTATUS(status) == CHILD_EINTR)
        ck_abort_msg("tcp_poll_serve() returned -1 with EINTR: a signal interrupted poll(); "
                     "poll again instead of giving up");
    ck_abort_msg("tcp_poll_serve ended early: the child %s", grade_describe_status(status));
}

/* Connects to the poll server, or reports why not. */
static int poll_client(const struct poll_server *server)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert(fd != -1);
    struct tcp_endpoint ep = loopback(AF_INET, server->port);
    if (connect(fd, (struct sockaddr *)&ep.addr, ep.len) == -1) {
        int err = errno;
        close(fd);
        check_server_end(server);
        ck_abort_msg("could not connect to the poll server: %s", strerror(err));
    }
    return fd;
}

/* Sends to the poll server; a failure may mean the server is gone. */
static void send_to_server(const struct poll_server *server, int fd, const char *msg, size_t len)
{
    if (send(fd, msg, len, MSG_NOSIGNAL) != (ssize_t)len) {
        int err = errno;
        check_server_end(server);
        ck_abort_msg("sending to the poll server failed: %s", strerror(err));
    }
}

/* Reads len bytes of echo within timeout_ms; returns what arrived. */
static size_t read_echo(int fd, char *buf, size_t len, int timeout_ms)
{
    size_t got = 0;
    while (got < len) {
        if (!(wait_for(fd, POLLIN, timeout_ms) & (POLLIN | POLLHUP | POLLERR)))
            break;
        ssize_t n = recv(fd, buf + got, len - got, 0);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    return got;
}

enum { POLL_CLIENTS = 50 };

START_TEST(step06_poll_server_serves_50_clients_at_once)
{
    struct poll_server server = start_poll_server(POLL_CLIENTS, NO_SIGNALS);
    int fds[POLL_CLIENTS];
    /* Every client connects and speaks before any reply is read. */
    for (int i = 0; i < POLL_CLIENTS; i++)
        fds[i] = poll_client(&server);
    for (int i = 0; i < POLL_CLIENTS; i++) {
        char msg[32];
        int len = snprintf(msg, sizeof msg, "client %02d says hi", i);
        send_to_server(&server, fds[i], msg, (size_t)len);
    }
    /* Last first: a server that serves one client until it leaves never gets here. */
    int missing = -1;
    for (int i = POLL_CLIENTS - 1; i >= 0 && missing == -1; i--) {
        char msg[32], back[32];
        int len = snprintf(msg, sizeof msg, "client %02d says hi", i);
        if (read_echo(fds[i], back, (size_t)len, 5000) != (size_t)len ||
            memcmp(back, msg, (size_t)len) != 0)
            missing = i;
    }
    /* One by one, each client half-closes, and the server must close its
     * side in turn, while the other clients keep it running. */
    int not_closed = -1;
    for (int i = 0; i < POLL_CLIENTS && missing == -1 && not_closed == -1; i++) {
        char rest[8];
        int end;
        shutdown(fds[i], SHUT_WR);
        raw_read_all(fds[i], rest, sizeof rest, 5000, &end);
        if (end != 1)
            not_closed = i;
    }
    for (int i = 0; i < POLL_CLIENTS; i++)
        close(fds[i]);
    if (missing != -1 || not_closed != -1) {
        check_server_end(&server);
        ck_assert_msg(missing == -1,
                      "client %d got no echo while all %d clients were connected: the server "
                      "must poll() the listening socket and every client together",
                      missing, POLL_CLIENTS);
        ck_abort_msg("client %d closed its side but the server never closed its own: close a "
                     "client (tcp_close) once recv() returns 0",
                     not_closed);
    }
    expect_child_ok(server.pid, 5000, "tcp_poll_serve(listener, 50)");
}
END_TEST
GRADE_EXPORT(step06_poll_server_serves_50_clients_at_once)

START_TEST(step06_poll_server_goes_on_after_signals)
{
    struct poll_server server = start_poll_server(2, SIGNAL_EVERY_10_MS);
    for (int i = 0; i < 2; i++) {
        clock_sleep_ms(100); /* the server waits in poll() meanwhile, and signals arrive */
        int fd = poll_client(&server);
        send_to_server(&server, fd, "still there?", 12);
        char back[12];
        size_t got = read_echo(fd, back, sizeof back, 5000);
        close(fd);
        if (got != sizeof back) {
            check_server_end(&server);
            ck_abort_msg("client %d got no echo: with a signal every 10 ms, poll() fails with "
                         "EINTR; tcp_poll_serve must poll again, not return",
                         i + 1);
        }
    }
    expect_child_ok(server.pid, 5000, "tcp_poll_serve(listener, 2) with a signal every 10 ms");
}
END_TEST
GRADE_EXPORT(step06_poll_server_goes_on_after_signals)

START_TEST(step06_poll_server_survives_a_client_reset)
{
    struct poll_server server = start_poll_server(3, NO_SIGNALS);
    char back[8];
    int a = poll_client(&server);
    send_to_server(&server, a, "a1", 2);
    size_t got_a1 = read_echo(a, back, 2, 5000);
    if (got_a1 != 2)
        check_server_end(&server);
    int b = poll_client(&server);
    send_to_server(&server, b, "b1", 2);
    size_t got_b1 = read_echo(b, back, 2, 5000);
    raw_abort(b); /* RST: the server's recv() on it fails with ECONNRESET */
    clock_sleep_ms(50);
    size_t got_a2 = send(a, "a2", 2, MSG_NOSIGNAL) == 2 ? read_echo(a, back, 2, 5000) : 0;
    int c = socket(AF_INET, SOCK_STREAM, 0);
    struct tcp_endpoint ep = loopback(AF_INET, server.port);
    int c_ok = c != -1 && connect(c, (struct sockaddr *)&ep.addr, ep.len) == 0 &&
               send(c, "c1", 2, MSG_NOSIGNAL) == 2 && read_echo(c, back, 2, 5000) == 2;
    close(a);
    if (c != -1)
        close(c);
    if (got_a1 != 2 || got_b1 != 2 || got_a2 != 2 || !c_ok) {
        int status = wait_child_and_student(server.pid, 2000);
        if (status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == CHILD_ENOSYS)
            ck_abort_msg("not implemented yet: tcp_poll_serve() returned -1 with ENOSYS");
        ck_assert_msg(got_a1 == 2 && got_b1 == 2, "the poll server did not echo to two clients");
        ck_abort_msg("after one client was reset (RST), the server stopped serving the others "
                     "(it %s); a client's error must end that client only",
                     status == -1 ? "hung" : grade_describe_status(status));
    }
    expect_child_ok(server.pid, 5000, "tcp_poll_serve(listener, 3)");
}
END_TEST
GRADE_EXPORT(step06_poll_server_survives_a_client_reset)

/* A client that sends and never reads its echo fills its socket buffers;
 * a server that then blocks in send() on it would stall everyone. */
START_TEST(step06_poll_server_is_not_stalled_by_a_client_that_never_reads)
{
    int port;
    int listener = raw_listener(&port);
    /* Small buffers on both sides (accepted sockets inherit the listener's
     * SO_SNDBUF): poll() then reports POLLOUT with less room than an echo
     * needs, so a send() without MSG_DONTWAIT would block on the deaf client. */
    int small = 4096;
    ck_assert(setsockopt(listener, SOL_SOCKET, SO_SNDBUF, &small, sizeof small) == 0);
    struct poll_server server = start_poll_server_on(listener, port, 2, NO_SIGNALS);
    int deaf = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert(deaf != -1);
    ck_assert(setsockopt(deaf, SOL_SOCKET, SO_RCVBUF, &small, sizeof small) == 0);
    struct tcp_endpoint ep = loopback(AF_INET, server.port);
    if (connect(deaf, (struct sockaddr *)&ep.addr, ep.len) == -1) {
        close(deaf);
        check_server_end(&server);
        ck_abort_msg("could not connect to the poll server: %s", strerror(errno));
    }
    /* About 8 MiB, more than both directions' buffers hold, never read back. */
    static char chunk[64 * 1024];
    memset(chunk, 'z', sizeof chunk);
    size_t pushed = 0;
    for (int i = 0; i < 128; i++) {
        if (!(wait_for(deaf, POLLOUT, 200) & POLLOUT))
            break; /* full both ways: the server stopped reading it */
        ssize_t n = send(deaf, chunk, sizeof chunk, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n <= 0)
            break;
        pushed += (size_t)n;
    }
    int good = poll_client(&server);
    send_to_server(&server, good, "still there?", 12);
    char back[12];
    size_t got = read_echo(good, back, sizeof back, grade_timeout_ms(1000));
    /* Where the student's process that serves sleeps, before the clients go. */
    const char *asleep_in = grade_blocked_call(boundary_student_of(server.pid));
    close(deaf);
    if (got != sizeof back || memcmp(back, "still there?", sizeof back) != 0) {
        close(good);
        /* Both clients are gone now, so a server that ends is no news; only
         * the skeleton's answer is. */
        int status = wait_child_and_student(server.pid, 1000);
        if (status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == CHILD_ENOSYS)
            ck_abort_msg("not implemented yet: tcp_poll_serve() returned -1 with ENOSYS");
        ck_abort_msg("after one client sent %zu bytes and read none of its echo, another client "
                     "got %zu of its 12 bytes back within 1 s%s%s: never block on one client; "
                     "send with MSG_DONTWAIT, keep what is left in that client's buffer, and "
                     "poll() it for POLLOUT instead of POLLIN until the buffer is empty",
                     pushed, got, asleep_in ? "; the server was asleep in " : "",
                     asleep_in ? asleep_in : "");
    }
    close(good);
    expect_child_ok(server.pid, 5000, "tcp_poll_serve(listener, 2)");
}
END_TEST
GRADE_EXPORT(step06_poll_server_is_not_stalled_by_a_client_that_never_reads)
