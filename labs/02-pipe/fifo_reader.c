/*
 * fifo_reader - the receiving end of the two-terminal FIFO demo (lab 02).
 *
 * usage: fifo_reader [-n COUNT] PATH
 *
 * Creates the named pipe PATH (mode 0600) unless it exists, waits for a
 * writer (open blocks until one arrives), prints what it receives up to the
 * writer's end of file, and repeats COUNT times (default 1). Removes the
 * FIFO on exit if it created it, also after Ctrl-C.
 *
 *   terminal 1: fifo_reader /tmp/demo.fifo
 *   terminal 2: fifo_writer /tmp/demo.fifo hello there
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "err.h"
#include "pipe_lab.h"
#include "trace.h"

static const char USAGE[] = "usage: fifo_reader [-n COUNT] PATH\n"
                            "Receives messages through the named pipe PATH (lab 02).\n"
                            "  -n COUNT  how many writers to serve (default 1)\n"
                            "  -h        show this help\n"
                            "Start it first, then run: fifo_writer PATH MESSAGE...\n";

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

int main(int argc, char **argv)
{
    err_set_progname(argv[0]);
    trace_set_role("reader");
    long count = 1;
    int opt;
    opterr = 0; /* cli_bad_option() says what was wrong */
    while ((opt = getopt(argc, argv, ":hn:")) != -1) {
        if (opt == 'h')
            cli_help(USAGE);
        else if (opt == 'n')
            count = cli_parse_long(optarg, 1, 1000000, "count");
        else
            cli_bad_option(opt, argv);
    }
    if (argc - optind != 1)
        die_usage("expected one PATH for the FIFO");
    const char *path = argv[optind];

    /* No SA_RESTART: Ctrl-C interrupts the blocking open() with EINTR,
     * so we get to remove the FIFO before leaving. */
    struct sigaction sa = {.sa_handler = on_signal};
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGINT, &sa, NULL) == -1 || sigaction(SIGTERM, &sa, NULL) == -1)
        die_errno("sigaction");

    bool created = false;
    if (pipe_fifo_create(path) == 0)
        created = true;
    else if (errno != EEXIST)
        die_errno("mkfifo %s", path);

    int status = 0;
    for (long i = 0; i < count && !stop_requested; i++) {
        printf("fifo_reader: waiting for a writer on %s\n", path);
        fflush(stdout);
        char buf[PIPE_LAB_CAPACITY + 1];
        ssize_t got = pipe_fifo_receive(path, buf, sizeof buf - 1);
        if (got == -1) {
            if (errno != EINTR)
                warn_errno("receive from %s", path);
            status = errno == EINTR ? 0 : 1;
            break;
        }
        buf[got] = '\0';
        printf("fifo_reader: received %zd bytes: %s%s", got, buf,
               got > 0 && buf[got - 1] == '\n' ? "" : "\n");
        fflush(stdout);
    }
    if (created && unlink(path) == -1) {
        warn_errno("unlink %s", path);
        status = 1;
    }
    return status;
}
