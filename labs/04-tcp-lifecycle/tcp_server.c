/*
 * tcp_server - the server half of lab 04: the TCP lifecycle, step by step.
 *
 * usage: tcp_server [-a ADDR] [-p PORT] [-n COUNT] [-m MODE] [-t MS]
 *
 * Listens on ADDR (default 127.0.0.1: never every interface unless asked,
 * with -a 0.0.0.0 or -a ::) and PORT (default 0: the kernel picks a free
 * one). Prints "port N" as one line on stdout, so a script can read it, then
 * serves COUNT clients (default 1; 0 = until interrupted) in MODE: echo,
 * halfclose, oob, abort or poll (see tcp_scenario.h). Every call is traced
 * with the TCP state it leads to.
 *
 * One client must never hold the server for the others. In poll mode one
 * process serves everyone (tcp_poll_serve). In the other modes each client
 * gets a child process of its own (fork), at most MAX_CHILDREN at once; a
 * client beyond that is told "busy" and closed. Each child gives up on a
 * client that sends or reads nothing for -t MS and says so. With -n 1 the
 * one client is served in this process (the trace then has one pid), and
 * the listening socket is closed as soon as it is accepted, so a second
 * client is refused at once instead of waiting in the backlog.
 *
 *   terminal 1: IPC_STEP=1 tcp_server -p 5000 -m halfclose
 *   terminal 2: IPC_STEP=1 tcp_client 127.0.0.1 5000 -m halfclose
 *
 * See also: tcp_client, tcp_demo, labs/04-tcp-lifecycle/README.md.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifndef _WIN32
#include <sys/wait.h>
#ifdef __linux__
#include <sys/prctl.h> /* PR_SET_PDEATHSIG */
#endif
#endif /* Windows has no fork() and no waitpid(): see serve_each() */

#include "cli.h"
#include "err.h"
#include "sock_compat.h"
#include "tcp_lab.h"
#include "tcp_scenario.h"
#include "trace.h"

static const struct cli_spec CLI = {
    .usage = "usage: tcp_server [-a ADDR] [-p PORT] [-n COUNT] [-m MODE] [-t MS]\n"
             "The server side of the TCP lifecycle (lab 04), every step traced.\n",
    .options =
        {
            {'a', "addr", "ADDR",
             "address to listen on (default 127.0.0.1; ::1 for IPv6,\n"
             "0.0.0.0 or :: for every interface)"},
            {'p', "port", "PORT", "port, 0 to 65535 (default 0: the kernel picks one)"},
            {'n', "count", "COUNT", "clients to serve before exiting (default 1; 0: no end)"},
            {'m', "mode", "MODE", "echo, halfclose, oob, abort or poll (default echo)"},
            {'t', "timeout", "MS",
             "drop a client that sends or reads nothing for MS ms (default 5000)"},
        },
    .environment = TRACE_ENVIRONMENT_HELP,
    .more =
        "Prints \"port N\" on stdout once it listens. Each client (but with -n 1) is served by\n"
        "a child process of its own; poll mode serves them all in one process.\n"
        "Examples:\n"
        "  tcp_server -p 5000 -m halfclose        (then: tcp_client 127.0.0.1 5000 -m halfclose)\n"
        "  IPC_TRACE=off tcp_server -n 0 -m poll\n",
};

/* The most clients served at once by child processes; more are told "busy". */
enum { MAX_CHILDREN = 1000 };

#ifndef _WIN32
static const char BUSY[] = "busy: too many clients at once, try again later\n";
#endif

/* One client, from accept to close; returns 0 when the conversation went well. */
static int serve_one(int conn, const struct tcp_endpoint *peer, enum tcp_mode mode, int timeout_ms)
{
    char who[TCP_ENDPOINT_TEXT_MAX];
    tcp_endpoint_text(peer, who, sizeof who);
    trace_note("client %s connected", who);
    if (tcp_scenario_serve(conn, mode, timeout_ms) == 0)
        return 0;
    int err = errno;
    const char *why = tcp_scenario_why(mode, err);
    if (why) {
        warn_msg("client %s: %s (%s); closing this connection only", who, why, errno_name(err));
    } else {
        char what[300], text[1024];
        snprintf(what, sizeof what, "%s with client %s", tcp_mode_name(mode), who);
        if (tcp_describe_error(text, sizeof text, what, err) >= 0)
            warn_msg("%s", text);
    }
    return -1;
}

#ifndef _WIN32
/* Collects children that have ended; with `block`, waits for one. Returns
 * how many were collected, and marks *status when one of them failed. */
static long reap_children(bool block, int *status)
{
    long reaped = 0;
    for (;;) {
        int wstatus;
        pid_t pid = waitpid(-1, &wstatus, block && reaped == 0 ? 0 : WNOHANG);
        if (pid == -1 && errno == EINTR)
            continue;
        if (pid <= 0)
            return reaped; /* none ended yet (0), or no children left (ECHILD) */
        reaped++;
        if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0)
            *status = EXIT_FATAL;
    }
}
#endif

