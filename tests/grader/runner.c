/*
 * runner.c - grade_main(): runs one lab's declared tests under Check and
 * turns the results into points (see grader.h for the guarantees).
 *
 * How a test is isolated: each test is its own TCase, so Check's fixtures
 * run around it alone.
 *   - The unchecked fixture runs in this (the grader's) process: it makes
 *     the test's private directory and name prefix before the test, and
 *     sweeps up after it, whether it passed, failed, crashed or timed out.
 *   - The checked fixture runs inside the forked test process: it notes the
 *     open descriptors before, and after a passing test fails it if
 *     anything leaked.
 * Both this process and each test process are child subreapers
 * (PR_SET_CHILD_SUBREAPER), so a grandchild orphaned by a test is
 * re-parented to a process that will find and kill it.
 */
#define _GNU_SOURCE /* prctl(PR_SET_CHILD_SUBREAPER) is Linux-only */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit.h"
#include "clock.h"
#include "err.h"
#include "fault.h"
#include "report.h"
#include "term.h"
#include "trace.h"

enum { EXIT_ALL_PASSED = 0, EXIT_SOME_FAILED = 1, EXIT_GRADER_ERROR = 3 };

static struct {
    const struct grade_test *tests;
    size_t count;
    struct graded_test *results;
    size_t current; /* index of the test whose fixtures run now */
    bool started;
    char home[1024]; /* the working directory we were started in */
    char root[256];
    char dir[512];
    char note_path[512]; /* outside dir, so the leak audit does not count it */
    char prefix[64];
    uint64_t started_ns;
    struct fd_set_snapshot fds; /* in the test process */
} run;

/* ---- notes from a test (grade_note) ---- */

void grade_note(const char *fmt, ...)
{
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line - 1, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    size_t len = strlen(line);
    line[len++] = '\n';
    /* O_APPEND: the test and its children may all add notes. */
    int fd = open(run.note_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd == -1)
        return;
    if (write(fd, line, len) < 0) {
        /* a lost note is not worth failing a test over */
    }
    close(fd);
}

/* Moves the test's notes (if any) into its report, and removes the file. */
static void read_test_notes(char *notes, size_t size)
{
    FILE *in = fopen(run.note_path, "r");
    if (in == NULL)
        return;
    char line[512];
    while (fgets(line, sizeof line, in))
        audit_note(notes, size, "%s", line);
    fclose(in);
    unlink(run.note_path);
}

/* ---- fixtures in the grader process ---- */

static void before_test_in_grader(void)
{
    run.current = run.started ? run.current + 1 : 0;
    run.started = true;
    const struct grade_test *t = &run.tests[run.current];
    snprintf(run.dir, sizeof run.dir, "%s/%s", run.root, t->name);
    snprintf(run.note_path, sizeof run.note_path, "%s/%s.notes", run.root, t->name);
    snprintf(run.prefix, sizeof run.prefix, "ipckit-g%ld-%zu", (long)getpid(), run.current);
    if (mkdir(run.dir, 0700) == -1 && errno != EEXIST)
        die_errno("grader: mkdir %s", run.dir);
    if (chdir(run.dir) == -1)
        die_errno("grader: chdir %s", run.dir);
    setenv("TMPDIR", run.dir, 1);
    setenv("IPC_KIT_PREFIX", run.prefix, 1);
    run.started_ns = clock_now_ns();
}

static void after_test_in_grader(void)
{
    struct graded_test *r = &run.results[run.current];
    r->seconds = (double)(clock_now_ns() - run.started_ns) / 1e9;
    char *notes = r->notes;
    size_t size = sizeof r->notes;
    read_test_notes(notes, size);
    audit_children(notes, size);
    audit_shm(run.prefix, notes, size);
    audit_dir_contents(run.dir, notes, size);
    if (chdir(run.root) == -1)
        die_errno("grader: chdir %s", run.root);
    if (rmdir(run.dir) == -1)
        warn_errno("grader: rmdir %s", run.dir);
}

/* ---- fixtures in the test process ---- */

