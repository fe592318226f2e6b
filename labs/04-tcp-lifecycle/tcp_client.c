/*
 * tcp_client - the client half of lab 04: the TCP lifecycle, step by step.
 *
 * usage: tcp_client [-m MODE] [-t MS] HOST PORT [MESSAGE]
 *
 * Connects to HOST (a name, an IPv4 or an IPv6 address) and PORT, with a
 * connect timeout of MS milliseconds (default 5000), and plays MODE (echo,
 * halfclose, oob, abort or poll; see tcp_scenario.h) with MESSAGE (default
 * "hello, TCP"). Prints what the server sent back. Exits 0 when the
 * conversation went as the mode says, 1 when a step failed, 2 for bad input.
 *
 *   tcp_server -m halfclose          (prints "port 41234")
 *   tcp_client -m halfclose 127.0.0.1 41234 "see you"
 *
 * See also: tcp_server, tcp_demo, labs/04-tcp-lifecycle/README.md.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "err.h"
#include "sock_compat.h"
#include "tcp_lab.h"
#include "tcp_scenario.h"
#include "trace.h"

static const struct cli_spec CLI = {
    .usage = "usage: tcp_client [-m MODE] [-t MS] HOST PORT [MESSAGE]\n"
             "The client side of the TCP lifecycle (lab 04), every step traced.\n",
    .options =
        {
            {0, NULL, "HOST", "a name, an IPv4 or an IPv6 address (127.0.0.1, ::1)"},
            {0, NULL, "PORT", "the server's port, 1 to 65535 (tcp_server prints it)"},
            {0, NULL, "MESSAGE", "the text to send (default \"hello, TCP\")"},
            {'m', "mode", "MODE",
             "echo, halfclose, oob, abort or poll (default echo);\n"
             "use the server's mode"},
            {'t', "timeout", "MS", "connect and close timeout in milliseconds (default 5000)"},
        },
    .environment = TRACE_ENVIRONMENT_HELP,
    .more =
        "Examples:\n"
        "  tcp_client 127.0.0.1 5000 -m halfclose     (after: tcp_server -p 5000 -m halfclose)\n"
        "  tcp_client ::1 5000 \"hello over IPv6\"\n",
};

int main(int argc, char **argv)
{
    err_set_progname(argv[0]);
    trace_set_role("client");
    /* WSAStartup() on Windows, nothing on Linux (sock_compat.h). */
    if (sock_startup() == -1)
        die_errno("WSAStartup");
    struct tcp_play_options play = {.mode = TCP_MODE_ECHO, .timeout_ms = 5000};
    int opt;
    while ((opt = cli_next_option(&CLI, argc, argv)) != -1)
        tcp_play_option(opt, optarg, &play); /* -m and -t, its only options */
    int left = argc - optind;
    if (left < 2)
        die_usage("missing %s: expected HOST PORT [MESSAGE]", left == 0 ? "HOST and PORT" : "PORT");
    if (left > 3)
        die_usage("unexpected argument '%s' (quote a MESSAGE with spaces)", argv[optind + 3]);
    const char *host = argv[optind];
    const char *port = argv[optind + 1];
    const char *message = left == 3 ? argv[optind + 2] : "hello, TCP";
    cli_parse_long(port, 1, 65535, "port"); /* exits 2 on "99999" */
    if (message[0] == '\0')
        die_usage("the MESSAGE is empty; TCP frames carry at least one byte");

    int fd = tcp_open_client(host, port, (int)play.timeout_ms);
    if (fd == -1 && errno == ENOENT)
        die_usage("unknown host '%s'", host);
    /* Without a reachable name server (a sandbox, no network) no name can be looked up. */
    if (fd == -1 && errno == EAGAIN)
        die_usage("unknown host '%s': no name server answered (no network here?)", host);
    char what[300];
    snprintf(what, sizeof what, "connect to %s port %s", host, port);
    if (fd == -1)
        tcp_fail(what);
    snprintf(what, sizeof what, "%s with %s port %s", tcp_mode_name(play.mode), host, port);
    if (tcp_scenario_client(fd, play.mode, message, (int)play.timeout_ms) == -1) {
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            die("%s: the server sent nothing, or read nothing, for %ld ms (-t): giving up", what,
                play.timeout_ms);
        if (errno == EMSGSIZE || errno == EBADMSG || errno == EPROTO)
            die("%s: %s (%s): the server's answer is not a frame of this protocol", what,
                errno_name(errno), strerror(errno));
        tcp_fail(what);
    }
    sock_cleanup();
    return 0;
}
