/*
 * us_client - the client of lab 03's upper-casing server.
 *
 * usage: us_client [-s PATH] MESSAGE...
 *
 * Connects to the server listening on PATH (default: $US_SOCKET), sends each
 * MESSAGE as one frame (a 4-byte big-endian length, then the bytes), and
 * prints each answer on a line of its own. Exits 0 when every message was
 * answered, 1 when the server failed or refused us, 2 on a bad command line.
 *
 *   us_client -s /tmp/ipckit-x1Yz/us.sock hello "two words"
 *
 * See also: us_server, us_demo, labs/03-unix-socket/README.md.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "err.h"
#include "term.h"
#include "trace.h"
#include "us_frame.h"
#include "us_socket.h"

static const struct cli_spec CLI = {
    .usage = "usage: us_client [-s PATH] MESSAGE...\n"
             "Sends each MESSAGE as one frame to us_server and prints each answer (lab 03).\n",
    .options =
        {
            {'s', "socket", "PATH",
             "the server's socket (default: $US_SOCKET); us_server prints it"},
        },
    .environment = TRACE_ENVIRONMENT_HELP,
    .more = "Examples:\n"
            "  us_client -s /tmp/upper.sock hello there     (after: us_server -s /tmp/upper.sock)\n"
            "  US_SOCKET=/tmp/upper.sock us_client one two three\n",
};

int main(int argc, char **argv)
{
    err_set_progname(argv[0]);
    trace_set_role("client");
    const char *path = getenv("US_SOCKET");
    int opt;
    while ((opt = cli_next_option(&CLI, argc, argv)) != -1) {
        if (opt == 's')
            path = optarg;
    }
    if (path == NULL || path[0] == '\0')
        die_usage("no socket path: give -s PATH (us_server prints it) or set US_SOCKET");
    if (optind == argc)
        die_usage("expected at least one MESSAGE to send");
    for (int i = optind; i < argc; i++) {
        if (strlen(argv[i]) > US_MAX_MESSAGE)
            die_usage("message %d is %zu bytes; a frame holds at most %d", i - optind + 1,
                      strlen(argv[i]), US_MAX_MESSAGE);
    }

    int fd = us_connect(path);
    if (fd == -1) {
        if (errno == ENAMETOOLONG)
            die("%s: socket path too long: at most %d bytes fit in sun_path", path,
                US_PATH_MAX - 1);
        die_errno("connect to %s (is us_server running there?)", path);
    }
    static char reply[US_MAX_MESSAGE + 1];
    for (int i = optind; i < argc; i++) {
        size_t len;
        int got = -1;
        if (us_send_frame(fd, argv[i], strlen(argv[i])) == 0)
            got = us_recv_frame(fd, reply, US_MAX_MESSAGE, &len);
        /* EPIPE or ECONNRESET: the server hung up before our message or
         * while we waited; 0: it closed without a word. Same story. */
        if (got == 0 || (got == -1 && (errno == EPIPE || errno == ECONNRESET)))
            die("the server closed the connection without answering (refused by --same-uid? "
                "see the server's log)");
        if (got == -1)
            die_errno("exchange with %s", path);
        /* The server's bytes, escaped: they must not drive our terminal. */
        term_write_escaped(stdout, reply, len);
        putchar('\n');
    }
    int rc = close(fd);
    trace_call("close", rc, "fd=%d", fd);
    if (rc == -1)
        die_errno("close");
    return 0;
}
