/*
 * test_pipe.c - the graded tests of lab 02 (pipes).
 *
 * Each test checks one behaviour of pipe_lab.h. The table at the bottom
 * declares every test with its points, timeout and hint: that table is
 * the only place points are set.
 *
 * These tests run in the checker, a process with no student code
 * (boundary.h): each pipe_*() call here goes to the student's process, and
 * the tests hold their own ends of every pipe, make the data and read what
 * arrives. The test's reader runs here too, called back by the student's
 * child; what it saw is the verdict, never the status the child reports.
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
#include "grader.h"
#include "pipe_lab.h"
#include "trace.h"

/* ---- helpers ---------------------------------------------------------- */

static void make_pipe(int fds[2])
{
    ck_assert_msg(pipe(fds) == 0, "test setup: pipe() failed: %s", errno_name(errno));
}

/* A byte pattern that is the same in every run. */
static char *pattern(size_t len, uint64_t seed)
{
    char *buf = malloc(len ? len : 1);
    ck_assert_msg(buf != NULL, "test setup: malloc(%zu) failed", len);
    checksum_fill_pattern(buf, len, seed);
    return buf;
}

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

/* What process pid has moved so far, from outside (/proc/pid/io): bytes read
 * and written, and read and write system calls made (any fd, any kind). */
struct io_counts {
    unsigned long long rchar, wchar, syscr, syscw;
};

static struct io_counts io_of(pid_t pid)
{
    struct io_counts io = {0, 0, 0, 0};
    char path[64], line[128];
    snprintf(path, sizeof path, "/proc/%ld/io", (long)pid);
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "test setup: %s cannot be read: %s", path, errno_name(errno));
    while (fgets(line, sizeof line, f) != NULL) {
        sscanf(line, "rchar: %llu", &io.rchar);
        sscanf(line, "wchar: %llu", &io.wchar);
        sscanf(line, "syscr: %llu", &io.syscr);
        sscanf(line, "syscw: %llu", &io.syscw);
    }
    fclose(f);
    return io;
}

/*
 * A wait in poll() costs a read() or write() or two; a loop that retries at
 * once on EAGAIN makes thousands in the same time. Counted from outside, the
 * calls tell one from the other on a busy machine too, where a spinning
 * process may get too little CPU for its CPU time to show it.
 */
enum { RETRIES_OF_A_BUSY_LOOP = 200 };

/* CPU time the student's process has used, user and system, in seconds. */
static double cpu_seconds(void)
{
    double cpu = grade_process_cpu_seconds(boundary_agent_pid());
    ck_assert_msg(cpu >= 0, "test setup: the CPU time of the student's process cannot be read");
    return cpu;
}

static double wall_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void sleep_ms(int ms)
{
    struct timespec t = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000};
    while (nanosleep(&t, &t) == -1 && errno == EINTR)
        ;
}

static void set_nonblocking(int fd)
{
    int flags = fcntl(fd, F_GETFL);
    ck_assert_msg(flags != -1 && fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0,
                  "test setup: fcntl(O_NONBLOCK) failed");
}

/* Descriptors the student's process holds between calls: its leaks (boundary.h). */
static int student_fds(char *list, size_t size)
{
    int count = boundary_agent_fds(boundary_agent_pid(), list, size);
    ck_assert_msg(count >= 0, "test setup: the student's process cannot be looked at");
    return count;
}

/* ---- 1. loops for short counts ---------------------------------------- */

START_TEST(write_all_writes_every_byte)
{
    int fds[2];
    make_pipe(fds);
    char *data = pattern(1000, 1);
    ssize_t n = pipe_write_all(fds[1], data, 1000);
    REQUIRE_IMPL(n, "pipe_write_all");
    ck_assert_msg(n == 1000, "pipe_write_all returned %zd, expected 1000", n);
    char back[1000];
    ck_assert_int_eq(read(fds[0], back, sizeof back), 1000);
    ck_assert_msg(memcmp(back, data, 1000) == 0, "the bytes in the pipe differ from the input");
    free(data);
    close(fds[0]);
    close(fds[1]);
}
END_TEST

START_TEST(write_all_loops_on_short_writes)
{
    int fds[2];
    make_pipe(fds);
    char *data = pattern(5000, 2);
    fault_set(FAULT_OUT, (struct fault_plan){.fd = fds[1], .max_bytes = 7});
    ssize_t n = pipe_write_all(fds[1], data, 5000);
    REQUIRE_IMPL(n, "pipe_write_all");
    unsigned long shortened = fault_injected(FAULT_OUT);
    char watched[256];
    snprintf(watched, sizeof watched, "%s", fault_describe(FAULT_OUT));
    fault_reset();
    ck_assert_msg(shortened >= 700,
                  "writes to the pipe were to be cut to 7 bytes, but only %lu were (calls seen: "
                  "%s); pipe_write_all must write to fd itself, with any of these calls",
                  shortened, watched);
    ck_assert_msg(n == 5000, "with writes cut to 7 bytes, pipe_write_all returned %zd, not 5000",
                  n);
    char back[5000];
    ck_assert_int_eq(pipe_read_exact(fds[0], back, sizeof back), 5000);
    ck_assert_msg(memcmp(back, data, 5000) == 0, "bytes were lost or repeated across short writes");
    free(data);
    close(fds[0]);
    close(fds[1]);
}
END_TEST