static void before_test_in_child(void)
{
    audit_snapshot_fds(&run.fds);
    if (prctl(PR_SET_CHILD_SUBREAPER, 1) == -1)
        warn_errno("grader: prctl(PR_SET_CHILD_SUBREAPER)");
    fault_reset();
    trace_reset();
}

/* Runs only after a passing test: anything left behind fails it. */
static void after_test_in_child(void)
{
    char notes[2048] = "";
    fault_reset();
    int leaks = audit_leaked_fds(&run.fds, notes, sizeof notes);
    leaks += audit_children(notes, sizeof notes);
    leaks += audit_shm(run.prefix, notes, sizeof notes);
    leaks += audit_dir_contents(run.dir, notes, sizeof notes);
    if (leaks > 0)
        ck_abort_msg("the test passed, but it left resources behind:\n%s", notes);
}

/* ---- results ---- */

/* Rewrites Check's terse messages into ones that say what to do. */
static void explain(struct graded_test *r, const char *check_msg)
{
    if (strstr(check_msg, "timeout"))
        snprintf(r->message, sizeof r->message,
                 "timed out after %d s: the code under test hung (a read that never sees EOF "
                 "because a write end is still open? a wait for a peer that is gone?)",
                 r->test->timeout_s);
    else if (strstr(check_msg, "Received signal"))
        snprintf(r->message, sizeof r->message,
                 "crashed: %s (run the program under gdb or with make SAN=address,undefined)",
                 check_msg);
    else
        snprintf(r->message, sizeof r->message, "%s", check_msg);
}

static int collect_results(SRunner *sr)
{
    int ran = srunner_ntests_run(sr);
    TestResult **list = srunner_results(sr);
    if (list == NULL && ran > 0)
        return -1;
    for (int i = 0; i < ran; i++) {
        const char *name = tr_tcname(list[i]);
        size_t k;
        for (k = 0; k < run.count; k++) {
            if (strcmp(run.tests[k].name, name) == 0)
                break;
        }
        if (k == run.count || run.results[k].ran) {
            free(list);
            return -1; /* a result for a test we did not declare, or twice */
        }
        run.results[k].ran = true;
        run.results[k].passed = tr_rtype(list[i]) == CK_PASS;
        if (!run.results[k].passed)
            explain(&run.results[k], tr_msg(list[i]));
    }
    free(list);
    for (size_t k = 0; k < run.count; k++) {
        if (!run.results[k].ran)
            snprintf(run.results[k].message, sizeof run.results[k].message,
                     "this test did not run (grader error); no points are given for it");
    }
    return ran;
}

static void usage(const char *prog)
{
    printf("usage: %s [--impl NAME] [--json FILE] [--junit FILE] [--hidden] [--only TEST]\n"
           "          [--list] [-h]\n"
           "Runs this lab's graded tests, each in its own process with a timeout.\n"
           "  --impl NAME   label for the report (labs or solutions)\n"
           "  --only TEST   run just this test (an unknown name is an error, exit 3)\n"
           "  --list        print each test's name, points and timeout, and run nothing\n"
           "  --json FILE   write the Gradescope test entries (JSON) to FILE\n"
           "  --junit FILE  write a JUnit <testsuite> to FILE\n"
           "  --hidden      mark the tests after_published (instructor-only tests)\n"
           "Exit status: 0 all passed, 1 some failed, 3 grader error.\n",
           prog);
}

