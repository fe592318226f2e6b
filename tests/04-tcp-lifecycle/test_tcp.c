/*
 * test_tcp.c - the graded tests of lab 04 (the TCP socket lifecycle).
 *
 * One or more tests per numbered step of tcp_lab.h, named stepNN_..., plus
 * the trace (the TCP state after each step), tools (nc, socat) and the
 * programs. The other end of each connection is made by the test itself with
 * plain system calls (raw_*), so a step is graded on its own. Only loopback
 * addresses and ports chosen by the kernel (port 0) are used, so graders can
 * run side by side. The table at the bottom is the only place points are set;
 * the steps' tests are in test_tcp_setup.c (1-4), test_tcp_data.c (5-6) and
 * test_tcp_teardown.c (7-13), their helpers in tcp_helpers.c.
 *
 * The tests run across the call boundary (tests/grader/boundary.h): the
 * lab's functions run in the student's process, and this one judges from
 * its own copy of every socket (states, flags, owners), the descriptors
 * the student's process still holds (/proc), and the data it made itself.
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

/* ---- the trace: every step and its TCP state ------------------------------------------- */

/* The first `call` on fd (any when fd < 0) with result ret (any result when ret < -1). */
static const struct trace_event *step_for(const struct traced *t, const char *call, int fd,
                                          long ret)
{
    for (size_t i = 0; i < t->log.count; i++) {
        const struct trace_event *s = &t->log.steps[i];
        if (trace_call_is(s->call, call) && (fd < 0 || s->fd == fd) && (ret < -1 || s->ret == ret))
            return s;
    }
    return NULL;
}

/* The call's TCP states, as tcp_watch_end() gave them: before (NULL: any) and
 * after, which need only start with `after` ("FIN_WAIT": FIN_WAIT1 or 2). */
static void expect_states(const struct traced *t, const char *call, int fd, long ret,
                          const char *before, const char *after)
{
    const struct trace_event *s = step_for(t, call, fd, ret);
    ck_assert_msg(s != NULL, "the trace has no %s(fd=%d ...) line", call, fd);
    bool same = (before == NULL || strcmp(s->state_before, before) == 0) &&
                strncmp(s->state_after, after, strlen(after)) == 0;
    ck_assert_msg(same,
                  "%s(fd=%d ...) must carry the note \"state %s -> %s...\" from tcp_watch_end(); "
                  "it has \"%s\"",
                  call, fd, before ? before : "...", after, s->note);
}