START_TEST(write_all_retries_eintr_and_eagain)
{
    int fds[2];
    make_pipe(fds);
    char *data = pattern(3000, 3);
    fault_set(FAULT_OUT, (struct fault_plan){
                             .fd = fds[1], .max_bytes = 100, .fail_every = 3, .fail_errno = EINTR});
    ssize_t n = pipe_write_all(fds[1], data, 1500);
    REQUIRE_IMPL(n, "pipe_write_all");
    int err = errno;
    unsigned long injected = fault_injected(FAULT_OUT);
    ck_assert_msg(n == 1500, "with EINTR on every 3rd write, pipe_write_all returned %zd (%s)", n,
                  n == -1 ? errno_name(err) : "short");
    ck_assert_msg(injected >= 5,
                  "EINTR was to fail every 3rd write, but only %lu faults were injected (calls "
                  "seen: %s)",
                  injected, fault_describe(FAULT_OUT));
    fault_set(
        FAULT_OUT,
        (struct fault_plan){.fd = fds[1], .max_bytes = 100, .fail_every = 2, .fail_errno = EAGAIN});
    n = pipe_write_all(fds[1], data + 1500, 1500);
    err = errno;
    injected = fault_injected(FAULT_OUT);
    char watched[256];
    snprintf(watched, sizeof watched, "%s", fault_describe(FAULT_OUT));
    fault_reset();
    ck_assert_msg(n == 1500,
                  "with EAGAIN on every 2nd write, pipe_write_all returned %zd (%s); EAGAIN means "
                  "wait for POLLOUT and try again, not fail",
                  n, n == -1 ? errno_name(err) : "short");
    ck_assert_msg(injected >= 5,
                  "EAGAIN was to fail every 2nd write, but only %lu faults were injected (calls "
                  "seen: %s)",
                  injected, watched);
    char back[3000];
    ck_assert_int_eq(pipe_read_exact(fds[0], back, sizeof back), 3000);
    ck_assert_msg(memcmp(back, data, 3000) == 0, "bytes were lost or repeated around EINTR/EAGAIN");
    free(data);
    close(fds[0]);
    close(fds[1]);
}
END_TEST

START_TEST(read_exact_loops_on_short_reads_and_eintr)
{
    int fds[2];
    make_pipe(fds);
    char *data = pattern(4000, 4);
    ck_assert_int_eq(write(fds[1], data, 4000), 4000);
    fault_set(FAULT_IN, (struct fault_plan){
                            .fd = fds[0], .max_bytes = 5, .fail_every = 4, .fail_errno = EINTR});
    char back[4000];
    ssize_t n = pipe_read_exact(fds[0], back, sizeof back);
    REQUIRE_IMPL(n, "pipe_read_exact");
    int err = errno;
    unsigned long injected = fault_injected(FAULT_IN);
    char watched[256];
    snprintf(watched, sizeof watched, "%s", fault_describe(FAULT_IN));
    fault_reset();
    ck_assert_msg(n == 4000,
                  "with reads cut to 5 bytes and EINTR, pipe_read_exact returned %zd (%s)", n,
                  n == -1 ? errno_name(err) : "short");
    ck_assert_msg(injected > 100,
                  "reads from the pipe were to be cut short, but only %lu faults happened "
                  "(calls seen: %s)",
                  injected, watched);
    ck_assert_msg(memcmp(back, data, 4000) == 0, "bytes were lost or repeated across short reads");

    /* EAGAIN: a non-blocking descriptor with nothing to read yet. The
     * contract says wait (poll for POLLIN) and go on, not fail. */
    ck_assert_int_eq(write(fds[1], data, 4000), 4000);
    fault_set(FAULT_IN, (struct fault_plan){
                            .fd = fds[0], .max_bytes = 50, .fail_every = 2, .fail_errno = EAGAIN});
    memset(back, 0, sizeof back);
    n = pipe_read_exact(fds[0], back, sizeof back);
    err = errno;
    injected = fault_injected(FAULT_IN);
    snprintf(watched, sizeof watched, "%s", fault_describe(FAULT_IN));
    fault_reset();
    ck_assert_msg(n == 4000,
                  "with EAGAIN on every 2nd read, pipe_read_exact returned %zd (%s); EAGAIN means "
                  "wait with poll() for POLLIN and read again, not fail",
                  n, n == -1 ? errno_name(err) : "short");
    ck_assert_msg(
        injected > 40,
        "EAGAIN was to fail every 2nd read, but only %lu faults happened (calls seen: %s)",
        injected, watched);
    ck_assert_msg(memcmp(back, data, 4000) == 0, "bytes were lost or repeated around EAGAIN");
    free(data);
    close(fds[0]);
    close(fds[1]);
}
END_TEST

START_TEST(read_exact_stops_at_end_of_file)
{
    int fds[2];
    make_pipe(fds);
    ck_assert_int_eq(write(fds[1], "0123456789", 10), 10);
    close(fds[1]);
    char back[100];
    ssize_t n = pipe_read_exact(fds[0], back, sizeof back);
    REQUIRE_IMPL(n, "pipe_read_exact");
    ck_assert_msg(n == 10, "10 bytes then EOF: pipe_read_exact returned %zd, expected 10", n);
    n = pipe_read_exact(fds[0], back, sizeof back);
    ck_assert_msg(n == 0, "at EOF, pipe_read_exact must return 0, not %zd", n);
    close(fds[0]);
}
END_TEST