int grade_main(int argc, char **argv, const char *lab, const struct grade_test *tests, size_t count)
{
    err_set_progname(argv[0]);
    const char *impl = "labs", *json_path = NULL, *junit_path = NULL, *visibility = "visible";
    const char *only = NULL;
    bool list = false;
    for (int i = 1; i < argc; i++) {
        bool has_value = i + 1 < argc;
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            usage(argv[0]);
            return 0;
        } else if (strcmp(argv[i], "--impl") == 0 && has_value) {
            impl = argv[++i];
        } else if (strcmp(argv[i], "--json") == 0 && has_value) {
            json_path = argv[++i];
        } else if (strcmp(argv[i], "--junit") == 0 && has_value) {
            junit_path = argv[++i];
        } else if (strcmp(argv[i], "--hidden") == 0) {
            visibility = "after_published";
        } else if (strcmp(argv[i], "--only") == 0 && has_value) {
            only = argv[++i];
        } else if (strcmp(argv[i], "--list") == 0) {
            list = true;
        } else {
            die_usage("unknown or incomplete option '%s'", argv[i]);
        }
    }

    if (list) {
        for (size_t i = 0; i < count; i++)
            printf("%s\t%d\t%d\n", tests[i].name, tests[i].points, tests[i].timeout_s);
        return 0;
    }
    if (only) {
        /* Narrow the table to the one test asked for, by exact name. */
        size_t k = 0;
        while (k < count && strcmp(tests[k].name, only) != 0)
            k++;
        if (k == count) {
            warn_msg("grader error: no test named '%s' in lab %s (see --list)", only, lab);
            return EXIT_GRADER_ERROR;
        }
        tests = &tests[k];
        count = 1;
    }

    /* Nobody may narrow the run otherwise: every declared test runs. */
    unsetenv("CK_RUN_CASE");
    unsetenv("CK_RUN_SUITE");
    unsetenv("CK_INCLUDE_TAGS");
    unsetenv("CK_EXCLUDE_TAGS");
    setenv("IPC_TRACE", "off", 0); /* quiet unless the user asked for traces */
    setenv("IPC_STEP", "0", 1);    /* never pause inside a grader */

    if (prctl(PR_SET_CHILD_SUBREAPER, 1) == -1)
        die_errno("grader: prctl(PR_SET_CHILD_SUBREAPER)");
    if (getcwd(run.home, sizeof run.home) == NULL)
        die_errno("grader: getcwd");
    const char *tmp = getenv("TMPDIR");
    snprintf(run.root, sizeof run.root, "%s/ipckit-grade-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
    if (mkdtemp(run.root) == NULL)
        die_errno("grader: mkdtemp %s", run.root);
    run.tests = tests;
    run.count = count;
    run.results = calloc(count, sizeof *run.results);
    if (run.results == NULL)
        die_errno("grader: calloc");

    Suite *suite = suite_create(lab);
    for (size_t i = 0; i < count; i++) {
        run.results[i].test = &tests[i];
        TCase *tc = tcase_create(tests[i].name);
        tcase_set_timeout(tc, tests[i].timeout_s);
        tcase_add_unchecked_fixture(tc, before_test_in_grader, after_test_in_grader);
        tcase_add_checked_fixture(tc, before_test_in_child, after_test_in_child);
        tcase_add_test(tc, tests[i].test);
        suite_add_tcase(suite, tc);
    }
    SRunner *sr = srunner_create(suite);
    srunner_set_fork_status(sr, CK_FORK);
    srunner_run_all(sr, CK_MINIMAL); /* the summary line; the table below has the details */

    int ran = collect_results(sr);
    srunner_free(sr);
    if (chdir(run.home) == -1)
        die_errno("grader: chdir %s", run.home);
    if (rmdir(run.root) == -1)
        warn_errno("grader: removing %s", run.root);

    int status = EXIT_ALL_PASSED;
    if (ran != (int)count) {
        warn_msg("grader error: %d of %zu declared tests ran; refusing to give a score", ran,
                 count);
        status = EXIT_GRADER_ERROR;
    }
    report_terminal(lab, impl, run.results, count);
    if (json_path && report_json(json_path, lab, visibility, run.results, count) == -1)
        die_errno("grader: writing %s", json_path);
    if (junit_path && report_junit(junit_path, lab, run.results, count) == -1)
        die_errno("grader: writing %s", junit_path);
    if (status == EXIT_ALL_PASSED) {
        for (size_t i = 0; i < count; i++) {
            if (!run.results[i].passed)
                status = EXIT_SOME_FAILED;
        }
    }
    free(run.results);
    return status;
}
