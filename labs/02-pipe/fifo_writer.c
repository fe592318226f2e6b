/*
 * fifo_writer - the sending end of the two-terminal FIFO demo (lab 02).
 *
 * usage: fifo_writer PATH MESSAGE...
 *
 * Opens the named pipe PATH for writing (blocking until a reader has it
 * open), sends the words of MESSAGE joined by spaces and a newline, and
 * closes it, which is the reader's end of file.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "err.h"
#include "pipe_lab.h"
#include "trace.h"

static const struct cli_spec CLI = {
    .usage = "usage: fifo_writer PATH MESSAGE...\n"
             "Sends MESSAGE through the named pipe PATH (lab 02).\n"
             "Start fifo_reader PATH first, in another terminal.\n",
    .environment = TRACE_ENVIRONMENT_HELP,
    .more = "Example:\n"
            "  fifo_writer /tmp/demo.fifo hello there\n",
};

int main(int argc, char **argv)
{
    err_set_progname(argv[0]);
    trace_set_role("writer");
    /* No options of its own: the loop answers -h and rejects anything else. */
    while (cli_next_option(&CLI, argc, argv) != -1)
        ;
    if (argc - optind < 2)
        die_usage("expected PATH and at least one word of MESSAGE");
    const char *path = argv[optind];

    /* Refuse to open a regular file by mistake: that would just write to it. */
    struct stat st;
    if (stat(path, &st) == -1)
        die_errno("stat %s (start fifo_reader %s first)", path, path);
    if (!S_ISFIFO(st.st_mode))
        die_usage("%s is not a FIFO; give the path fifo_reader created", path);

    char message[4096] = "";
    size_t used = 0;
    for (int i = optind + 1; i < argc; i++) {
        int n = snprintf(message + used, sizeof message - used, "%s%s", argv[i],
                         i + 1 < argc ? " " : "\n");
        if (n < 0 || (size_t)n >= sizeof message - used)
            die_usage("message too long (at most %zu bytes)", sizeof message - 1);
        used += (size_t)n;
    }
    if (pipe_ignore_sigpipe() == -1)
        die_errno("ignore SIGPIPE");
    if (pipe_fifo_send(path, message, used) == -1)
        die_errno("send to %s", path);
    printf("fifo_writer: sent %zu bytes\n", used);
    return 0;
}