START_TEST(trace_shows_each_step_and_its_tcp_state)
{
    trace_begin();
    int server = tcp_open_server("127.0.0.1", "0", 4);
    int err = errno;
    char port[8] = "0";
    if (server >= 0)
        snprintf(port, sizeof port, "%d", port_of(server));
    int client = server >= 0 ? tcp_open_client("127.0.0.1", port, 2000) : -1;
    int conn = client >= 0 ? tcp_accept(server, NULL) : -1;
    char buf[8];
    int ok = conn >= 0 && tcp_send_all(client, "ping", 4) == 4 &&
             tcp_recv_exact(conn, buf, 4) == 4 && tcp_shutdown_write(client) == 0 &&
             tcp_recv_exact(conn, buf, 4) == 0 && tcp_close(conn) == 0 &&
             tcp_wait_peer_close(client, 2000) == 0 && tcp_close(client) == 0 &&
             tcp_close(server) == 0;
    if (!ok)
        err = errno;
    struct traced t;
    trace_finish(&t);
    if (!ok) {
        traced_free(&t);
        grade_require_impl(-1, err, "a step");
        ck_abort_msg("a step of the lifecycle failed: %s", strerror(err));
    }
    require_trace(&t);

    /* Every call the lab made names its step, and every call on a socket its fd and state. */
    for (size_t i = 0; i < t.log.count; i++) {
        const struct trace_event *s = &t.log.steps[i];
        if (s->call[0] == '\0')
            continue; /* a narration line */
        ck_assert_msg(s->step > 0,
                      "trace line %zu, %s(%s), does not say its step; end the args with "
                      "\" [step N]\"",
                      i, s->call, s->args);
        if (strcmp(s->call, "getaddrinfo") == 0)
            continue;
        ck_assert_msg(s->state_after[0] != '\0',
                      "trace line %zu, %s(%s), has no TCP state note; use trace_call_note() "
                      "with tcp_watch_end()",
                      i, s->call, s->args);
        if (strcmp(s->call, "socket") != 0)
            ck_assert_msg(s->fd >= 0, "trace line %zu, %s(%s), must start its args with fd=N", i,
                          s->call, s->args);
    }
    struct {
        const char *call;
        int step;
    } steps[] = {
        {"socket", 1}, {"bind", 2}, {"listen", 4},   {"connect", 3},
        {"accept", 4}, {"send", 5}, {"shutdown", 9}, {"close", 13},
    };
    for (size_t k = 0; k < sizeof steps / sizeof steps[0]; k++) {
        bool found = false;
        for (long at = 0; !found && (at = trace_log_find(&t.log, at, NULL, steps[k].call)) >= 0;
             at++)
            found = t.log.steps[at].step == steps[k].step;
        ck_assert_msg(found, "the trace has no %s(... [step %d]) line", steps[k].call,
                      steps[k].step);
    }
    expect_states(&t, "socket", -1, -2, "-", "CLOSED");
    expect_states(&t, "listen", server, -2, "CLOSED", "LISTEN");
    expect_states(&t, "accept", server, -2, NULL, "ESTABLISHED");
    expect_states(&t, "shutdown", client, -2, "ESTABLISHED", "FIN_WAIT");
    expect_states(&t, "recv", conn, 0, NULL, "CLOSE_WAIT");
    expect_states(&t, "close", client, -2, "TIME_WAIT", "TIME_WAIT");
    traced_free(&t);
}
END_TEST

/* ---- standard tools: nc and socat ------------------------------------------------------- */

/* True when an executable named name is on $PATH. */
static int on_path(const char *name)
{
    const char *path = getenv("PATH");
    char dir[1024];
    while (path && *path) {
        size_t len = strcspn(path, ":");
        snprintf(dir, sizeof dir, "%.*s/%s", (int)len, path, name);
        if (access(dir, X_OK) == 0)
            return 1;
        path += len + (path[len] == ':');
    }
    return 0;
}