/*
 * "Waits with poll()": a non-blocking pipe that stays full (or empty) for
 * WAIT_MS must cost the waiting side almost no CPU. A loop that retries
 * write() or read() on EAGAIN at once burns a whole core instead.
 */
#define WAIT_MS 400

START_TEST(write_all_waits_in_poll_while_the_pipe_is_full)
{
    int fds[2];
    make_pipe(fds);
    set_nonblocking(fds[1]);
    char block[4096];
    memset(block, 'w', sizeof block);
    size_t filled = 0;
    while (write(fds[1], block, sizeof block) > 0)
        filled += sizeof block;
    ck_assert_msg(errno == EAGAIN, "test setup: filling the pipe ended with %s", errno_name(errno));
    pid_t pid = fork();
    ck_assert(pid != -1);
    if (pid == 0) { /* the slow reader: drains the pipe after WAIT_MS */
        close(fds[1]);
        sleep_ms(WAIT_MS);
        char buf[65536];
        while (read(fds[0], buf, sizeof buf) > 0)
            ;
        _exit(0);
    }
    close(fds[0]);
    struct io_counts io_before = io_of(boundary_agent_pid());
    double cpu_before = cpu_seconds(), wall_before = wall_seconds();
    ssize_t n = pipe_write_all(fds[1], block, sizeof block);
    int err = errno;
    double cpu = cpu_seconds() - cpu_before, waited = wall_seconds() - wall_before;
    unsigned long long writes = io_of(boundary_agent_pid()).syscw - io_before.syscw;
    close(fds[1]);
    int status = grade_wait_child(pid, 5000);
    grade_require_impl(n, err, "pipe_write_all");
    ck_assert_msg(n == (ssize_t)sizeof block,
                  "pipe_write_all() on a full non-blocking pipe returned %zd (%s); it must wait "
                  "for room (poll() for POLLOUT) and then write",
                  n, n == -1 ? errno_name(err) : "short");
    ck_assert_msg(waited > 0.5 * WAIT_MS / 1000.0,
                  "pipe_write_all() returned after %.0f ms, before the reader made room",
                  waited * 1000);
    ck_assert_msg(cpu < 0.25 * waited && writes < RETRIES_OF_A_BUSY_LOOP,
                  "pipe_write_all() used %.0f ms of CPU and made %llu write calls while waiting "
                  "%.0f ms for room: it retries write() at once on EAGAIN (a busy loop). Wait "
                  "with poll(POLLOUT) instead",
                  cpu * 1000, writes, waited * 1000);
    ck_assert_msg(status != -1 && WIFEXITED(status), "test setup: the reader did not finish");
}
END_TEST

START_TEST(read_exact_waits_in_poll_while_the_pipe_is_empty)
{
    int fds[2];
    make_pipe(fds);
    set_nonblocking(fds[0]);
    pid_t pid = fork();
    ck_assert(pid != -1);
    if (pid == 0) { /* the slow writer */
        close(fds[0]);
        sleep_ms(WAIT_MS);
        _exit(write(fds[1], "late", 4) == 4 ? 0 : 1);
    }
    close(fds[1]);
    char buf[4];
    struct io_counts io_before = io_of(boundary_agent_pid());
    double cpu_before = cpu_seconds(), wall_before = wall_seconds();
    ssize_t n = pipe_read_exact(fds[0], buf, sizeof buf);
    int err = errno;
    double cpu = cpu_seconds() - cpu_before, waited = wall_seconds() - wall_before;
    unsigned long long reads = io_of(boundary_agent_pid()).syscr - io_before.syscr;
    close(fds[0]);
    int status = grade_wait_child(pid, 5000);
    grade_require_impl(n, err, "pipe_read_exact");
    ck_assert_msg(n == 4,
                  "pipe_read_exact() on an empty non-blocking pipe returned %zd (%s); on EAGAIN it "
                  "must wait (poll() for POLLIN) and read again",
                  n, n == -1 ? errno_name(err) : "short");
    ck_assert_msg(cpu < 0.25 * waited && reads < RETRIES_OF_A_BUSY_LOOP,
                  "pipe_read_exact() used %.0f ms of CPU and made %llu read calls while waiting "
                  "%.0f ms for data: it retries read() at once on EAGAIN (a busy loop). Wait "
                  "with poll(POLLIN) instead",
                  cpu * 1000, reads, waited * 1000);
    ck_assert_msg(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0,
                  "test setup: the writer failed");
}
END_TEST

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

    long pipe_at = trace_log_find(&log, 0, NULL, "pipe", "write=");
    ck_assert_msg(pipe_at >= 0, "the trace has no pipe(read=R, write=W) line");
    int write_fd = -1;
    const char *w = strstr(log.steps[pipe_at].args, "write=");
    ck_assert(w != NULL && sscanf(w, "write=%d", &write_fd) == 1);

    long eof_at = trace_log_find(&log, 0, NULL, "read", "sees EOF");
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
        const struct trace_step *s = &log.steps[i];
        if (!trace_call_is(s->call, "close") || !trace_names_fd(s->args, write_fd))
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
        sleep_ms(1);
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

