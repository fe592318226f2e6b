/*
 * grader.h - the ipc-kit autograder, on top of Check.
 *
 * A lab's test file writes ordinary Check tests (START_TEST ... END_TEST)
 * and declares them, with their points, in ONE table passed to grade_main():
 *
 *     int main(int argc, char **argv)
 *     {
 *         const struct grade_test tests[] = {
 *             {"write_all_loops_on_short_writes", write_all_loops_on_short_writes, 3, 5,
 *              "pipe_write_all() in pipe_lab.c must loop until every byte is written"},
 *         };
 *         return grade_main(argc, argv, "02-pipe", tests, GRADE_COUNT(tests));
 *     }
 *
 * What grade_main() guarantees:
 *   - Every test runs in its own forked process (CK_FORK is forced), with its
 *     own timeout: a crash or a hang fails that test only.
 *   - Every declared test runs; CK_RUN_CASE and friends are ignored. A run
 *     that executed fewer tests than declared is a grader error (exit 3).
 *   - Each test gets a private directory ($TMPDIR, also the working
 *     directory) and a private name prefix ($IPC_KIT_PREFIX, see names.h),
 *     so graders running side by side never collide.
 *   - Leak audit: after a passing test, descriptors it left open, child
 *     processes it left behind, /dev/shm objects and files left in its
 *     directory FAIL the test (and are cleaned up). After a failing test the
 *     same things are cleaned up and named in the test's output.
 *   - Output: Check's own summary line, a table of points, and with --json
 *     and --junit the machine-readable reports (see report.c).
 *   - Exit status: 0 when every test passed, 1 when any failed, 3 on a
 *     grader error.
 */
#ifndef IPC_KIT_GRADER_H
#define IPC_KIT_GRADER_H

#include <check.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct grade_test {
    const char *name;  /* the behaviour checked, in snake_case */
    const TTest *test; /* the START_TEST name */
    int points;
    int timeout_s;
    const char *hint; /* where to look when it fails */
};

#define GRADE_COUNT(array) (sizeof(array) / sizeof((array)[0]))

int grade_main(int argc, char **argv, const char *lab, const struct grade_test *tests,
               size_t count);

/*
 * Fails the test with "not implemented yet: fn()" when a lab function
 * returned -1 with errno ENOSYS, the skeletons' answer. Call it right after
 * the call, before anything else can change errno.
 */
#define REQUIRE_IMPL(result, fn) grade_require_impl((long)(result), errno, (fn))
void grade_require_impl(long result, int err, const char *fn);

/*
 * A test's own time limit, stretched like Check's: ms times
 * $CK_TIMEOUT_MULTIPLIER (when set, e.g. for sanitizer builds or a batch
 * grader running many submissions at once). Use it for every wait a test
 * makes, so a busy machine never turns into a wrong grade.
 */
int grade_timeout_ms(int ms);

/*
 * Waits up to grade_timeout_ms(timeout_ms) for child pid. Returns its wait status, or -1 after
 * killing it with SIGKILL (and reaping it) when it did not finish in time.
 */
int grade_wait_child(pid_t pid, int timeout_ms);

/*
 * Adds a line to this test's output in every report (terminal, results.json,
 * junit.xml), also when it passes: "SKIP: nc is not installed". Call it
 * from the test process, at most a few times per test.
 */
void grade_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Describes a wait status in words: "exited with status 1", "killed by SIGSEGV". */
const char *grade_describe_status(int status);

/* The descriptors open in this process, as a count. */
int grade_count_open_fds(void);

/*
 * The JSON trace as an oracle: loads IPC_TRACE_FILE-style JSON Lines and
 * finds steps in the order they were written.
 */
struct trace_step {
    long pid;
    char role[32];
    char call[32];
    char args[256];
    long ret;
    char err[24]; /* "" when the call succeeded */
};

struct trace_log {
    struct trace_step *steps;
    size_t count;
};

/* Loads path; returns 0, or -1 with errno set. */
int trace_log_load(struct trace_log *log, const char *path);
void trace_log_free(struct trace_log *log);

/* Index of the first step at or after `from` whose call is `call`, whose
 * role is `role` (NULL: any) and whose args contain `args_part` (NULL: any);
 * -1 when there is none. */
long trace_log_find(const struct trace_log *log, long from, const char *role, const char *call,
                    const char *args_part);

#endif
