/*
 * test_pipe_coprocess.c - lab 02's tests: request and response over two pipes, and the writer whose
 * reader is gone (sections 3 and 4). Their points are set in test_pipe.c's table only; helpers:
 * pipe_helpers.c. They run in the checker, with no student code (see test_pipe.c).
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

/*
 * pipe_coprocess_exchange() under the watchdog. Its progress is the bytes
 * the coprocess moves: every byte of an exchange passes through it, while
 * wake-ups prove nothing here (a test's signals and its stopper wake both
 * sides all the time, deadlock or not). 3 s, not 2: an honest coprocess
 * on a loaded machine may wait its turn to run, and a pause of the bytes
 * is a stall only when it lasts.
 */
static ssize_t exchange_watched(struct pipe_coprocess *cp, const void *request, void *reply,
                                size_t len)
{
    struct grade_io before = grade_process_io(cp->pid);
    /* The watchdog reads its own copy: the call writes *cp back meanwhile. */
    pid_t coprocess = cp->pid;
    grade_watch_start(grade_progress_of_io, grade_describe_processes, &coprocess, 3000, NULL);
    ssize_t n = pipe_coprocess_exchange(cp, request, reply, len);
    int err = errno;
    const char *stalled = grade_watch_stop();
    if (stalled)
        ck_abort_msg("pipe_coprocess_exchange() of %zu bytes stopped moving data (%s): a "
                     "deadlock. Each side waits for the other; poll() both pipes and move "
                     "whatever can move, counting what each call really moved",
                     len, stalled);
    /* The reply must have gone through the coprocess: it read and wrote it all. */
    struct grade_io after = grade_process_io(cp->pid);
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
    /* Seen from outside: waited for, the child is gone, not even a zombie. */
    ck_assert_msg(grade_parent_of(cp->pid) == -1,
                  "pipe_coprocess_finish() returned, but the coprocess (pid %ld) is still there "
                  "(a zombie nobody waited for): waitpid() for it and return its status",
                  (long)cp->pid);
}

START_TEST(exchange_returns_upper_case)
{
    struct pipe_coprocess cp;
    start_coprocess(&cp);
    const char request[] = "Hello, Pipes! 123";
    char reply[sizeof request];
    ssize_t n = exchange_watched(&cp, request, reply, sizeof request);
    REQUIRE_IMPL(n, "pipe_coprocess_exchange()");
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
    REQUIRE_IMPL(n, "pipe_coprocess_exchange()");
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
    struct fault_proof writes =
        fault_proof_arm(FAULT_OUT, (struct fault_plan){.fd = cp.to_child, .max_bytes = 999}, len);
    struct fault_proof reads = fault_proof_arm(
        FAULT_IN,
        (struct fault_plan){
            .fd = cp.from_child, .max_bytes = 333, .fail_every = 5, .fail_errno = EINTR},
        len);
    ssize_t n = exchange_watched(&cp, request, reply, len);
    REQUIRE_IMPL(n, "pipe_coprocess_exchange()");
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
    fault_proof_require(&writes, "pipe_coprocess_exchange()");
    fault_proof_require(&reads, "pipe_coprocess_exchange()");
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
            clock_sleep_ms(2);
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
    REQUIRE_IMPL(n, "pipe_coprocess_exchange()");
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

/* A process of the test's that kills victim after ms milliseconds. */
static void kill_later(pid_t victim, unsigned ms)
{
    pid_t killer = fork();
    if (killer == 0) {
        clock_sleep_ms(ms);
        kill(victim, SIGKILL);
        _exit(0);
    }
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
        /* Stopped, the coprocess takes the request but never answers; a
         * process of the test's kills it 0.2 s in, while the exchange waits
         * for the reply. */
        kill(cp.pid, SIGSTOP);
        kill_later(cp.pid, 200);
        char reply[100];
        ssize_t n = pipe_coprocess_exchange(&cp, "a request nobody answers", reply, 24);
        int err = errno;
        waitpid(cp.pid, NULL, 0);
        if (n == -1 && err == ENOSYS)
            _exit(EXCHANGE_ENOSYS);
        _exit(n == -1 ? (err == EPIPE ? EXCHANGE_EPIPE : EXCHANGE_OTHER) : EXCHANGE_SUCCEEDED);
    }
    int status = grade_wait_child(driver, 8000);
    if (status == -1) /* its student process may still be inside the exchange */
        boundary_kill_student_of(driver, SIGKILL);
    /* The coprocess, killed 0.2 s in, may have been left to this process. 8 s:
     * on a loaded machine the copies of the student process for the test's
     * children take a while; a wait that never ends is still caught. */
    while (waitpid(-1, NULL, WNOHANG) > 0)
        ;
    ck_assert_msg(status != -1,
                  "pipe_coprocess_exchange() was still running 8 s after the coprocess died "
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

GRADE_EXPORT(exchange_returns_upper_case)
GRADE_EXPORT(exchange_1_mib_does_not_deadlock)
GRADE_EXPORT(exchange_survives_short_writes_and_reads)
GRADE_EXPORT(exchange_survives_signals_during_poll)
GRADE_EXPORT(exchange_reports_child_death_mid_exchange)
GRADE_EXPORT(write_without_reader_gives_epipe_not_death)