/* ---- 3. request and response over two pipes ---------------------------- */

/* Starts the coprocess or fails the test with the reason. */
static void start_coprocess(struct pipe_coprocess *cp)
{
    ck_assert(agent_set_signal(SIGPIPE, 1) == 0); /* a dead coprocess must not kill the parent */
    int rc = pipe_coprocess_start(cp);
    REQUIRE_IMPL(rc, "pipe_coprocess_start");
    ck_assert_msg(rc == 0, "pipe_coprocess_start failed: %s", errno_name(errno));
    /* Seen from outside: cp->pid is a child the student's process forked. */
    ck_assert_msg(cp->pid > 0 && grade_parent_of(cp->pid) == boundary_agent_pid(),
                  "cp->pid (%ld) is not a child of the process that called "
                  "pipe_coprocess_start(): it must be the coprocess fork() made",
                  (long)cp->pid);
}

/* Watches the test's processes: a deadlock fails in 2 s, named, not at the limit. */
static void watch_processes(void)
{
    grade_watch_start(grade_progress_of_processes, grade_describe_processes, NULL, 2000, NULL);
}

/* pipe_coprocess_exchange() under the watchdog. */
static ssize_t exchange_watched(struct pipe_coprocess *cp, const void *request, void *reply,
                                size_t len)
{
    struct io_counts before = io_of(cp->pid);
    watch_processes();
    ssize_t n = pipe_coprocess_exchange(cp, request, reply, len);
    int err = errno;
    const char *stalled = grade_watch_stop();
    if (stalled)
        ck_abort_msg("pipe_coprocess_exchange() of %zu bytes stopped moving data (%s): a "
                     "deadlock. Each side waits for the other; poll() both pipes and move "
                     "whatever can move, counting what each call really moved",
                     len, stalled);
    /* The reply must have gone through the coprocess: it read and wrote it all. */
    struct io_counts after = io_of(cp->pid);
    if (n == (ssize_t)len)
        ck_assert_msg(after.rchar - before.rchar >= len && after.wchar - before.wchar >= len,
                      "pipe_coprocess_exchange() returned %zu bytes, but the coprocess read %llu "
                      "and wrote %llu meanwhile: the reply must come from the child, through "
                      "the pipes",
                      len, after.rchar - before.rchar, after.wchar - before.wchar);
    errno = err;
    return n;
}

static void finish_coprocess(struct pipe_coprocess *cp)
{
    watch_processes();
    int status = pipe_coprocess_finish(cp);
    int err = errno;
    const char *stalled = grade_watch_stop();
    if (stalled)
        ck_abort_msg("pipe_coprocess_finish() waited for a coprocess that never ended (%s): "
                     "the child sees EOF only once every copy of the request pipe's write end "
                     "is closed, in the parent and in the child",
                     stalled);
    errno = err;
    REQUIRE_IMPL(status, "pipe_coprocess_finish");
    ck_assert_msg(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0,
                  "the coprocess should exit 0 after EOF; it %s",
                  status == -1 ? "could not be waited for" : grade_describe_status(status));
}

START_TEST(exchange_returns_upper_case)
{
    struct pipe_coprocess cp;
    start_coprocess(&cp);
    const char request[] = "Hello, Pipes! 123";
    char reply[sizeof request];
    ssize_t n = exchange_watched(&cp, request, reply, sizeof request);
    REQUIRE_IMPL(n, "pipe_coprocess_exchange");
    ck_assert_msg(n == (ssize_t)sizeof request, "exchange returned %zd: %s", n,
                  n == -1 ? errno_name(errno) : "no error");
    ck_assert_str_eq(reply, "HELLO, PIPES! 123");
    finish_coprocess(&cp);
}
END_TEST

START_TEST(exchange_1_mib_does_not_deadlock)
{
    struct pipe_coprocess cp;
    start_coprocess(&cp);
    size_t len = 1024 * 1024; /* 16 times a pipe's capacity */
    char *request = malloc(len), *reply = malloc(len);
    ck_assert(request && reply);
    for (size_t i = 0; i < len; i++)
        request[i] = (char)('a' + i % 26);
    ssize_t n = exchange_watched(&cp, request, reply, len);
    REQUIRE_IMPL(n, "pipe_coprocess_exchange");
    ck_assert_msg(n == (ssize_t)len, "exchange of 1 MiB returned %zd: %s", n,
                  n == -1 ? errno_name(errno) : "no error");
    for (size_t i = 0; i < len; i++) {
        if (reply[i] != (char)('A' + i % 26))
            ck_abort_msg("byte %zu of the reply is wrong", i);
    }
    free(request);
    free(reply);
    finish_coprocess(&cp);
}
END_TEST

