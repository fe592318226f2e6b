/*
 * tcp_demo - a traced tour of lab 04: the TCP socket lifecycle, all 13 steps.
 *
 * usage: tcp_demo [-p PART]
 *
 * Plays each scenario of tcp_scenario.h between a server (a child process)
 * and a client (this process) on 127.0.0.1 with a port the kernel picks,
 * then shows the poll() server with several clients at once, then provokes
 * the errors of step 12 one by one and explains them. Every call appears in
 * the trace with the TCP state it leads to (IPC_TRACE=text by default;
 * IPC_STEP=1 pauses at each narrated step on a terminal). -p plays one part
 * only. Exits 0 when every part behaved as TCP says it should.
 *
 * Each process plays one role, so that a trace, a chart or a live view can
 * give each its own lane: the child "server" listens, accepts and serves for
 * the whole tour; this process is the "client"; the ETIMEDOUT example's full
 * listener is a short-lived "server" of its own.
 *
 * See also: tcp_server, tcp_client, labs/04-tcp-lifecycle/README.md.
 */
#include <errno.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "clock.h"
#include "err.h"
#include "tcp_lab.h"
#include "tcp_scenario.h"
#include "tcp_state.h"
#include "trace.h"

static const struct cli_spec CLI = {
    .usage =
        "usage: tcp_demo [-p PART]\n"
        "A traced tour of the TCP socket lifecycle (lab 04): echo, half-close, urgent data,\n"
        "abort, a poll() server, then the errors ECONNREFUSED, ETIMEDOUT, EADDRINUSE, EINVAL,\n"
        "EAFNOSUPPORT and EPIPE, explained.\n",
    .options =
        {
            {'p', "part", "PART",
             "play one part only: echo, halfclose, oob, abort, poll or errors"},
        },
    .environment = TRACE_ENVIRONMENT_HELP,
    .more = "Examples:\n"
            "  tcp_demo\n"
            "  IPC_STEP=1 tcp_demo -p halfclose\n",
};

enum { TIMEOUT_MS = 5000, POLL_CLIENTS = 5 };

static const enum tcp_mode SCENARIOS[] = {TCP_MODE_ECHO, TCP_MODE_HALFCLOSE, TCP_MODE_OOB,
                                          TCP_MODE_ABORT};
#define SCENARIO_COUNT (sizeof SCENARIOS / sizeof SCENARIOS[0])

/* Waits for the server child; dies unless it exited 0. */
static void reap(pid_t pid, const char *what)
{
    int status;
    while (waitpid(pid, &status, 0) == -1) {
        if (errno != EINTR)
            die_errno("waitpid %s", what);
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        die("%s: the server child did not finish cleanly", what);
}

/* Prints step 12's explanation of err on stdout, for the error tour. */
static void explain(const char *what, int err)
{
    char text[1024];
    if (tcp_describe_error(text, sizeof text, what, err) < 0)
        die_errno("tcp_describe_error");
    printf("%s\n", text);
    fflush(stdout);
}

/* The client's endpoints of fd, to look the connection up after close(). */
static void endpoints_of(int fd, struct tcp_endpoint *local, struct tcp_endpoint *peer)
{
    local->len = sizeof local->addr;
    peer->len = sizeof peer->addr;
    if (getsockname(fd, (struct sockaddr *)&local->addr, &local->len) == -1 ||
        getpeername(fd, (struct sockaddr *)&peer->addr, &peer->len) == -1)
        die_errno("getsockname/getpeername");
}

/* The parts, for -p; "all" when none is chosen. */
static const char *const PARTS[] = {"echo", "halfclose", "oob", "abort", "poll", "errors", NULL};
static const char *chosen_part;

static bool playing(const char *part)
{
    return chosen_part == NULL || strcmp(chosen_part, part) == 0;
}

/* ---- the server: one child process for the whole tour -------------------- */

/*
 * Forks a server child, as fork() does: 0 in the child, its pid in this
 * process. The child is traced as "server" and must not outlive this
 * process: when the client dies, a server blocked in accept() would
 * otherwise wait for ever. (Linux only, as tcp_demo is: it forks.)
 */
static pid_t fork_server_child(void)
{
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == -1)
        die_errno("fork");
    if (pid == 0) {
        trace_set_role("server");
        if (prctl(PR_SET_PDEATHSIG, SIGTERM) == -1)
            die_errno_child("prctl(PR_SET_PDEATHSIG)");
        if (getppid() != parent) /* the parent died before the line above */
            _exit(1);
    }
    return pid;
}

