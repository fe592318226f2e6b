/*
 * test_pipe_child.c - lab 02's tests: one way, parent to child, with the test's reader (section 2).
 * Their points are set in test_pipe.c's table only; helpers: pipe_helpers.c.
 * They run in the checker, with no student code (see test_pipe.c).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "agent_services.h"
#include "boundary.h"
#include "checksum.h"
#include "err.h"
#include "fault.h"
#include "clock.h"
#include "grader.h"
#include "pipe_lab.h"
#include "trace.h"
#include "pipe_helpers.h"
#include "pipe_tests.h"

/* What the child must receive, and what the test's reader saw (written
 * by the reader, which runs in this process when the child calls it). */
struct expected {
    size_t len;
    uint64_t sum;
    int result;       /* the reader's verdict, READER_* (0: it never ran) */
    pid_t reader_pid; /* the student process that called it */
};

/* READER_OK is not 0, so a child that exits 0 without running the reader,
 * or a made-up status, cannot pass for a reader that read everything. */
enum reader_result {
    READER_OK = 42,
    READER_WRONG_DATA = 2,
    READER_OWN_WRITE_END_OPEN = 3,
    READER_NO_EOF = 4,
};

/* The access mode (O_RDONLY, O_WRONLY...) of process pid's descriptor fd, or -1. */
static int access_mode_of(pid_t pid, int fd)
{
    char path[64], line[128];
    snprintf(path, sizeof path, "/proc/%ld/fdinfo/%d", (long)pid, fd);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return -1;
    int mode = -1;
    unsigned flags;
    while (fgets(line, sizeof line, f) != NULL) {
        if (sscanf(line, "flags: %o", &flags) == 1)
            mode = (int)(flags & O_ACCMODE);
    }
    fclose(f);
    return mode;
}

/* True when process pid holds a write end of the pipe that read_fd (ours) reads:
 * looked at from outside, in /proc/pid/fd. */
static int holds_write_end_of(pid_t pid, int read_fd)
{
    struct stat pipe_st;
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld/fd", (long)pid);
    DIR *d = opendir(path);
    if (d == NULL || fstat(read_fd, &pipe_st) == -1) {
        if (d != NULL)
            closedir(d);
        return 0;
    }
    int holds = 0;
    struct dirent *e;
    while (!holds && (e = readdir(d)) != NULL) {
        struct stat st;
        char link[320];
        snprintf(link, sizeof link, "%s/%s", path, e->d_name);
        if (e->d_name[0] == '.' || stat(link, &st) == -1)
            continue;
        holds = S_ISFIFO(st.st_mode) && st.st_ino == pipe_st.st_ino &&
                st.st_dev == pipe_st.st_dev && access_mode_of(pid, atoi(e->d_name)) == O_WRONLY;
    }
    closedir(d);
    return holds;
}

/*
 * The test's reader, called by the child of pipe_send_to_child() and run
 * here with a copy of the child's read end: checks that the child closed
 * its own write end, reads everything, then waits (at most 3 s, scaled)
 * for end of file. Its verdict goes in want, and back to the child as the
 * status to exit with.
 */
static int judge_reading(int fd, struct expected *want)
{
    pid_t child = want->reader_pid;
    /* The child closes its copy of the write end before it calls the reader
     * (pipe_lab.h): if it is still open, EOF can never come. Say so at once. */
    if (holds_write_end_of(child, fd))
        return READER_OWN_WRITE_END_OPEN;
    size_t total = 0;
    uint64_t sum = CHECKSUM_INIT;
    char buf[65536];
    for (;;) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int ready = poll(&p, 1, grade_timeout_ms(3000));
        if (ready == -1 && errno == EINTR)
            continue;
        if (ready == 0) /* nothing for 3 s: no data, and no EOF */
            return holds_write_end_of(child, fd) ? READER_OWN_WRITE_END_OPEN : READER_NO_EOF;
        ssize_t n = read(fd, buf, sizeof buf);
        if (n == -1 && errno == EINTR)
            continue;
        if (n <= 0) {
            trace_call("read", n, "fd=%d (the reader sees EOF)", fd);
            break;
        }
        total += (size_t)n;
        sum = checksum_update(sum, buf, (size_t)n);
    }
    return (total == want->len && sum == want->sum) ? READER_OK : READER_WRONG_DATA;
}

static int read_all_then_eof(int fd, void *arg)
{
    struct expected *want = arg;
    want->reader_pid = boundary_callback_pid();
    want->result = judge_reading(fd, want);
    return want->result;
}

