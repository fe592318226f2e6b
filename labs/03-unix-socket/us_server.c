/*
 * us_server - the upper-casing echo server of lab 03, on a UNIX domain socket.
 *
 * usage: us_server [-s PATH] [-n COUNT] [-t MS] [--same-uid]
 *
 * Listens on PATH, or, without -s, on a socket in a new private directory
 * (mode 0700). Prints the socket's path alone on the first line of stdout,
 * so a script can read it; the log (one line per client: pid, uid, errors)
 * goes to stderr. Answers each framed message with the same text in upper
 * case, each client in a child process of its own (us_serve), and drops a
 * client that stalls for -t MS. The socket file is mode 0600 whatever the
 * umask: only this user may connect. A stale socket file at PATH is
 * removed; a live server's socket, or a file that is not a socket, is not.
 * The socket file (and the private directory) are removed on exit, on the
 * error paths, and on SIGINT or SIGTERM.
 *
 *   terminal 1: us_server                    (prints e.g. /tmp/ipckit-x1Yz/us.sock)
 *   terminal 2: us_client -s /tmp/ipckit-x1Yz/us.sock hello world
 *
 * See also: us_client, us_demo, labs/03-unix-socket/README.md.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "err.h"
#include "trace.h"
#include "us_serve.h"
#include "us_socket.h"

enum { OPT_SAME_UID = CLI_LONG_ONLY };

static const struct cli_spec CLI = {
    .usage = "usage: us_server [-s PATH] [-n COUNT] [-t MS] [--same-uid]\n"
             "Answers framed messages in upper case on a UNIX domain socket (lab 03).\n",
    .options =
        {
            {'s', "socket", "PATH", "listen on PATH (default: a new private directory)"},
            {'n', "count", "COUNT",
             "serve COUNT clients, then exit (default: until SIGINT/SIGTERM)"},
            {'t', "timeout", "MS",
             "drop a client that takes longer than MS ms for one message and\n"
             "its answer (default 10000; 0: no limit)"},
            {OPT_SAME_UID, "same-uid", NULL, "serve only clients running under this server's uid"},
        },
    .environment = TRACE_ENVIRONMENT_HELP,
    .more = "Prints the socket's path as the first line on stdout; logs clients to stderr.\n"
            "The socket file is made mode 0600 (only this user may connect), whatever the umask.\n"
            "Examples:\n"
            "  us_server -s /tmp/upper.sock -n 2\n"
            "  us_client -s /tmp/upper.sock hello there     (in another terminal)\n",
};

/* Explains why us_listen() failed, in the words a user needs, and exits. */
static _Noreturn void die_listen(const char *path)
{
    const char *where = path ? path : "a private directory";
    switch (errno) {
    case EADDRINUSE:
        die("%s: a server is already listening there (EADDRINUSE); a live server's socket is "
            "never removed: stop that server or choose another -s PATH",
            where);
    case ENOTSOCK:
        die("%s exists and is not a socket (ENOTSOCK); it is not ours to remove: choose another "
            "-s PATH",
            where);
    case ENAMETOOLONG:
        die("%s: socket path too long (ENAMETOOLONG): at most %d bytes fit in sun_path; use a "
            "shorter -s PATH or TMPDIR",
            where, US_PATH_MAX - 1);
    default:
        die_errno("listen on %s", where);
    }
}

int main(int argc, char **argv)
{
    err_set_progname(argv[0]);
    trace_set_role("server");
    const char *path = NULL;
    long count = 0;
    struct us_serve_options opts = {
        .same_uid = false, .allowed_uid = geteuid(), .log = stderr, .timeout_ms = 10000};
    int opt;
    while ((opt = cli_next_option(&CLI, argc, argv)) != -1) {
        switch (opt) {
        case 's':
            path = optarg;
            break;
        case 'n':
            count = cli_parse_long(optarg, 1, 1000000000, "count");
            break;
        case 't':
            opts.timeout_ms = (int)cli_parse_long(optarg, 0, 3600000, "timeout");
            break;
        case OPT_SAME_UID:
            opts.same_uid = true;
            break;
        }
    }
    if (optind != argc)
        die_usage("unexpected argument '%s'", argv[optind]);
    if (path != NULL && path[0] == '\0')
        die_usage("the socket path given with -s is empty");

    /* bind() makes the socket file with mode 0777 minus the umask; whoever
     * may write it may connect. A strict umask while it is made, then 0600:
     * only this user, whatever umask the shell had. */
    mode_t old_umask = umask(077);
    struct us_listener listener;
    int listened = us_listen(&listener, path);
    umask(old_umask);
    if (listened == -1)
        die_listen(path);
    if (chmod(listener.path, 0600) == -1) {
        warn_errno("chmod 0600 %s", listener.path);
        us_listener_close(&listener);
        return EXIT_FATAL;
    }
    if (us_cleanup_on_signals(&listener) == -1) {
        warn_errno("sigaction");
        us_listener_close(&listener);
        return EXIT_FATAL;
    }
    /* The one line scripts read; flushed, since stdout may be a pipe. */
    printf("%s\n", listener.path);
    fflush(stdout);
    if (opts.same_uid)
        warn_msg("serving only uid %ld (--same-uid)", (long)opts.allowed_uid);

    int status = 0;
    if (us_serve(listener.fd, count, &opts) == -1) {
        warn_errno("accept on %s", listener.path);
        status = EXIT_FATAL;
    }
    if (us_listener_close(&listener) == -1) {
        warn_errno("removing the socket file or its directory");
        status = EXIT_FATAL;
    }
    return status;
}