/* Tells the parent the port through the pipe, as one line. */
static void tell_port(int fd, int port)
{
    char line[16];
    int n = snprintf(line, sizeof line, "%d\n", port);
    err_write_all(fd, line, (size_t)n);
    if (close(fd) == -1)
        die_errno_child("close the port pipe");
}

/* Reads the port a child told (up to its end of file) into port. */
static void read_port(int fd, char *port, size_t size)
{
    size_t used = 0;
    for (;;) {
        ssize_t n = read(fd, port + used, size - 1 - used);
        if (n == -1 && errno == EINTR)
            continue;
        if (n == -1)
            die_errno("read the server's port");
        if (n == 0 || (used += (size_t)n) == size - 1)
            break;
    }
    port[used] = '\0';
    port[strcspn(port, "\n")] = '\0';
    if (port[0] == '\0')
        die("the server child did not say its port (see its trace above)");
    if (close(fd) == -1)
        die_errno("close the port pipe");
}

/* The server's side of every part chosen, in the order the client plays them. */
static void serve_tour(int listen_fd)
{
    for (size_t i = 0; i < SCENARIO_COUNT; i++) {
        if (!playing(tcp_mode_name(SCENARIOS[i])))
            continue;
        int conn = tcp_accept(listen_fd, NULL);
        if (conn == -1 || tcp_scenario_serve(conn, SCENARIOS[i], TIMEOUT_MS) == -1)
            die_errno_child("server, %s", tcp_mode_name(SCENARIOS[i]));
    }
    if (playing("poll") && tcp_poll_serve(listen_fd, POLL_CLIENTS) != POLL_CLIENTS)
        die_errno_child("poll server");
    if (playing("errors")) {
        /* EPIPE: accept the client, then close at once, unread. */
        int conn = tcp_accept(listen_fd, NULL);
        if (conn == -1 || tcp_close(conn) == -1)
            die_errno_child("set up the EPIPE example");
    }
}

/* Starts the server child; returns its pid, with its port in port. */
static pid_t start_server(char *port, size_t size)
{
    int pipe_fds[2];
    if (pipe(pipe_fds) == -1)
        die_errno("pipe");
    pid_t pid = fork_server_child();
    if (pid == 0) {
        if (close(pipe_fds[0]) == -1)
            die_errno_child("close");
        int listen_fd = tcp_open_server("127.0.0.1", "0", 16);
        if (listen_fd == -1)
            die_errno_child("listen on 127.0.0.1");
        tell_port(pipe_fds[1], tcp_local_port(listen_fd));
        serve_tour(listen_fd);
        if (tcp_close(listen_fd) == -1)
            die_errno_child("close the listening socket");
        _exit(0);
    }
    if (close(pipe_fds[1]) == -1)
        die_errno("close");
    read_port(pipe_fds[0], port, size);
    return pid;
}

/* ---- the client: this process ------------------------------------------------ */