START_TEST(exchange_survives_short_writes_and_reads)
{
    struct pipe_coprocess cp;
    start_coprocess(&cp);
    size_t len = 200000;
    char *request = malloc(len), *reply = malloc(len);
    ck_assert(request && reply);
    memset(request, 'q', len);
    fault_set(FAULT_OUT, (struct fault_plan){.fd = cp.to_child, .max_bytes = 999});
    fault_set(FAULT_IN,
              (struct fault_plan){
                  .fd = cp.from_child, .max_bytes = 333, .fail_every = 5, .fail_errno = EINTR});
    ssize_t n = exchange_watched(&cp, request, reply, len);
    REQUIRE_IMPL(n, "pipe_coprocess_exchange");
    int err = errno;
    unsigned long out_faults = fault_injected(FAULT_OUT), in_faults = fault_injected(FAULT_IN);
    char watched[600];
    snprintf(watched, sizeof watched, "out: %s; in: %s", fault_describe(FAULT_OUT),
             fault_describe(FAULT_IN));
    fault_reset();
    ck_assert_msg(n == (ssize_t)len, "with short I/O the exchange returned %zd (%s)", n,
                  n == -1 ? errno_name(err) : "short");
    ck_assert_msg(out_faults > 0 && in_faults > 0,
                  "short writes and reads were to be injected on both pipes, but they did not "
                  "happen (%s)",
                  watched);
    for (size_t i = 0; i < len; i++) {
        if (reply[i] != 'Q')
            ck_abort_msg("byte %zu of the reply is wrong after short I/O", i);
    }
    free(request);
    free(reply);
    finish_coprocess(&cp);
}
END_TEST

/* ---- 4. the writer whose reader is gone --------------------------------- */

/*
 * Stops process target again and again (2 ms stopped, 2 ms running) until
 * the returned pipe's write end is closed. While the coprocess is stopped
 * the exchange can only wait in poll(), so the test's signals land there,
 * every run, however fast the machine.
 */
static pid_t start_stopper(pid_t target, int *quit_fd)
{
    int quit[2];
    make_pipe(quit);
    pid_t pid = fork();
    ck_assert_msg(pid != -1, "test setup: fork: %s", errno_name(errno));
    if (pid == 0) {
        close(quit[1]);
        struct pollfd p = {.fd = quit[0], .events = POLLIN};
        do {
            kill(target, SIGSTOP);
            sleep_ms(2);
            kill(target, SIGCONT);
        } while (poll(&p, 1, 2) == 0);
        _exit(0);
    }
    close(quit[0]);
    *quit_fd = quit[1];
    return pid;
}

START_TEST(exchange_survives_signals_during_poll)
{
    struct pipe_coprocess cp;
    start_coprocess(&cp);
    size_t len = 1024 * 1024;
    char *request = malloc(len), *reply = malloc(len);
    ck_assert(request && reply);
    memset(request, 's', len);
    /* SIGALRM without SA_RESTART in the student's process: poll() fails with EINTR. */
    ck_assert(agent_interrupt_every(300) >= 0);
    int quit;
    pid_t stopper = start_stopper(cp.pid, &quit);
    ssize_t n = -1;
    int err = 0;
    for (int round = 0; round < 3; round++) {
        n = exchange_watched(&cp, request, reply, len);
        err = errno;
        if (n != (ssize_t)len)
            break;
    }
    close(quit);
    grade_wait_child(stopper, 2000);
    kill(cp.pid, SIGCONT); /* never left stopped, whatever happened */
    long seen = agent_interrupt_every(0);
    REQUIRE_IMPL(n, "pipe_coprocess_exchange");
    ck_assert_msg(seen > 0, "test setup: no signal arrived during the exchange");
    ck_assert_msg(n == (ssize_t)len,
                  "with a signal every 0.3 ms (%ld arrived), pipe_coprocess_exchange returned %zd "
                  "(%s); poll(), read() and write() fail with EINTR when a signal interrupts them: "
                  "retry, do not give up",
                  seen, n, n == -1 ? errno_name(err) : "short");
    for (size_t i = 0; i < len; i++) {
        if (reply[i] != 'S')
            ck_abort_msg("byte %zu of the reply is wrong after signals", i);
    }
    free(request);
    free(reply);
    finish_coprocess(&cp);
}
END_TEST

/* The coprocess to kill when the timer fires. */
static volatile pid_t victim;

static void kill_victim(int sig)
{
    (void)sig;
    kill(victim, SIGKILL);
}

/* Not 0 for the right answer: an exit(0) in the code under test must not read as EPIPE. */
enum { EXCHANGE_EPIPE = 20, EXCHANGE_ENOSYS = 10, EXCHANGE_OTHER = 11, EXCHANGE_SUCCEEDED = 12 };