/* Runs argv with "hello\n" on its stdin; our server (the lab) answers; checks the tool's output. */
static void talk_with_tool(int listener, char *const argv[])
{
    int in[2], out[2];
    ck_assert(pipe(in) == 0 && pipe(out) == 0);
    pid_t pid = fork();
    ck_assert(pid != -1);
    if (pid == 0) {
        dup2(in[0], STDIN_FILENO);
        dup2(out[1], STDOUT_FILENO);
        dup2(out[1], STDERR_FILENO);
        for (int fd = 3; fd < 1024; fd++)
            close(fd); /* the tool must hold no copy of our sockets */
        execvp(argv[0], argv);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    ck_assert(write(in[1], "hello\n", 6) == 6);
    close(in[1]); /* the tool's standard input ends here */
    int conn = tcp_accept(listener, NULL);
    char line[8] = "";
    ssize_t got = conn >= 0 ? tcp_recv_exact(conn, line, 6) : -1;
    const char reply[] = "HELLO FROM IPC-KIT\n";
    ssize_t sent = got == 6 ? tcp_send_all(conn, reply, strlen(reply)) : -1;
    if (conn >= 0)
        tcp_close_gracefully(conn, 3000);
    char output[512];
    read_pipe(out[0], output, sizeof output, 5000, 0);
    close(out[0]);
    int status = grade_wait_child(pid, 5000);
    ck_assert_msg(conn >= 0, "%s could not connect: tcp_accept failed", argv[0]);
    ck_assert_msg(got == 6 && memcmp(line, "hello\n", 6) == 0,
                  "the server did not receive \"hello\\n\" from %s", argv[0]);
    ck_assert_msg(sent == (ssize_t)strlen(reply), "sending the reply to %s failed", argv[0]);
    ck_assert_msg(strstr(output, "HELLO FROM IPC-KIT") != NULL,
                  "%s did not print the server's reply; it printed \"%s\"", argv[0], output);
    ck_assert_msg(status != -1, "%s did not exit after the server closed", argv[0]);
}

START_TEST(works_with_nc_and_socat)
{
    char port[PORT_TEXT_MAX];
    int listener = lab_listener(4, port);
    char address[64];
    snprintf(address, sizeof address, "TCP:127.0.0.1:%s", port);
    /* Each tool that is there is tried; a missing one fails the test (no
     * points for what was not checked), with what to do about it. */
    char missing[64] = "";
    if (on_path("nc")) {
        char *argv[] = {"nc", "127.0.0.1", port, NULL};
        talk_with_tool(listener, argv);
    } else {
        strcat(missing, "nc");
    }
    if (on_path("socat")) {
        char *argv[] = {"socat", "-t", "5", "-", address, NULL};
        talk_with_tool(listener, argv);
    } else {
        strcat(missing, missing[0] ? " and socat" : "socat");
    }
    fflush(stdout);
    close(listener);
    if (missing[0] != '\0')
        grade_unavailable("install %s (make deps)", missing);
}
END_TEST

/* ---- the scenarios and the programs
 * ------------------------------------------------------------------------- */

/* The directory of this test binary, where the lab's programs are built. */
static int program_path(const char *name, char *buf, size_t size)
{
    char self[1024];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0)
        return -1;
    self[n] = '\0';
    char *slash = strrchr(self, '/');
    if (slash == NULL)
        return -1;
    *slash = '\0';
    snprintf(buf, size, "%s/%s", self, name);
    return access(buf, X_OK);
}

/* Runs a program with argv; captures stdout and stderr into out; returns the wait status. */
static int run_program(char *const argv[], char *out, size_t size)
{
    int fds[2];
    ck_assert(pipe(fds) == 0);
    pid_t pid = fork();
    ck_assert(pid != -1);
    if (pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        dup2(fds[1], STDERR_FILENO);
        for (int fd = 3; fd < 1024; fd++)
            close(fd);
        setenv("RES_OPTIONS", "timeout:1 attempts:1", 1); /* a slow DNS must not hang us */
        if (boundary_become_student() == -1)              /* the program is the student's code */
            _exit(126);
        execv(argv[0], argv);
        _exit(127);
    }
    close(fds[1]);
    read_pipe(fds[0], out, size, 10000, 0);
    close(fds[0]);
    int status = grade_wait_child(pid, 10000);
    ck_assert_msg(status != -1, "%s hung", argv[0]);
    return status;
}

static void expect_usage_error(char *const argv[], const char *mentions)
{
    char out[2048];
    int status = run_program(argv, out, sizeof out);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 2 && strstr(out, mentions),
                  "%s %s%s: bad input must give a clear message (naming \"%s\") and exit 2; it "
                  "%s and said \"%s\"",
                  argv[0], argv[1] ? argv[1] : "", argv[1] && argv[2] ? " ..." : "", mentions,
                  grade_describe_status(status), out);
}

/* How a child that ran lab code ended: OK, or why not. */
static int child_result(int rc)
{
    if (rc == 0)
        return CHILD_OK;
    return errno == ENOSYS ? CHILD_ENOSYS : CHILD_FAILED;
}

/*
 * Plays one mode of tcp_scenario.h, as tcp_server and tcp_client do: the
 * server side in one child, the client side in another, whose stdout (what
 * it received) must contain `expect`.
 */