/*
 * The modes but poll: accept count clients (0: no end) and serve each in a
 * child process, or in this process when count is 1. Closes the listening
 * socket (and sets *listen_fd to -1) once the last client is accepted.
 */
static int serve_each(int *listen_fd, long count, enum tcp_mode mode, int timeout_ms)
{
    int status = 0;
#ifndef _WIN32
    long running = 0;
#endif
    for (long served = 0; count == 0 || served < count; served++) {
#ifndef _WIN32
        running -= reap_children(running >= MAX_CHILDREN, &status);
#endif
        struct tcp_endpoint peer;
        int conn = tcp_accept(*listen_fd, &peer);
        if (conn == -1)
            tcp_fail("accept");
        if (count != 0 && served + 1 == count) {
            /* The last one: later clients are refused now, not left waiting. */
            if (tcp_close(*listen_fd) == -1)
                tcp_fail("close");
            *listen_fd = -1;
        }
        if (count == 1) {
            status = serve_one(conn, &peer, mode, timeout_ms) == 0 ? 0 : EXIT_FATAL;
            break;
        }
#ifdef _WIN32
        /* Windows has no fork(): a new process runs a program from its start
         * (CreateProcess), it is not a copy of this one. So the Windows build
         * serves its clients here, one after another. */
        if (serve_one(conn, &peer, mode, timeout_ms) != 0)
            status = EXIT_FATAL;
        continue;
#else
        if (running >= MAX_CHILDREN) {
            /* Still full after waiting: say so and close, never leave it hanging. */
            tcp_send_all(conn, BUSY, strlen(BUSY));
            tcp_close(conn);
            continue;
        }
        fflush(stdout);
        pid_t pid = fork();
        trace_call("fork", pid, "a child process for this client");
        if (pid == -1) {
            warn_errno("fork: this client is refused");
            tcp_close(conn);
            continue;
        }
        if (pid == 0) {
#ifdef __linux__
            /* A child ends with its server, even one killed by pid alone. */
            if (prctl(PR_SET_PDEATHSIG, SIGTERM) == -1 || getppid() == 1)
                _exit(EXIT_FATAL);
#endif
            if (*listen_fd != -1)
                close(*listen_fd); /* the child serves one client only */
            _exit(serve_one(conn, &peer, mode, timeout_ms) == 0 ? 0 : EXIT_FATAL);
        }
        running++;
        if (close(conn) == -1) /* the child has its own copy; not a TCP step */
            warn_errno("close the parent's copy of the client's socket");
#endif
    }
#ifndef _WIN32
    while (running > 0) {
        long n = reap_children(true, &status);
        if (n == 0)
            break;
        running -= n;
    }
#endif
    return status;
}

int main(int argc, char **argv)
{
    err_set_progname(argv[0]);
    trace_set_role("server");
    /* WSAStartup() on Windows, nothing on Linux (sock_compat.h). */
    if (sock_startup() == -1)
        die_errno("WSAStartup");
    const char *addr = "127.0.0.1";
    const char *port = "0";
    long count = 1;
    struct tcp_play_options play = {.mode = TCP_MODE_ECHO, .timeout_ms = 5000};
    int opt;
    while ((opt = cli_next_option(&CLI, argc, argv)) != -1) {
        switch (opt) {
        case 'a':
            addr = optarg;
            break;
        case 'p':
            cli_parse_long(optarg, 0, 65535, "port"); /* exits 2 on "99999" */
            port = optarg;
            break;
        case 'n':
            count = cli_parse_long(optarg, 0, 1000000, "count");
            break;
        default: /* -m and -t, which tcp_client takes too */
            tcp_play_option(opt, optarg, &play);
        }
    }
    if (optind != argc)
        die_usage("unexpected argument '%s'", argv[optind]);

    int listen_fd = tcp_open_server(addr, port, 128); /* room for a crowd of clients */
    if (listen_fd == -1 && errno == ENOENT)
        die_usage("unknown address '%s': give a numeric address or a known host name", addr);
    if (listen_fd == -1) {
        char what[300];
        snprintf(what, sizeof what, "listen on %s port %s", addr, port);
        tcp_fail(what);
    }
    int chosen = tcp_local_port(listen_fd);
    if (chosen == -1)
        tcp_fail("getsockname");
    printf("port %d\n", chosen);
    fflush(stdout); /* a script waits for this line */

    int status = 0;
    if (play.mode == TCP_MODE_POLL) {
        if (tcp_poll_serve(listen_fd, count) == -1)
            tcp_fail("poll server");
    } else {
        status = serve_each(&listen_fd, count, play.mode, (int)play.timeout_ms);
    }
    if (listen_fd == -1)
        return status; /* closed after the last client was accepted */
    if (tcp_close(listen_fd) == -1)
        tcp_fail("close");
    sock_cleanup();
    return status;
}