/* Parts 1 to 4: each scenario chosen, in order, against the server child. */
static void part_scenarios(const char *port)
{
    for (size_t i = 0; i < SCENARIO_COUNT; i++) {
        enum tcp_mode mode = SCENARIOS[i];
        if (!playing(tcp_mode_name(mode)))
            continue;
        trace_note("part %zu: %s", i + 1, tcp_mode_name(mode));
        int fd = tcp_open_client("127.0.0.1", port, TIMEOUT_MS);
        if (fd == -1)
            die_errno("connect to port %s", port);
        struct tcp_endpoint local, peer;
        endpoints_of(fd, &local, &peer);
        if (tcp_scenario_client(fd, mode, "hello, TCP", TIMEOUT_MS) == -1)
            die_errno("client, %s", tcp_mode_name(mode));
        if (mode == TCP_MODE_ECHO) {
            /* The client closed first, so its side holds the connection now. */
            int state = tcp_state_of_connection(&local, &peer);
            printf("after echo: the client closed first, so its connection is in %s: the kernel "
                   "keeps it 2 MSL (60 s on Linux) to catch late segments\n",
                   tcp_state_name(state));
            fflush(stdout);
        }
    }
}

/* Part 5: the poll() server, with every client connected before any is served. */
static void part_poll(const char *port)
{
    trace_note("part 5: one poll() server, %d clients at once", POLL_CLIENTS);
    int fds[POLL_CLIENTS];
    for (int i = 0; i < POLL_CLIENTS; i++) {
        fds[i] = tcp_open_client("127.0.0.1", port, TIMEOUT_MS);
        if (fds[i] == -1)
            die_errno("connect client %d", i);
    }
    /* Last connected, first answered: a one-at-a-time server would stall here. */
    for (int i = POLL_CLIENTS - 1; i >= 0; i--) {
        char msg[32], back[32];
        int len = snprintf(msg, sizeof msg, "client %d", i);
        if (tcp_send_all(fds[i], msg, (size_t)len) == -1 ||
            tcp_recv_exact(fds[i], back, (size_t)len) != len || memcmp(msg, back, (size_t)len))
            die_errno("poll echo for client %d", i);
    }
    for (int i = 0; i < POLL_CLIENTS; i++) {
        if (tcp_close_gracefully(fds[i], TIMEOUT_MS) == -1)
            die_errno("close client %d", i);
    }
    printf("poll: %d clients connected at once, answered last-first by one process\n",
           POLL_CLIENTS);
}

/* A port that is bound but not listening: a SYN to it is answered with RST. */
static void error_refused(void)
{
    struct tcp_endpoint ep;
    int holder = tcp_socket(AF_INET);
    if (holder == -1 || tcp_resolve("127.0.0.1", "0", 1, &ep, 1) != 1 || tcp_bind(holder, &ep))
        die_errno("bind a port for the ECONNREFUSED example");
    char port[8];
    snprintf(port, sizeof port, "%d", tcp_local_port(holder));
    int fd = tcp_open_client("127.0.0.1", port, TIMEOUT_MS);
    if (fd != -1 || errno != ECONNREFUSED)
        die("expected ECONNREFUSED from a port nobody listens on");
    explain("connect to 127.0.0.1 (bound, not listening)", errno);
    tcp_close(holder);
}

/* A listener whose backlog is full ignores new SYNs: the connect times out.
 * The listener is a server of its own, a short-lived child, that closes
 * once this process closes the pipe it waits on. */
static void error_timeout(void)
{
    int port_pipe[2], done_pipe[2];
    if (pipe(port_pipe) == -1 || pipe(done_pipe) == -1)
        die_errno("pipe");
    pid_t pid = fork_server_child();
    if (pid == 0) {
        if (close(port_pipe[0]) == -1 || close(done_pipe[1]) == -1)
            die_errno_child("close");
        int listener = tcp_open_server("127.0.0.1", "0", 0);
        if (listener == -1)
            die_errno_child("listen for the ETIMEDOUT example");
        tell_port(port_pipe[1], tcp_local_port(listener));
        char byte;
        while (read(done_pipe[0], &byte, 1) == -1 && errno == EINTR)
            ; /* end of file: the client is done */
        _exit(tcp_close(listener) == 0 ? 0 : 1);
    }
    if (close(port_pipe[1]) == -1 || close(done_pipe[0]) == -1)
        die_errno("close");
    char port[8];
    read_port(port_pipe[0], port, sizeof port);
    int queued[8], count = 0, err = 0;
    while (count < 8) {
        int fd = tcp_open_client("127.0.0.1", port, 200);
        if (fd == -1) {
            err = errno;
            break;
        }
        queued[count++] = fd; /* accepted by the kernel, never by us */
    }
    if (err != ETIMEDOUT)
        die("expected ETIMEDOUT once the backlog was full");
    explain("connect to a listener with a full backlog, 200 ms", err);
    for (int i = 0; i < count; i++)
        tcp_close(queued[i]);
    if (close(done_pipe[1]) == -1)
        die_errno("close");
    reap(pid, "the ETIMEDOUT example's listener");
}