static void play(int listener, const char *port, enum tcp_mode mode, const char *expect)
{
    pid_t server = fork();
    ck_assert(server != -1);
    if (server == 0) {
        int conn = tcp_accept(listener, NULL);
        _exit(child_result(conn == -1 ? -1 : tcp_scenario_serve(conn, mode, 3000)));
    }
    pid_t server_student = boundary_student_of(server);
    int out[2];
    ck_assert(pipe(out) == 0);
    pid_t client = fork();
    ck_assert(client != -1);
    if (client == 0) {
        /* The client side prints what it received: its student process's
         * standard output goes to the pipe during the call. */
        close(listener);
        close(out[0]);
        int fd = tcp_open_client("127.0.0.1", port, 3000);
        _exit(child_result(fd == -1 ? -1
                                    : tcp_side_scenario_client(out[1], fd, mode, "hello", 3000)));
    }
    close(out[1]);
    char text[1024];
    read_pipe(out[0], text, sizeof text, 5000, 0);
    close(out[0]);
    int client_status = wait_child_and_student(client, 5000);
    int server_status = grade_wait_child(server, 5000);
    if (server_status == -1 && server_student > 0)
        kill(server_student, SIGKILL); /* still inside tcp_scenario_serve() */
    const char *name = tcp_mode_name(mode);
    if ((WIFEXITED(client_status) && WEXITSTATUS(client_status) == CHILD_ENOSYS) ||
        (WIFEXITED(server_status) && WEXITSTATUS(server_status) == CHILD_ENOSYS))
        ck_abort_msg("not implemented yet: a step of the %s scenario returned -1 with ENOSYS",
                     name);
    ck_assert_msg(server_status != -1 && WIFEXITED(server_status) &&
                      WEXITSTATUS(server_status) == CHILD_OK,
                  "mode %s: the server side (tcp_scenario_serve with your steps) failed; run "
                  "tcp_server -m %s with tcp_client and read the trace",
                  name, name);
    /* Say which of the two went wrong: the output, or how the client ended. */
    ck_assert_msg(strstr(text, expect) != NULL,
                  "mode %s: the client did not print \"%s\"; it printed \"%s\"", name, expect,
                  text);
    ck_assert_msg(client_status != -1,
                  "mode %s: the client printed \"%s\" but did not finish within 5 s: it waits for "
                  "the server's FIN (recv() = 0) that never came; does the server end with "
                  "shutdown(SHUT_WR) (tcp_close_gracefully)?",
                  name, expect);
    ck_assert_msg(WIFEXITED(client_status) && WEXITSTATUS(client_status) == CHILD_OK,
                  "mode %s: the client printed \"%s\" but then failed (it %s): a step of its "
                  "ending (shutdown, the wait for the peer's FIN, close) returned -1; run "
                  "tcp_server -m %s with tcp_client and read the trace",
                  name, expect, grade_describe_status(client_status), name);
}