START_TEST(exchange_reports_child_death_mid_exchange)
{
    /* In a process of its own, so that an exchange that never returns can be
     * told apart from the test's own time limit. */
    pid_t driver = fork();
    ck_assert(driver != -1);
    if (driver == 0) {
        agent_set_signal(SIGPIPE, 1);
        struct pipe_coprocess cp;
        if (pipe_coprocess_start(&cp) == -1)
            _exit(errno == ENOSYS ? EXCHANGE_ENOSYS : EXCHANGE_OTHER);
        /* Stopped, the coprocess takes the request but never answers; the
         * timer then kills it while the exchange waits for the reply. */
        kill(cp.pid, SIGSTOP);
        victim = cp.pid;
        struct sigaction sa = {.sa_handler = kill_victim, .sa_flags = SA_RESTART};
        sigemptyset(&sa.sa_mask);
        sigaction(SIGALRM, &sa, NULL);
        struct itimerval it = {.it_value = {0, 200000}};
        setitimer(ITIMER_REAL, &it, NULL);
        char reply[100];
        ssize_t n = pipe_coprocess_exchange(&cp, "a request nobody answers", reply, 24);
        int err = errno;
        waitpid(cp.pid, NULL, 0);
        if (n == -1 && err == ENOSYS)
            _exit(EXCHANGE_ENOSYS);
        _exit(n == -1 ? (err == EPIPE ? EXCHANGE_EPIPE : EXCHANGE_OTHER) : EXCHANGE_SUCCEEDED);
    }
    int status = grade_wait_child(driver, 3000);
    if (status == -1) /* its student process may still be inside the exchange */
        boundary_kill_student_of(driver, SIGKILL);
    /* The coprocess, killed by the timer, may have been left to this process. */
    while (waitpid(-1, NULL, WNOHANG) > 0)
        ;
    ck_assert_msg(status != -1,
                  "pipe_coprocess_exchange() was still running 3 s after the coprocess died "
                  "mid-exchange (killed 0.2 s in, before it answered). Its response pipe then "
                  "reports POLLHUP and read() returns 0: return -1 with EPIPE");
    ck_assert_msg(WIFEXITED(status), "the exchanging process %s", grade_describe_status(status));
    if (WEXITSTATUS(status) == EXCHANGE_ENOSYS)
        ck_abort_msg("not implemented yet: pipe_coprocess_start() or pipe_coprocess_exchange() "
                     "returned ENOSYS");
    ck_assert_msg(WEXITSTATUS(status) != EXCHANGE_SUCCEEDED,
                  "pipe_coprocess_exchange() reported success although the coprocess died "
                  "before answering");
    ck_assert_msg(WEXITSTATUS(status) == EXCHANGE_EPIPE,
                  "when the coprocess dies mid-exchange, pipe_coprocess_exchange() must fail with "
                  "EPIPE (see pipe_lab.h), not another errno");
}
END_TEST

START_TEST(write_without_reader_gives_epipe_not_death)
{
    /* The student's code runs in a process of its own, so a death by
     * SIGPIPE there shows as that process ending during pipe_write_all(). */
    ck_assert(agent_set_signal(SIGPIPE, 0) == 0); /* start from the default: death */
    int rc = pipe_ignore_sigpipe();
    REQUIRE_IMPL(rc, "pipe_ignore_sigpipe");
    ck_assert_msg(rc == 0, "pipe_ignore_sigpipe() failed: %s", errno_name(errno));
    int fds[2];
    make_pipe(fds);
    close(fds[0]);
    errno = 0;
    ssize_t n = pipe_write_all(fds[1], "x", 1);
    int err = errno;
    close(fds[1]);
    grade_require_impl(n, err, "pipe_write_all");
    ck_assert_msg(n == -1 && err == EPIPE,
                  "pipe_write_all() to a pipe without readers must return -1 with EPIPE, not "
                  "%zd (%s)",
                  n, n == -1 ? errno_name(err) : "success");
}
END_TEST

/* ---- 5. named pipes ---------------------------------------------------- */

START_TEST(fifo_created_private_and_not_twice)
{
    int rc = pipe_fifo_create("lab.fifo");
    REQUIRE_IMPL(rc, "pipe_fifo_create");
    ck_assert_msg(rc == 0, "pipe_fifo_create failed: %s", errno_name(errno));
    struct stat st;
    ck_assert_int_eq(stat("lab.fifo", &st), 0);
    int is_fifo = S_ISFIFO(st.st_mode);
    int mode = (int)(st.st_mode & 0777);
    errno = 0;
    int again = pipe_fifo_create("lab.fifo");
    int again_errno = errno;
    unlink("lab.fifo");
    ck_assert_msg(is_fifo, "lab.fifo exists but is not a FIFO; use mkfifo()");
    ck_assert_msg(mode == 0600, "the FIFO has mode %03o; it must be 0600 (owner only)", mode);
    ck_assert_msg(again == -1 && again_errno == EEXIST,
                  "creating the same FIFO twice must fail with EEXIST");
}
END_TEST

/* What the dribbling writer (below) tells the test, as its exit status. */
enum { DRIBBLE_OK = 0, DRIBBLE_OPEN_FAILED = 3, DRIBBLE_NOT_TAKEN = 4, DRIBBLE_WRITE_FAILED = 5 };

/*
 * The test's own writer: opens the FIFO and writes len bytes in pieces of
 * `piece`, each only once the reader has taken everything before it
 * (FIONREAD says the FIFO is empty). So every read() the reader makes
 * returns at most one piece: real short reads, made by the kernel, which
 * reach every way of reading (read(), stdio's fread(), syscall()...), where
 * fault injection reaches only the calls the program makes itself.
 */
static _Noreturn void dribble_into_fifo(const char *path, const char *data, size_t len,
                                        size_t piece)
{
    int fd = open(path, O_WRONLY);
    if (fd == -1)
        _exit(DRIBBLE_OPEN_FAILED);
    for (size_t done = 0; done < len; done += piece) {
        size_t n = len - done < piece ? len - done : piece;
        if (write(fd, data + done, n) != (ssize_t)n)
            _exit(DRIBBLE_WRITE_FAILED);
        int unread = 1;
        for (int waited = 0; waited < 2000 && unread > 0; waited++) {
            if (ioctl(fd, FIONREAD, &unread) == -1)
                _exit(DRIBBLE_WRITE_FAILED);
            if (unread > 0)
                sleep_ms(1);
        }
        if (unread > 0)
            _exit(DRIBBLE_NOT_TAKEN); /* the reader stopped reading for 2 s */
    }
    close(fd);
    _exit(DRIBBLE_OK);
}

