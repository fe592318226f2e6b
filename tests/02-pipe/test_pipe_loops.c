/*
 * test_pipe_loops.c - lab 02's tests: loops for short counts, and waits in poll() (section 1 of
 * pipe_lab.h). Their points are set in test_pipe.c's table only; helpers: pipe_helpers.c. They run
 * in the checker, with no student code (see test_pipe.c).
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
#include "fault_proof.h"
#include "clock.h"
#include "grader.h"
#include "pipe_lab.h"
#include "trace.h"
#include "pipe_helpers.h"
#include "pipe_tests.h"

/* ---- 1. loops for short counts ---------------------------------------- */

/*
 * The fixture of most tests here: a pipe of the test's own and the pattern
 * it sends through it, made together and let go together.
 */
struct pattern_pipe {
    int fds[2];
    char *data; /* pattern(): the bytes to send */
};

/* A pipe and len bytes of the pattern of seed, or the test fails (setup). */
static struct pattern_pipe open_pattern_pipe(size_t len, uint64_t seed)
{
    struct pattern_pipe p;
    make_pipe(p.fds);
    p.data = pattern(len, seed);
    return p;
}

static void close_pattern_pipe(struct pattern_pipe *p)
{
    free(p->data);
    close(p->fds[0]);
    close(p->fds[1]);
}

/* Reads len bytes back with pipe_read_exact(); fails with lost unless they
 * are the pattern's first len. */
static void expect_pattern_back(const struct pattern_pipe *p, size_t len, const char *lost)
{
    char *back = malloc(len);
    ck_assert_msg(back != NULL, "test setup: malloc(%zu) failed", len);
    ck_assert_int_eq(pipe_read_exact(p->fds[0], back, len), len);
    ck_assert_msg(memcmp(back, p->data, len) == 0, "%s", lost);
    free(back);
}

START_TEST(write_all_writes_every_byte)
{
    struct pattern_pipe p = open_pattern_pipe(1000, 1);
    ssize_t n = pipe_write_all(p.fds[1], p.data, 1000);
    REQUIRE_IMPL(n, "pipe_write_all");
    ck_assert_msg(n == 1000, "pipe_write_all returned %zd, expected 1000", n);
    char back[1000]; /* read() itself: this test is about pipe_write_all() alone */
    ck_assert_int_eq(read(p.fds[0], back, sizeof back), 1000);
    ck_assert_msg(memcmp(back, p.data, 1000) == 0, "the bytes in the pipe differ from the input");
    close_pattern_pipe(&p);
}
END_TEST

START_TEST(write_all_loops_on_short_writes)
{
    struct pattern_pipe p = open_pattern_pipe(5000, 2);
    struct fault_proof proof =
        fault_proof_arm(FAULT_OUT, (struct fault_plan){.fd = p.fds[1], .max_bytes = 7}, 5000);
    ssize_t n = pipe_write_all(p.fds[1], p.data, 5000);
    REQUIRE_IMPL(n, "pipe_write_all");
    struct fault_seen seen = grade_end_faults(FAULT_OUT);
    ck_assert_msg(seen.injected >= 700,
                  "writes to the pipe were to be cut to 7 bytes, but only %lu were (calls seen: "
                  "%s); pipe_write_all must write to fd itself, with any of these calls",
                  seen.injected, seen.calls);
    ck_assert_msg(n == 5000, "with writes cut to 7 bytes, pipe_write_all returned %zd, not 5000",
                  n);
    expect_pattern_back(&p, 5000, "bytes were lost or repeated across short writes");
    fault_proof_require(&proof, "pipe_write_all()");
    close_pattern_pipe(&p);
}
END_TEST