/* Fails with a message that says what the reader saw, and whether the
 * child's status agrees with it. */
static void assert_reader_succeeded(int status, const struct expected *want)
{
    ck_assert_msg(status != -1, "pipe_send_to_child() returned -1: %s", strerror(errno));
    ck_assert_msg(WIFEXITED(status), "the child %s; it should exit with the reader's result",
                  grade_describe_status(status));
    ck_assert_msg(want->result != 0,
                  "the test's reader never ran: pipe_send_to_child() must call reader(read_fd, "
                  "arg) in the child (it returned \"%s\")",
                  grade_describe_status(status));
    switch (want->result) {
    case READER_OK:
        ck_assert_msg(WEXITSTATUS(status) == READER_OK,
                      "the reader read everything and returned %d, but pipe_send_to_child() "
                      "returned \"%s\": the child must _exit() with the reader's result and the "
                      "parent return the status from waitpid()",
                      READER_OK, grade_describe_status(status));
        return;
    case 0:
        ck_abort_msg(
            "pipe_send_to_child() returned \"exited with status 0\", but the test's reader "
            "exits with %d when it read everything: did the child call reader() and "
            "_exit() with its result, and does the parent return the status from "
            "waitpid()?",
            READER_OK);
        break;
    case READER_OWN_WRITE_END_OPEN:
        ck_abort_msg("the child never saw EOF because it still holds its own copy of the "
                     "write end; close fds[1] in the child before reading");
        break;
    case READER_NO_EOF:
        ck_abort_msg("the child never saw EOF: the parent must close its write end after "
                     "writing, before waiting for the child");
        break;
    case READER_WRONG_DATA:
        ck_abort_msg("the child received different bytes than were sent (lost, repeated or "
                     "reordered data; does the parent write every byte?)");
        break;
    default:
        ck_abort_msg("the child exited with status %d; it should exit with the reader's result",
                     WEXITSTATUS(status));
    }
}

/* ---- 2. one way, parent to child --------------------------------------- */

START_TEST(child_reads_until_eof)
{
    const char msg[] = "one way, parent to child";
    struct expected want = {.len = sizeof msg,
                            .sum = checksum_update(CHECKSUM_INIT, msg, sizeof msg)};
    int status = pipe_send_to_child(msg, sizeof msg, read_all_then_eof, &want);
    REQUIRE_IMPL(status, "pipe_send_to_child");
    assert_reader_succeeded(status, &want);
}
END_TEST

START_TEST(write_end_closed_before_reader_waits_for_eof)
{
    /* The trace is the oracle: it shows which process closed what, in order. */
    const char *path = "trace.jsonl";
    /* The student's processes and this one (the reader) write one trace. */
    setenv("IPC_TRACE_FILE", path, 1);
    trace_reset();
    ck_assert_msg(agent_trace_to(path) == 0, "test setup: tracing the student's process failed");
    const char msg[] = "watch the closes";
    struct expected want = {.len = sizeof msg,
                            .sum = checksum_update(CHECKSUM_INIT, msg, sizeof msg)};
    int status = pipe_send_to_child(msg, sizeof msg, read_all_then_eof, &want);
    int send_errno = errno;
    agent_trace_to(NULL);
    unsetenv("IPC_TRACE_FILE");
    trace_reset();
    struct trace_log log;
    int loaded = trace_log_load(&log, path);
    unlink(path);
    grade_require_impl(status, send_errno, "pipe_send_to_child");
    assert_reader_succeeded(status, &want);
    ck_assert_msg(loaded == 0, "no trace was written; report each call with trace_call()");

    long pipe_at = trace_log_find(&log, 0, NULL, "pipe");
    while (pipe_at >= 0 && log.steps[pipe_at].write_fd < 0) /* the line that names its ends */
        pipe_at = trace_log_find(&log, pipe_at + 1, NULL, "pipe");
    ck_assert_msg(pipe_at >= 0, "the trace has no pipe(read=R, write=W) line");
    int write_fd = log.steps[pipe_at].write_fd;

    /* The reader's own line (judge_reading): the one read() this process
     * traces, when it saw the end. The student's processes have other pids. */
    long eof_at = trace_log_find(&log, 0, NULL, "read");
    while (eof_at >= 0 && log.steps[eof_at].pid != (long)getpid())
        eof_at = trace_log_find(&log, eof_at + 1, NULL, "read");
    ck_assert_msg(eof_at >= 0, "the reader never reached EOF");
    long reader_pid = want.reader_pid; /* the child that called the reader */
    long parent_pid = log.steps[pipe_at].pid;
    /*
     * The child's close of its copy must come before the reader's EOF: it
     * is written before the child calls the reader, which then runs here.
     * The parent must close its copy too (child_reads_until_eof shows that
     * it did so before waiting); the lines of two of the student's
     * processes can land in either order, so that is not compared.
     */
    long child_close = -1, parent_close = -1;
    for (long i = 0; i < (long)log.count; i++) {
        const struct trace_event *s = &log.steps[i];
        if (!trace_call_is(s->call, "close") || s->fd != write_fd)
            continue;
        if (s->pid == reader_pid && i < eof_at)
            child_close = i;
        if (s->pid == parent_pid)
            parent_close = i;
    }
    trace_log_free(&log);
    ck_assert_msg(child_close >= 0,
                  "the trace shows no close(fd=%d) in the child before it saw "
                  "EOF; the child must close its copy of the write end first",
                  write_fd);
    ck_assert_msg(parent_close >= 0,
                  "the trace shows no close(fd=%d) in the parent: it must close its write end "
                  "when it has written everything",
                  write_fd);
}
END_TEST