START_TEST(scenarios_and_programs_play_every_mode)
{
    char port[PORT_TEXT_MAX];
    int listener = lab_listener(8, port);
    play(listener, port, TCP_MODE_ECHO, "echo: hello");
    play(listener, port, TCP_MODE_HALFCLOSE, "received 5 bytes (\"hello\")");
    play(listener, port, TCP_MODE_OOB,
         "before the mark \"hello\", urgent byte '!' (SIGURG seen 1 time), after the mark");
    play(listener, port, TCP_MODE_ABORT, "ECONNRESET");
    close(listener);

    /* The programs themselves: make grade builds them next to this test. A part
     * that cannot run is a grader error, never a silent pass nor the student's loss. */
    char server[1100], client[1100];
    if (program_path("tcp_server", server, sizeof server) != 0 ||
        program_path("tcp_client", client, sizeof client) != 0)
        grade_unavailable("tcp_server/tcp_client are not built next to this test "
                          "(make grade builds them; by hand: make programs)");
    expect_usage_error((char *[]){server, "-p", "99999", NULL}, "port");
    expect_usage_error((char *[]){server, "-m", "bogus", NULL}, "mode");
    expect_usage_error((char *[]){client, "127.0.0.1", NULL}, "PORT");
    expect_usage_error((char *[]){client, "127.0.0.1", "99999", NULL}, "port");
    expect_usage_error((char *[]){client, "no-such-host.invalid", "80", NULL}, "unknown host");
    char out[4096];
    int status = run_program((char *[]){client, "-h", NULL}, out, sizeof out);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0 && strstr(out, "usage"),
                  "tcp_client -h must print the usage and exit 0");

    /* The server prints its port for scripts; the client plays halfclose with it. */
    int fds[2];
    ck_assert(pipe(fds) == 0);
    pid_t pid = fork();
    ck_assert(pid != -1);
    if (pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        for (int fd = 3; fd < 1024; fd++)
            close(fd);
        setenv("IPC_TRACE", "off", 1);
        if (boundary_become_student() == -1) /* the program is the student's code */
            _exit(126);
        execl(server, server, "-m", "halfclose", NULL);
        _exit(127);
    }
    close(fds[1]);
    char line[64] = "";
    read_pipe(fds[0], line, sizeof line, 5000, 1);
    close(fds[0]);
    int chosen = 0;
    if (sscanf(line, "port %d", &chosen) != 1) {
        kill(pid, SIGKILL);
        grade_wait_child(pid, 5000);
        ck_abort_msg("tcp_server must print \"port N\" as its first line; it printed \"%s\"", line);
    }
    char port_text[8];
    snprintf(port_text, sizeof port_text, "%d", chosen);
    status = run_program((char *[]){client, "-m", "halfclose", "127.0.0.1", port_text, NULL}, out,
                         sizeof out);
    int server_status = grade_wait_child(pid, 5000);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0 && strstr(out, "received 10"),
                  "tcp_client -m halfclose %s: expected the server's reply; it %s and said "
                  "\"%s\"",
                  port_text, grade_describe_status(status), out);
    ck_assert_msg(server_status != -1 && WIFEXITED(server_status) &&
                      WEXITSTATUS(server_status) == 0,
                  "tcp_server -m halfclose should serve one client and exit 0");
}
END_TEST