START_TEST(write_all_retries_eintr_and_eagain)
{
    struct pattern_pipe p = open_pattern_pipe(3000, 3);
    struct fault_proof proof = fault_proof_arm(
        FAULT_OUT,
        (struct fault_plan){.fd = p.fds[1], .max_bytes = 100, .fail_every = 3, .fail_errno = EINTR},
        1500);
    ssize_t n = pipe_write_all(p.fds[1], p.data, 1500);
    REQUIRE_IMPL(n, "pipe_write_all");
    int err = errno;
    unsigned long injected = fault_injected(FAULT_OUT);
    ck_assert_msg(n == 1500, "with EINTR on every 3rd write, pipe_write_all returned %zd (%s)", n,
                  n == -1 ? errno_name(err) : "short");
    ck_assert_msg(injected >= 5,
                  "EINTR was to fail every 3rd write, but only %lu faults were injected (calls "
                  "seen: %s)",
                  injected, fault_describe(FAULT_OUT));
    fault_proof_require(&proof, "pipe_write_all()");
    proof = fault_proof_arm(
        FAULT_OUT,
        (struct fault_plan){
            .fd = p.fds[1], .max_bytes = 100, .fail_every = 2, .fail_errno = EAGAIN},
        1500);
    n = pipe_write_all(p.fds[1], p.data + 1500, 1500);
    err = errno;
    struct fault_seen seen = grade_end_faults(FAULT_OUT);
    ck_assert_msg(n == 1500,
                  "with EAGAIN on every 2nd write, pipe_write_all returned %zd (%s); EAGAIN means "
                  "wait for POLLOUT and try again, not fail",
                  n, n == -1 ? errno_name(err) : "short");
    ck_assert_msg(seen.injected >= 5,
                  "EAGAIN was to fail every 2nd write, but only %lu faults were injected (calls "
                  "seen: %s)",
                  seen.injected, seen.calls);
    fault_proof_require(&proof, "pipe_write_all()");
    expect_pattern_back(&p, 3000, "bytes were lost or repeated around EINTR/EAGAIN");
    close_pattern_pipe(&p);
}
END_TEST