START_TEST(fifo_carries_message_between_processes)
{
    int rc = pipe_fifo_create("talk.fifo");
    REQUIRE_IMPL(rc, "pipe_fifo_create");
    ck_assert_msg(rc == 0, "pipe_fifo_create failed: %s", errno_name(errno));
    const char msg[] = "through a name in the file system";

    /* 1. The lab's sender and the lab's receiver. */
    pid_t pid = fork();
    ck_assert(pid != -1);
    if (pid == 0) { /* its own student process sends; it must hold nothing after */
        ssize_t sent = pipe_fifo_send("talk.fifo", msg, sizeof msg);
        if (sent != (ssize_t)sizeof msg)
            _exit(1);
        _exit(boundary_agent_fds(boundary_agent_pid(), NULL, 0) == 0 ? 0 : 2);
    }
    grade_waiting_for("pipe_fifo_receive() to read what pipe_fifo_send() wrote");
    char buf[256] = "";
    ssize_t got = pipe_fifo_receive("talk.fifo", buf, sizeof buf);
    int receive_errno = errno;
    if (got == -1) { /* the writer may wait in open() for a reader that never came */
        boundary_kill_student_of(pid, SIGKILL);
        kill(pid, SIGKILL);
    }
    int status = grade_wait_child(pid, 5000);
    grade_require_impl(got, receive_errno, "pipe_fifo_receive");
    int writer_exited = status != -1 && WIFEXITED(status);
    ck_assert_msg(!writer_exited || WEXITSTATUS(status) != 2,
                  "pipe_fifo_send() left the FIFO open in the writing process: close it when done");
    ck_assert_msg(!writer_exited || WEXITSTATUS(status) == 0,
                  "the writing process failed: pipe_fifo_send must write all bytes and close");
    ck_assert_msg(got == (ssize_t)sizeof msg,
                  "pipe_fifo_receive returned %zd (%s) for the %zu bytes pipe_fifo_send wrote: "
                  "read until end of file or until cap bytes",
                  got, got == -1 ? errno_name(receive_errno) : "wrong length", sizeof msg);
    ck_assert_str_eq(buf, msg);
    ck_assert_msg(writer_exited, "the writing process never finished: pipe_fifo_send() must "
                                 "return once it has written everything and closed the FIFO");

    /* 2. A writer that hands over 5 bytes at a time: each read returns at most 5. */
    pid = fork();
    ck_assert(pid != -1);
    if (pid == 0)
        dribble_into_fifo("talk.fifo", msg, sizeof msg, 5);
    grade_waiting_for("pipe_fifo_receive() to read a message that arrives 5 bytes at a time");
    memset(buf, 0, sizeof buf);
    got = pipe_fifo_receive("talk.fifo", buf, sizeof buf);
    receive_errno = errno;
    if (got == -1)
        kill(pid, SIGKILL);
    status = grade_wait_child(pid, 5000);
    unlink("talk.fifo");
    ck_assert_msg(got == (ssize_t)sizeof msg,
                  "with the message arriving 5 bytes at a time (each read() returns at most 5), "
                  "pipe_fifo_receive returned %zd (%s), expected %zu: read until end of file or "
                  "until cap bytes",
                  got, got == -1 ? errno_name(receive_errno) : "wrong length", sizeof msg);
    ck_assert_str_eq(buf, msg);
    ck_assert_msg(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == DRIBBLE_OK,
                  "test setup: the test's writer %s",
                  status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == DRIBBLE_NOT_TAKEN
                      ? "saw pipe_fifo_receive() stop reading for 2 s"
                      : "failed");
}
END_TEST

START_TEST(fifo_open_interrupted_by_a_signal_gives_eintr)
{
    int rc = pipe_fifo_create("nobody.fifo");
    REQUIRE_IMPL(rc, "pipe_fifo_create");
    ck_assert_msg(rc == 0, "pipe_fifo_create failed: %s", errno_name(errno));
    pid_t pid = fork();
    ck_assert(pid != -1);
    if (pid == 0) {
        /* Nobody ever opens the other end; in its student process a signal
         * (without SA_RESTART) comes after 0.2 s. */
        if (agent_interrupt_every(200000) == -1)
            _exit(11);
        char buf[16];
        ssize_t got = pipe_fifo_receive("nobody.fifo", buf, sizeof buf);
        if (got == -1 && errno == ENOSYS)
            _exit(10);
        _exit(got == -1 && errno == EINTR ? 0 : 1);
    }
    pid_t student = boundary_student_of(pid);
    int status = grade_wait_child(pid, 3000);
    if (status == -1 && student > 0)
        kill(student, SIGKILL); /* still waiting in open() */
    unlink("nobody.fifo");
    ck_assert_msg(
        status != -1,
        "pipe_fifo_receive() was still waiting 3 s after a signal interrupted its open() "
        "of a FIFO nobody writes to: return -1 with EINTR (see pipe_lab.h), do not retry, "
        "so that a program can stop on Ctrl-C");
    ck_assert_msg(WIFEXITED(status), "the receiving process %s", grade_describe_status(status));
    if (WEXITSTATUS(status) == 10)
        ck_abort_msg("not implemented yet: pipe_fifo_receive() returned ENOSYS");
    ck_assert_msg(WEXITSTATUS(status) == 0,
                  "when a signal interrupts open(), pipe_fifo_receive() must return -1 with EINTR");
}
END_TEST

