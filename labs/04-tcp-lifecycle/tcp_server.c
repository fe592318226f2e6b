/*
 * tcp_server - the server half of lab 04: the TCP lifecycle, step by step.
 *
 * usage: tcp_server [-a ADDR] [-p PORT] [-n COUNT] [-m MODE] [-t MS] [-h]
 *
 * Listens on ADDR (default 127.0.0.1: never every interface unless asked,
 * with -a 0.0.0.0 or -a ::) and PORT (default 0: the kernel picks a free
 * one). Prints "port N" as one line on stdout, so a script can read it, then
 * serves COUNT clients (default 1; 0 = until interrupted) in MODE: echo,
 * halfclose, oob, abort or poll (see tcp_scenario.h). Every call is traced
 * with the TCP state it leads to.
 *
 *   terminal 1: IPC_STEP=1 tcp_server -p 5000 -m halfclose
 *   terminal 2: IPC_STEP=1 tcp_client 127.0.0.1 5000 -m halfclose
 *
 * See also: tcp_client, tcp_demo, labs/04-tcp-lifecycle/README.md.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli.h"
#include "err.h"
#include "sock_compat.h"
#include "tcp_lab.h"
#include "tcp_scenario.h"
#include "trace.h"

static const char USAGE[] =
    "usage: tcp_server [-a ADDR] [-p PORT] [-n COUNT] [-m MODE] [-t MS] [-h]\n"
    "The server side of the TCP lifecycle (lab 04), every step traced.\n"
    "  -a, --addr ADDR    address to listen on (default 127.0.0.1; ::1 for IPv6,\n"
    "                     0.0.0.0 or :: for every interface)\n"
    "  -p, --port PORT    port, 0 to 65535 (default 0: the kernel picks one)\n"
    "  -n, --count COUNT  clients to serve before exiting (default 1; 0: no end)\n"
    "  -m, --mode MODE    echo, halfclose, oob, abort or poll (default echo)\n"
    "  -t, --timeout MS   how long to wait for a peer (default 5000)\n"
    "  -h, --help         show this help\n"
    "Prints \"port N\" on stdout once it listens.\n"
    "Environment: IPC_TRACE=off|text|json, IPC_TRACE_FILE=path, IPC_STEP=1, NO_COLOR.\n";

static const struct option LONG_OPTIONS[] = {
    {"addr", required_argument, NULL, 'a'},
    {"port", required_argument, NULL, 'p'},
    {"count", required_argument, NULL, 'n'},
    {"mode", required_argument, NULL, 'm'},
    {"timeout", required_argument, NULL, 't'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

int main(int argc, char **argv)
{
    err_set_progname(argv[0]);
    trace_set_role("server");
    /* WSAStartup() on Windows, nothing on Linux (sock_compat.h). */
    if (sock_startup() == -1)
        die_errno("WSAStartup");
    const char *addr = "127.0.0.1";
    const char *port = "0";
    long count = 1, timeout_ms = 5000;
    int mode = TCP_MODE_ECHO;
    int opt;
    opterr = 0; /* cli_bad_option() says what was wrong */
    while ((opt = getopt_long(argc, argv, ":ha:p:n:m:t:", LONG_OPTIONS, NULL)) != -1) {
        switch (opt) {
        case 'h':
            cli_help(USAGE);
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
        case 'm':
            mode = tcp_mode_parse(optarg);
            if (mode == -1)
                die_usage("unknown mode '%s': use %s", optarg, TCP_MODE_LIST);
            break;
        case 't':
            timeout_ms = cli_parse_long(optarg, 0, 3600000, "timeout");
            break;
        default:
            if (optopt == 0) /* an unknown long option */
                die_usage("unknown option '%s'", argv[optind - 1]);
            cli_bad_option(opt);
        }
    }
    if (optind != argc)
        die_usage("unexpected argument '%s'", argv[optind]);

    int listen_fd = tcp_open_server(addr, port, 16);
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
    if (mode == TCP_MODE_POLL) {
        if (tcp_poll_serve(listen_fd, count) == -1)
            tcp_fail("poll server");
    } else {
        for (long served = 0; count == 0 || served < count; served++) {
            struct tcp_endpoint peer;
            int conn = tcp_accept(listen_fd, &peer);
            if (conn == -1)
                tcp_fail("accept");
            char who[TCP_ENDPOINT_TEXT_MAX];
            trace_note("client %s connected", tcp_endpoint_text(&peer, who, sizeof who));
            if (tcp_scenario_serve(conn, mode, (int)timeout_ms) == -1) {
                char what[300];
                snprintf(what, sizeof what, "%s with client %s", tcp_mode_name(mode), who);
                char text[1024];
                int err = errno;
                if (tcp_describe_error(text, sizeof text, what, err) >= 0)
                    warn_msg("%s", text);
                status = EXIT_FATAL; /* one client's failure does not stop the others */
            }
        }
    }
    if (tcp_close(listen_fd) == -1)
        tcp_fail("close");
    sock_cleanup();
    return status;
}