START_TEST(read_exact_loops_on_short_reads_and_eintr)
{
    struct pattern_pipe p = open_pattern_pipe(4000, 4);
    ck_assert_int_eq(write(p.fds[1], p.data, 4000), 4000);
    struct fault_proof proof = fault_proof_arm(
        FAULT_IN,
        (struct fault_plan){.fd = p.fds[0], .max_bytes = 5, .fail_every = 4, .fail_errno = EINTR},
        4000);
    char back[4000];
    ssize_t n = pipe_read_exact(p.fds[0], back, sizeof back);
    REQUIRE_IMPL(n, "pipe_read_exact");
    int err = errno;
    struct fault_seen seen = grade_end_faults(FAULT_IN);
    ck_assert_msg(n == 4000,
                  "with reads cut to 5 bytes and EINTR, pipe_read_exact returned %zd (%s)", n,
                  n == -1 ? errno_name(err) : "short");
    ck_assert_msg(seen.injected > 100,
                  "reads from the pipe were to be cut short, but only %lu faults happened "
                  "(calls seen: %s)",
                  seen.injected, seen.calls);
    ck_assert_msg(memcmp(back, p.data, 4000) == 0,
                  "bytes were lost or repeated across short reads");
    fault_proof_require(&proof, "pipe_read_exact()");

    /* EAGAIN: a non-blocking descriptor with nothing to read yet. The
     * contract says wait (poll for POLLIN) and go on, not fail. */
    ck_assert_int_eq(write(p.fds[1], p.data, 4000), 4000);
    proof = fault_proof_arm(
        FAULT_IN,
        (struct fault_plan){.fd = p.fds[0], .max_bytes = 50, .fail_every = 2, .fail_errno = EAGAIN},
        4000);
    memset(back, 0, sizeof back);
    n = pipe_read_exact(p.fds[0], back, sizeof back);
    err = errno;
    seen = grade_end_faults(FAULT_IN);
    ck_assert_msg(n == 4000,
                  "with EAGAIN on every 2nd read, pipe_read_exact returned %zd (%s); EAGAIN means "
                  "wait with poll() for POLLIN and read again, not fail",
                  n, n == -1 ? errno_name(err) : "short");
    ck_assert_msg(
        seen.injected > 40,
        "EAGAIN was to fail every 2nd read, but only %lu faults happened (calls seen: %s)",
        seen.injected, seen.calls);
    ck_assert_msg(memcmp(back, p.data, 4000) == 0, "bytes were lost or repeated around EAGAIN");
    fault_proof_require(&proof, "pipe_read_exact()");
    close_pattern_pipe(&p);
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

/* The call a test makes wait: pipe_write_all() or pipe_read_exact(). */
enum pipe_loop { WRITE_ALL, READ_EXACT };

/* A call that waited, measured from outside (the student's process): what
 * it returned, how long it took, the CPU time used meanwhile and the write()
 * or read() calls made (grade_process_io()). */
struct measured_wait {
    ssize_t n;
    int err;            /* errno right after the call */
    double cpu, waited; /* seconds */
    unsigned long long calls;
};

static struct measured_wait measure_wait(enum pipe_loop loop, int fd, char *buf, size_t len)
{
    struct measured_wait m;
    struct grade_io io_before = grade_process_io(boundary_agent_pid());
    double cpu_before = student_cpu_seconds(), wall_before = (double)clock_now_ns() / 1e9;
    m.n = loop == WRITE_ALL ? pipe_write_all(fd, buf, len) : pipe_read_exact(fd, buf, len);
    m.err = errno;
    m.cpu = student_cpu_seconds() - cpu_before;
    m.waited = (double)clock_now_ns() / 1e9 - wall_before;
    struct grade_io io = grade_process_io(boundary_agent_pid());
    m.calls = loop == WRITE_ALL ? io.syscw - io_before.syscw : io.syscr - io_before.syscr;
    return m;
}

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
        clock_sleep_ms(WAIT_MS);
        char buf[65536];
        while (read(fds[0], buf, sizeof buf) > 0)
            ;
        _exit(0);
    }
    close(fds[0]);
    struct measured_wait w = measure_wait(WRITE_ALL, fds[1], block, sizeof block);
    close(fds[1]);
    int status = grade_wait_child(pid, 5000);
    grade_require_impl(w.n, w.err, "pipe_write_all");
    ck_assert_msg(w.n == (ssize_t)sizeof block,
                  "pipe_write_all() on a full non-blocking pipe returned %zd (%s); it must wait "
                  "for room (poll() for POLLOUT) and then write",
                  w.n, w.n == -1 ? errno_name(w.err) : "short");
    ck_assert_msg(w.waited > 0.5 * WAIT_MS / 1000.0,
                  "pipe_write_all() returned after %.0f ms, before the reader made room",
                  w.waited * 1000);
    ck_assert_msg(w.cpu < 0.25 * w.waited && w.calls < RETRIES_OF_A_BUSY_LOOP,
                  "pipe_write_all() used %.0f ms of CPU and made %llu write calls while waiting "
                  "%.0f ms for room: it retries write() at once on EAGAIN (a busy loop). Wait "
                  "with poll(POLLOUT) instead",
                  w.cpu * 1000, w.calls, w.waited * 1000);
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
        clock_sleep_ms(WAIT_MS);
        _exit(write(fds[1], "late", 4) == 4 ? 0 : 1);
    }
    close(fds[1]);
    char buf[4];
    struct measured_wait w = measure_wait(READ_EXACT, fds[0], buf, sizeof buf);
    close(fds[0]);
    int status = grade_wait_child(pid, 5000);
    grade_require_impl(w.n, w.err, "pipe_read_exact");
    ck_assert_msg(w.n == 4,
                  "pipe_read_exact() on an empty non-blocking pipe returned %zd (%s); on EAGAIN it "
                  "must wait (poll() for POLLIN) and read again",
                  w.n, w.n == -1 ? errno_name(w.err) : "short");
    ck_assert_msg(w.cpu < 0.25 * w.waited && w.calls < RETRIES_OF_A_BUSY_LOOP,
                  "pipe_read_exact() used %.0f ms of CPU and made %llu read calls while waiting "
                  "%.0f ms for data: it retries read() at once on EAGAIN (a busy loop). Wait "
                  "with poll(POLLIN) instead",
                  w.cpu * 1000, w.calls, w.waited * 1000);
    ck_assert_msg(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0,
                  "test setup: the writer failed");
}
END_TEST

GRADE_EXPORT(write_all_writes_every_byte)
GRADE_EXPORT(write_all_loops_on_short_writes)
GRADE_EXPORT(write_all_retries_eintr_and_eagain)
GRADE_EXPORT(read_exact_loops_on_short_reads_and_eintr)
GRADE_EXPORT(read_exact_stops_at_end_of_file)
GRADE_EXPORT(write_all_waits_in_poll_while_the_pipe_is_full)
GRADE_EXPORT(read_exact_waits_in_poll_while_the_pipe_is_empty)