START_TEST(parent_keeps_no_pipe_descriptor)
{
    const char msg[] = "no leaks";
    struct expected want = {.len = sizeof msg,
                            .sum = checksum_update(CHECKSUM_INIT, msg, sizeof msg)};
    for (int i = 0; i < 20; i++) {
        int status = pipe_send_to_child(msg, sizeof msg, read_all_then_eof, &want);
        REQUIRE_IMPL(status, "pipe_send_to_child");
        assert_reader_succeeded(status, &want);
    }
    char held[512];
    int left = student_fds(held, sizeof held);
    ck_assert_msg(left == 0,
                  "after 20 transfers the parent holds %d more open descriptors (%s); "
                  "close both ends of each pipe in the parent",
                  left, held);
}
END_TEST

/*
 * A reader that reads nothing: it returns (and the child closes the read
 * end) once the pipe is full, so the parent is always in the middle of
 * writing when its reader goes: a write loop then meets EPIPE on its next
 * write, every time, whoever the scheduler runs first.
 */
static int read_nothing_once_full(int fd, void *arg)
{
    (void)arg;
    int queued = 0;
    for (int waited = 0; waited < grade_timeout_ms(3000); waited++) {
        if (ioctl(fd, FIONREAD, &queued) == -1 || queued >= PIPE_LAB_CAPACITY)
            break;
        clock_sleep_ms(1);
    }
    return READER_OK;
}

START_TEST(failed_write_to_child_is_reported)
{
    /* In the student's process: a write to the closed pipe then fails with EPIPE. */
    ck_assert(agent_set_signal(SIGPIPE, 1) == 0);
    size_t len = 4 * PIPE_LAB_CAPACITY; /* more than the pipe holds: the write must fail */
    char *data = pattern(len, 9);
    errno = 0;
    int status = pipe_send_to_child(data, len, read_nothing_once_full, NULL);
    int err = errno;
    free(data);
    grade_require_impl(status, err, "pipe_send_to_child");
    ck_assert_msg(status == -1 && err == EPIPE,
                  "the child read nothing and exited, so writing %zu bytes must fail with EPIPE; "
                  "pipe_send_to_child() returned %s%s instead of -1 with EPIPE",
                  len, status == -1 ? "-1 with " : grade_describe_status(status),
                  status == -1 ? errno_name(err) : "");
}
END_TEST

START_TEST(transfer_16_mib_checksum_matches)
{
    size_t len = 16u * 1024 * 1024;
    char *data = pattern(len, 16);
    struct expected want = {.len = len, .sum = checksum_update(CHECKSUM_INIT, data, len)};
    int status = pipe_send_to_child(data, len, read_all_then_eof, &want);
    free(data);
    REQUIRE_IMPL(status, "pipe_send_to_child");
    assert_reader_succeeded(status, &want);
}
END_TEST

GRADE_EXPORT(child_reads_until_eof)
GRADE_EXPORT(write_end_closed_before_reader_waits_for_eof)
GRADE_EXPORT(parent_keeps_no_pipe_descriptor)
GRADE_EXPORT(failed_write_to_child_is_reported)
GRADE_EXPORT(transfer_16_mib_checksum_matches)
