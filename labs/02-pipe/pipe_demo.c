/*
 * pipe_demo - a traced walkthrough of lab 02: pipes between processes.
 *
 * usage: pipe_demo [-s SIZE]
 *
 * Runs the lab's five parts in order and narrates each; every system call
 * appears in the trace (IPC_TRACE=text by default, IPC_STEP=1 to advance
 * one call at a time on a terminal). Exits 0 when every part worked.
 *
 * See also: labs/02-pipe/README.md, fifo_reader, fifo_writer.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "checksum.h"
#include "cli.h"
#include "err.h"
#include "names.h"
#include "pipe_lab.h"
#include "trace.h"

static const struct cli_spec CLI = {
    .usage = "usage: pipe_demo [-s SIZE]\n"
             "A traced walkthrough of message passing over pipes (lab 02).\n",
    .options = {{'s', "size", "SIZE", "bytes in the large exchange (default 256K; K and M work)"}},
    .environment = TRACE_ENVIRONMENT_HELP,
    .more = "Examples:\n"
            "  pipe_demo\n"
            "  IPC_STEP=1 pipe_demo -s 1M\n",
};

/* What the parent expects the child to receive. */
struct expected {
    size_t len;
    uint64_t sum;
};

/* Runs in the child: read to EOF, compare with what was sent. */
static int check_everything_arrived(int fd, void *arg)
{
    const struct expected *want = arg;
    char buf[4096];
    size_t total = 0;
    uint64_t sum = CHECKSUM_INIT;
    ssize_t n;
    while ((n = pipe_read_exact(fd, buf, sizeof buf)) > 0) {
        total += (size_t)n;
        sum = checksum_update(sum, buf, (size_t)n);
    }
    trace_call("read_exact", n, "fd=%d -> EOF after %zu bytes", fd, total);
    return (n == 0 && total == want->len && sum == want->sum) ? 0 : 1;
}

static void part_one_way(void)
{
    trace_note("part 2: parent -> child over one pipe; the child reads until EOF");
    const char text[] = "hello from your parent, over a pipe\n";
    struct expected want = {strlen(text), checksum_update(CHECKSUM_INIT, text, strlen(text))};
    int status = pipe_send_to_child(text, strlen(text), check_everything_arrived, &want);
    if (status == -1)
        die_errno("pipe_send_to_child");
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        die("part 2: the child did not receive the message intact");
    trace_note("part 2: the child saw every byte, then EOF");
}

static void part_exchange(size_t big)
{
    trace_note("part 3: request/response with an upper-casing coprocess over two pipes");
    struct pipe_coprocess cp;
    if (pipe_coprocess_start(&cp) == -1)
        die_errno("pipe_coprocess_start");
    const char hello[] = "hello, pipes";
    char reply[sizeof hello];
    if (pipe_coprocess_exchange(&cp, hello, reply, sizeof hello) == -1)
        die_errno("pipe_coprocess_exchange");
    trace_note("part 3: sent \"%s\", got back \"%s\"", hello, reply);

    /* Larger than both pipes together: only works because the exchange
     * reads while it writes. */
    char *request = malloc(big), *answer = malloc(big);
    if (request == NULL || answer == NULL)
        die_errno("malloc %zu bytes", big);
    memset(request, 'a', big);
    if (pipe_coprocess_exchange(&cp, request, answer, big) == -1)
        die_errno("pipe_coprocess_exchange %zu bytes", big);
    for (size_t i = 0; i < big; i++) {
        if (answer[i] != 'A')
            die("part 3: byte %zu came back as 0x%02x", i, (unsigned char)answer[i]);
    }
    trace_note("part 3: %zu bytes (pipe capacity %d) went round with no deadlock", big,
               PIPE_LAB_CAPACITY);
    free(request);
    free(answer);
    int status = pipe_coprocess_finish(&cp);
    if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        die("part 3: the coprocess did not exit cleanly");
}

static void part_epipe(void)
{
    trace_note("part 4: writing to a pipe whose reader has gone");
    if (pipe_ignore_sigpipe() == -1)
        die_errno("pipe_ignore_sigpipe");
    int fds[2];
    if (pipe(fds) == -1)
        die_errno("pipe");
    trace_call("close", close(fds[0]), "fd=%d (the only read end)", fds[0]);
    ssize_t n = pipe_write_all(fds[1], "anyone there?", 13);
    if (n != -1 || errno != EPIPE)
        die("part 4: expected EPIPE from a pipe without readers");
    warn_errno("part 4 (expected): write to fd %d", fds[1]);
    close(fds[1]);
    trace_note("part 4: EPIPE reported, and this process is still alive");
}

static void part_fifo(void)
{
    trace_note("part 5: a named pipe (FIFO) between two unrelated openers");
    char dir[256], path[300];
    if (names_private_dir(dir, sizeof dir) == -1)
        die_errno("mkdtemp");
    snprintf(path, sizeof path, "%s/demo.fifo", dir);
    if (pipe_fifo_create(path) == -1)
        die_errno("mkfifo %s", path);
    pid_t pid = fork();
    if (pid == -1)
        die_errno("fork");
    if (pid == 0) {
        trace_set_role("writer");
        const char msg[] = "a message through the file system's name space";
        _exit(pipe_fifo_send(path, msg, sizeof msg) == (ssize_t)sizeof msg ? 0 : 1);
    }
    char buf[128] = "";
    ssize_t got = pipe_fifo_receive(path, buf, sizeof buf - 1);
    int status;
    while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
        ;
    trace_call("unlink", unlink(path), "\"%s\"", path);
    trace_call("rmdir", rmdir(dir), "\"%s\"", dir);
    if (got <= 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        die("part 5: the FIFO transfer failed");
    trace_note("part 5: received \"%s\"", buf);
}

int main(int argc, char **argv)
{
    err_set_progname(argv[0]);
    trace_set_role("parent");
    size_t big = 256 * 1024;
    int opt;
    while ((opt = cli_next_option(&CLI, argc, argv)) != -1) {
        if (opt == 's')
            big = (size_t)cli_parse_size(optarg, 1, 64L * 1024 * 1024, "size");
    }
    if (optind != argc)
        die_usage("unexpected argument '%s'", argv[optind]);

    trace_note("part 1: pipe_write_all and pipe_read_exact loop on short counts (see the tests)");
    part_one_way();
    part_exchange(big);
    part_epipe();
    part_fifo();
    printf("pipe_demo: all five parts worked\n");
    return 0;
}