int main(int argc, char **argv)
{
    const struct grade_test tests[] = {
        {"step01_socket_creates_a_tcp_stream_socket",
         step01_socket_creates_a_tcp_stream_socket_test(), 3, 5,
         "tcp_socket() in tcp_setup.c: socket(family, SOCK_STREAM, IPPROTO_TCP)"},
        {"step01_socket_reports_eafnosupport", step01_socket_reports_eafnosupport_test(), 2, 5,
         "tcp_socket(): return socket()'s -1 and keep its errno"},
        {"step02_resolve_handles_ipv4_ipv6_and_bad_ports",
         step02_resolve_handles_ipv4_ipv6_and_bad_ports_test(), 3, 10,
         "tcp_resolve(): check the port is a number up to 65535, then getaddrinfo() with "
         "AF_UNSPEC, SOCK_STREAM and AI_NUMERICSERV"},
        {"step02_open_server_binds_the_address_it_is_given",
         step02_open_server_binds_the_address_it_is_given_test(), 2, 5,
         "tcp_open_server(): resolve host (passive) and bind each endpoint it gives, as it is"},
        {"step02_bind_port_0_and_getsockname_report_the_chosen_port",
         step02_bind_port_0_and_getsockname_report_the_chosen_port_test(), 3, 5,
         "tcp_bind(): setsockopt(SO_REUSEADDR) then bind(); tcp_local_port(): getsockname()"},
        {"step02_ipv6_loopback_round_trip", step02_ipv6_loopback_round_trip_test(), 2, 10,
         "tcp_open_server()/tcp_open_client(): use each endpoint's own family for socket()"},
        {"step03_connect_reaches_a_listener", step03_connect_reaches_a_listener_test(), 3, 10,
         "tcp_connect(): O_NONBLOCK, connect(), poll(POLLOUT), getsockopt(SO_ERROR), restore the "
         "flags"},
        {"step03_connect_to_a_closed_port_gives_econnrefused",
         step03_connect_to_a_closed_port_gives_econnrefused_test(), 3, 10,
         "tcp_connect(): the handshake's outcome is in getsockopt(SO_ERROR); put it in errno. "
         "tcp_open_client(): close the failed socket"},
        {"step03_connect_times_out_with_etimedout", step03_connect_times_out_with_etimedout_test(),
         3, 15, "tcp_connect(): poll() returning 0 means no answer within the timeout: ETIMEDOUT"},
        {"step04_listen_then_accept_reports_the_peer",
         step04_listen_then_accept_reports_the_peer_test(), 3, 10,
         "tcp_open_server(): socket, bind, listen; tcp_accept(): accept(), then getpeername()"},
        {"step04_accept_retries_after_a_signal", step04_accept_retries_after_a_signal_test(), 3, 10,
         "tcp_accept(): loop while accept() fails with EINTR or ECONNABORTED"},
        {"step04_open_helpers_try_each_endpoint_and_leak_nothing",
         step04_open_helpers_try_each_endpoint_and_leak_nothing_test(), 2, 10,
         "tcp_open_server()/tcp_open_client(): try each endpoint; close the socket of each one "
         "that failed"},
        {"step05_send_all_loops_on_short_sends_and_eintr",
         step05_send_all_loops_on_short_sends_and_eintr_test(), 3, 10,
         "tcp_send_all() in tcp_data.c: send() may take fewer bytes; advance and loop; retry "
         "EINTR"},
        {"step05_recv_exact_loops_and_stops_at_end_of_stream",
         step05_recv_exact_loops_and_stops_at_end_of_stream_test(), 3, 10,
         "tcp_recv_exact(): loop until len bytes; recv() = 0 is the end of the stream"},
        {"step05_frames_keep_message_boundaries", step05_frames_keep_message_boundaries_test(), 3,
         15,
         "tcp_send_frame()/tcp_recv_frame(): a 4-byte length in network byte order (htonl), "
         "then the bytes"},
        {"step05_a_small_frame_leaves_in_one_call", step05_a_small_frame_leaves_in_one_call_test(),
         2, 5, "tcp_send_frame(): header and body in one buffer, one tcp_send_all()"},
        {"step05_frames_refuse_bad_lengths", step05_frames_refuse_bad_lengths_test(), 3, 10,
         "tcp_recv_frame(): check the announced length against TCP_FRAME_MAX and cap before "
         "reading; EPROTO for a stream that ends inside a frame"},
        {"step06_poll_server_serves_50_clients_at_once",
         step06_poll_server_serves_50_clients_at_once_test(), 6, 30,
         "tcp_poll_serve() in tcp_poll_server.c: one poll() over the listening socket and all "
         "clients; act only on the ready ones"},
        {"step06_poll_server_goes_on_after_signals",
         step06_poll_server_goes_on_after_signals_test(), 2, 10,
         "tcp_poll_serve(): poll() fails with EINTR when a signal arrives; poll again"},
        {"step06_poll_server_survives_a_client_reset",
         step06_poll_server_survives_a_client_reset_test(), 4, 20,
         "tcp_poll_serve(): a recv() error (ECONNRESET) ends that client, not the server"},
        {"step06_poll_server_is_not_stalled_by_a_client_that_never_reads",
         step06_poll_server_is_not_stalled_by_a_client_that_never_reads_test(), 4, 20,
         "tcp_poll_serve(): recv/send with MSG_DONTWAIT, a buffer per client, POLLOUT while an "
         "echo waits; never block on one client"},
        {"step07_send_urgent_marks_one_byte_urgent",
         step07_send_urgent_marks_one_byte_urgent_test(), 3, 10,
         "tcp_send_urgent(): send(fd, &byte, 1, MSG_OOB)"},
        {"step08_urgent_byte_arrives_as_urgent", step08_urgent_byte_arrives_as_urgent_test(), 4, 10,
         "tcp_recv_urgent(): poll() for POLLPRI, then recv(MSG_OOB); tcp_recv_to_mark(): "
         "recv() until sockatmark() returns 1"},
        {"step08_sigurg_reaches_the_owner", step08_sigurg_reaches_the_owner_test(), 2, 10,
         "tcp_urgent_owner(): fcntl(fd, F_SETOWN, getpid())"},
        {"step09_half_close_peer_reads_eof_then_replies",
         step09_half_close_peer_reads_eof_then_replies_test(), 4, 10,
         "tcp_shutdown_write() in tcp_teardown.c: shutdown(fd, SHUT_WR), not close()"},
        {"step09_graceful_close_shuts_down_before_close",
         step09_graceful_close_shuts_down_before_close_test(), 4, 10,
         "tcp_close_gracefully(): tcp_shutdown_write, tcp_wait_peer_close, tcp_close, in that "
         "order"},
        {"step10_wait_peer_close_sees_eof_timeout_and_reset",
         step10_wait_peer_close_sees_eof_timeout_and_reset_test(), 3, 10,
         "tcp_wait_peer_close(): poll() with the time left, recv() until it returns 0"},
        {"step10_send_after_remote_close_gives_epipe_not_sigpipe",
         step10_send_after_remote_close_gives_epipe_not_sigpipe_test(), 4, 10,
         "tcp_send_all(): send(..., MSG_NOSIGNAL) so a closed peer is EPIPE, not SIGPIPE"},
        {"step10_reset_connection_gives_econnreset",
         step10_reset_connection_gives_econnreset_test(), 2, 10,
         "tcp_recv_exact(): return -1 with recv()'s errno"},
        {"step11_abort_sends_rst_without_shutdown", step11_abort_sends_rst_without_shutdown_test(),
         3, 10, "tcp_abort(): setsockopt(SO_LINGER, {1, 0}), then close(); no shutdown()"},
        {"step12_eaddrinuse_message_names_errno_and_hint",
         step12_eaddrinuse_message_names_errno_and_hint_test(), 3, 10,
         "tcp_describe_error(): \"what: ENAME (text)\\n  hint: ...\"; the EADDRINUSE hint names "
         "port 0 and SO_REUSEADDR"},
        {"step12_each_lab_error_has_its_own_hint", step12_each_lab_error_has_its_own_hint_test(), 2,
         5, "tcp_describe_error(): one hint per errno of the lab; return snprintf()'s result"},
        {"step12_calls_in_the_wrong_state_give_einval",
         step12_calls_in_the_wrong_state_give_einval_test(), 2, 10,
         "tcp_accept()/tcp_bind()/tcp_listen(): return the system call's -1 and errno"},
        {"step13_the_side_that_closes_first_enters_time_wait",
         step13_the_side_that_closes_first_enters_time_wait_test(), 4, 15,
         "tcp_close(): close() once; the graceful path sends FIN, so the first closer keeps "
         "TIME_WAIT"},
        {"trace_shows_each_step_and_its_tcp_state", trace_shows_each_step_and_its_tcp_state, 4, 10,
         "every call: tcp_watch_begin(), the call, trace_call_note(call, rc, "
         "tcp_watch_end(), \"fd=%d, ... [step N]\")"},
        {"works_with_nc_and_socat", works_with_nc_and_socat, 2, 20,
         "tcp_accept()/tcp_recv_exact()/tcp_send_all(): plain TCP, no framing, works with "
         "any client"},
        {"scenarios_and_programs_play_every_mode", scenarios_and_programs_play_every_mode, 4, 30,
         "the modes of tcp_scenario.c (echo, halfclose, oob, abort) use only your steps: play "
         "the failing one with tcp_server and tcp_client and read the trace"},
    };
    return grade_main(argc, argv, "04-tcp-lifecycle", tests, GRADE_COUNT(tests));
}