/* A second program binding the server's port, as this client does here. */
static void error_in_use(const char *port)
{
    struct tcp_endpoint ep;
    int fd = tcp_socket(AF_INET);
    if (fd == -1 || tcp_resolve("127.0.0.1", port, 1, &ep, 1) != 1)
        die_errno("socket for the EADDRINUSE example");
    if (tcp_bind(fd, &ep) == 0 && tcp_listen(fd, 1) == 0)
        die("a second listener on port %s: expected EADDRINUSE", port);
    char what[64];
    snprintf(what, sizeof what, "bind 127.0.0.1:%s (listening already)", port);
    explain(what, errno);
    tcp_close(fd);
}

static void error_wrong_state(void)
{
    int fd = tcp_socket(AF_INET);
    if (fd == -1)
        die_errno("socket");
    if (tcp_accept(fd, NULL) != -1)
        die("accept() on a socket that is not listening: expected EINVAL");
    explain("accept on a socket without listen()", errno);
    tcp_close(fd);
    if (tcp_socket(12345) != -1)
        die("socket() with family 12345: expected EAFNOSUPPORT");
    explain("socket(family 12345)", errno);
}

/* The server closes at once; the client sees EOF, then EPIPE on sending. */
static void error_pipe(const char *port)
{
    int fd = tcp_open_client("127.0.0.1", port, TIMEOUT_MS);
    if (fd == -1)
        die_errno("set up the EPIPE example");
    if (tcp_wait_peer_close(fd, TIMEOUT_MS) == -1)
        die_errno("wait for the server's FIN");
    /* The first send still leaves; the peer's kernel answers it with RST. */
    ssize_t sent = 0;
    for (int i = 0; i < 50 && sent != -1; i++) {
        sent = tcp_send_all(fd, "anyone there?", 13);
        if (sent != -1)
            clock_sleep_ms(10);
    }
    if (sent != -1 || errno != EPIPE)
        die("expected EPIPE after the server closed");
    explain("send after the server closed", errno);
    tcp_close(fd);
}

int main(int argc, char **argv)
{
    err_set_progname(argv[0]);
    int opt;
    while ((opt = cli_next_option(&CLI, argc, argv)) != -1) {
        if (opt == 'p')
            chosen_part = optarg;
    }
    if (optind != argc)
        die_usage("unexpected argument '%s'", argv[optind]);
    if (chosen_part != NULL) {
        size_t i = 0;
        while (PARTS[i] && strcmp(PARTS[i], chosen_part) != 0)
            i++;
        if (PARTS[i] == NULL)
            die_usage("unknown part '%s': use echo, halfclose, oob, abort, poll or errors",
                      chosen_part);
    }

    /* The server child listens for the whole tour; this process is its client. */
    trace_set_role("client");
    char port[8];
    pid_t server = start_server(port, sizeof port);
    printf("tcp_demo: listening on 127.0.0.1 port %s\n", port);
    fflush(stdout);

    part_scenarios(port);
    if (playing("poll"))
        part_poll(port);
    if (playing("errors")) {
        trace_note("part 6: errors, each provoked on purpose and explained (step 12)");
        error_refused();
        error_timeout();
        error_in_use(port);
        error_wrong_state();
        error_pipe(port);
    }
    reap(server, "the server");
    if (chosen_part)
        printf("tcp_demo: part %s shown\n", chosen_part);
    else
        printf("tcp_demo: all 13 steps shown\n");
    return 0;
}