int main(int argc, char **argv)
{
    const struct grade_test tests[] = {
        {"write_all_writes_every_byte", write_all_writes_every_byte, 2, 5,
         "pipe_write_all() in pipe_lab.c: call write() and return len"},
        {"write_all_loops_on_short_writes", write_all_loops_on_short_writes, 4, 5,
         "pipe_write_all(): write() may take fewer bytes than asked; advance and loop"},
        {"write_all_retries_eintr_and_eagain", write_all_retries_eintr_and_eagain, 4, 5,
         "pipe_write_all(): on EINTR try again; on EAGAIN poll() for POLLOUT, then try again"},
        {"read_exact_loops_on_short_reads_and_eintr", read_exact_loops_on_short_reads_and_eintr, 4,
         5, "pipe_read_exact(): loop until len bytes; retry EINTR"},
        {"read_exact_stops_at_end_of_file", read_exact_stops_at_end_of_file, 3, 5,
         "pipe_read_exact(): read() returning 0 means EOF; return what you have"},
        {"write_all_waits_in_poll_while_the_pipe_is_full",
         write_all_waits_in_poll_while_the_pipe_is_full, 3, 5,
         "pipe_write_all(): on EAGAIN, poll() for POLLOUT (no timeout) before writing again"},
        {"read_exact_waits_in_poll_while_the_pipe_is_empty",
         read_exact_waits_in_poll_while_the_pipe_is_empty, 3, 5,
         "pipe_read_exact(): on EAGAIN, poll() for POLLIN (no timeout) before reading again"},
        {"child_reads_until_eof", child_reads_until_eof, 6, 15,
         "pipe_send_to_child(): close the unused end in each process, write, close, waitpid"},
        {"write_end_closed_before_reader_waits_for_eof",
         write_end_closed_before_reader_waits_for_eof, 5, 15,
         "pipe_send_to_child(): trace each close() as \"fd=%d\"; both processes close the "
         "write end before the reader waits for EOF"},
        {"parent_keeps_no_pipe_descriptor", parent_keeps_no_pipe_descriptor, 4, 30,
         "pipe_send_to_child(): the parent closes the read end at once, the write end after "
         "writing"},
        {"failed_write_to_child_is_reported", failed_write_to_child_is_reported, 2, 10,
         "pipe_send_to_child(): when pipe_write_all() fails, still close and wait for the child, "
         "then return -1 with the write's errno"},
        {"transfer_16_mib_checksum_matches", transfer_16_mib_checksum_matches, 5, 30,
         "pipe_send_to_child() with pipe_write_all(): every byte, in order"},
        {"exchange_returns_upper_case", exchange_returns_upper_case, 4, 10,
         "pipe_coprocess_start()/exchange(): two pipes, the child upper-cases what it reads"},
        {"exchange_1_mib_does_not_deadlock", exchange_1_mib_does_not_deadlock, 6, 20,
         "pipe_coprocess_exchange(): do not write everything first; poll() both pipes and move "
         "what can move"},
        {"exchange_survives_short_writes_and_reads", exchange_survives_short_writes_and_reads, 4,
         20, "pipe_coprocess_exchange(): count the bytes each write() and read() really moved"},
        {"exchange_survives_signals_during_poll", exchange_survives_signals_during_poll, 3, 20,
         "pipe_coprocess_exchange(): poll() fails with EINTR when a signal arrives; retry it"},
        {"exchange_reports_child_death_mid_exchange", exchange_reports_child_death_mid_exchange, 3,
         10,
         "pipe_coprocess_exchange(): read() = 0 (or POLLHUP without data) on the response pipe "
         "means the child is gone: -1 with EPIPE"},
        {"write_without_reader_gives_epipe_not_death", write_without_reader_gives_epipe_not_death,
         5, 10,
         "pipe_ignore_sigpipe(): sigaction(SIGPIPE, SIG_IGN); then write() fails with EPIPE"},
        {"fifo_created_private_and_not_twice", fifo_created_private_and_not_twice, 3, 5,
         "pipe_fifo_create(): mkfifo(path, 0600)"},
        {"fifo_carries_message_between_processes", fifo_carries_message_between_processes, 5, 10,
         "pipe_fifo_send()/receive(): open() blocks until both sides are there; then write/read "
         "and close"},
        {"fifo_open_interrupted_by_a_signal_gives_eintr",
         fifo_open_interrupted_by_a_signal_gives_eintr, 2, 10,
         "pipe_fifo_receive(): when open() fails with EINTR, return -1 with EINTR; do not retry"},
    };
    return grade_main(argc, argv, "02-pipe", tests, GRADE_COUNT(tests));
}
