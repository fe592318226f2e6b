/*
 * fifo_reader - the receiving end of the two-terminal FIFO demo (lab 02).
 *
 * usage: fifo_reader [-n COUNT] PATH
 *
 * Creates the named pipe PATH (mode 0600) unless it exists, waits for a
 * writer (open blocks until one arrives), prints what it receives up to the
 * writer's end of file, and repeats COUNT times (default 1). Removes the
 * FIFO on exit if it created it, also after Ctrl-C or SIGTERM, which end it
 * at once even while a silent writer holds the FIFO open. PATH must be a
 * FIFO or not exist: any other file is refused (usage error). The bytes a
 * writer sent are printed with control characters escaped, so a writer
 * cannot send escape sequences to this terminal.
 *
 *   terminal 1: fifo_reader /tmp/demo.fifo
 *   terminal 2: fifo_writer /tmp/demo.fifo hello there
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "err.h"
#include "pipe_lab.h"
#include "term.h"
#include "trace.h"

static const struct cli_spec CLI = {
    .usage = "usage: fifo_reader [-n COUNT] PATH\n"
             "Receives messages through the named pipe PATH (lab 02).\n",
    .options = {{'n', "count", "COUNT", "how many writers to serve (default 1)"}},
    .environment = TRACE_ENVIRONMENT_HELP,
    .more = "Start it first, then run: fifo_writer PATH MESSAGE...\n"
            "Examples:\n"
            "  fifo_reader -n 2 /tmp/demo.fifo\n"
            "  fifo_writer /tmp/demo.fifo hello there     (in another terminal)\n",
};

/* The FIFO this process made, for the signal handler to remove. */
static const char *volatile made_fifo;

/* Ctrl-C or SIGTERM: the reader may be deep in a read() that the lab's
 * code retries after EINTR, so end here: remove what we made (unlink is
 * async-signal-safe), then die of the signal as the shell expects. */
static void on_signal(int sig)
{
    if (made_fifo)
        unlink(made_fifo);
    signal(sig, SIG_DFL);
    raise(sig);
}

int main(int argc, char **argv)
{
    err_set_progname(argv[0]);
    trace_set_role("reader");
    long count = 1;
    int opt;
    while ((opt = cli_next_option(&CLI, argc, argv)) != -1) {
        if (opt == 'n')
            count = cli_parse_long(optarg, 1, 1000000, "count");
    }
    if (argc - optind != 1)
        die_usage("expected one PATH for the FIFO");
    const char *path = argv[optind];

    struct stat st;
    if (lstat(path, &st) == 0 && !S_ISFIFO(st.st_mode))
        die_usage("%s exists and is not a FIFO: give a new path, or one made by mkfifo", path);

    struct sigaction sa = {.sa_handler = on_signal};
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGINT, &sa, NULL) == -1 || sigaction(SIGTERM, &sa, NULL) == -1)
        die_errno("sigaction");

    bool created = false;
    if (pipe_fifo_create(path) == 0)
        created = true;
    else if (errno != EEXIST)
        die_errno("mkfifo %s", path);
    if (created)
        made_fifo = path;

    int status = 0;
    for (long i = 0; i < count; i++) {
        printf("fifo_reader: waiting for a writer on %s\n", path);
        fflush(stdout);
        char buf[PIPE_LAB_CAPACITY + 1];
        ssize_t got = pipe_fifo_receive(path, buf, sizeof buf - 1);
        if (got == -1) {
            warn_errno("receive from %s", path);
            status = 1;
            break;
        }
        printf("fifo_reader: received %zd bytes: ", got);
        term_write_escaped(stdout, buf, (size_t)got);
        if (got == 0 || buf[got - 1] != '\n')
            putchar('\n');
        fflush(stdout);
    }
    made_fifo = NULL;
    if (created && unlink(path) == -1) {
        warn_errno("unlink %s", path);
        status = 1;
    }
    return status;
}
