/*
 * harness.c - grade_main(): the test binary's side of grading.
 *
 * A lab's test binary holds the tests AND the student's code, so it never
 * decides a score. It does two things, both for the judge (judge.c):
 *
 *   test_NN --list             prints the test table: name, points, timeout, hint
 *   test_NN --run NAME --channel FD
 *                              runs ONE test in this process and reports how
 *                              it ended over FD (see judge_channel.h)
 *
 * The judge starts a fresh process for every test, so one test's crash,
 * hang, exit() or leftover state can never reach another test. Check runs
 * the test in CK_NOFORK mode: a failed ck_assert() jumps back here with its
 * message, and only a test body that returns normally reaches PASS.
 *
 * Without --channel (by hand, e.g. under gdb) the verdict is printed instead.
 */
#define _GNU_SOURCE /* F_DUPFD_CLOEXEC is POSIX 2008, but glibc hides it otherwise */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "judge_channel.h"
#include "err.h"
#include "fault.h"
#include "grader.h"
#include "harness.h"
#include "trace.h"

/* The judge's socket, far from the descriptors tests count and close. */
enum { CHANNEL_FD_FLOOR = 900 };

static int channel_fd = -1;
static char nonce[64];

/* ---- records any process of the test may send ---- */

/* "KIND <nonce> text": without the nonce the judge ignores a record. */
static void send_signed(const char *kind, const char *text)
{
    char record[JUDGE_CHANNEL_LINE_MAX];
    snprintf(record, sizeof record, "%s %s", nonce, text);
    judge_channel_send(channel_fd, kind, record);
}

/*
 * Sends a record of this kind with the text fmt makes of ap. Run by hand
 * (no judge), the text goes to stderr after by_hand ("note: ..."), or
 * nowhere when by_hand is NULL.
 */
static void send_formatted(const char *kind, const char *by_hand, const char *fmt, va_list ap)
{
    char text[512];
    vsnprintf(text, sizeof text, fmt, ap);
    if (channel_fd != -1)
        send_signed(kind, text);
    else if (by_hand != NULL)
        fprintf(stderr, "%s: %s\n", by_hand, text);
}

void grade_note(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    send_formatted("NOTE", "note", fmt, ap);
    va_end(ap);
}

void grade_unavailable(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    send_formatted("UNAVAILABLE", "not run", fmt, ap);
    va_end(ap);
    /* The judge counts the record above, not this failure; by hand, the
     * reason was printed just now. */
    ck_abort_msg("the test could not run here, for the kit's reason above");
}

void grade_waiting_for(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    send_formatted("WAIT", NULL, fmt, ap);
    va_end(ap);
}

void harness_called(const char *fn)
{
    /* Once per change: tests call in loops. Atomic: across the boundary, a
     * test's threads call at once (lab 01). */
    static const char *_Atomic last;
    if (channel_fd != -1 && atomic_exchange(&last, fn) != fn)
        send_signed("CALLED", fn);
}

/* ---- talking to the judge ---- */

/* Blocks until the judge sends a record of this kind; copies its text. */
static int await_record(const char *kind, char *text, size_t size)
{
    static struct judge_channel_reader reader;
    char line[JUDGE_CHANNEL_LINE_MAX];
    size_t len = strlen(kind);
    for (;;) {
        const char *got;
        while ((got = judge_channel_next(&reader, line, sizeof line)) != NULL) {
            if (strncmp(got, kind, len) == 0 && (got[len] == '\0' || got[len] == ' ')) {
                snprintf(text, size, "%s", got[len] ? got + len + 1 : "");
                return 0;
            }
        }
        if (judge_channel_fill(channel_fd, &reader) <= 0)
            return -1;
    }
}

static int connect_to_judge(const char *fd_text)
{
    char *end;
    long fd = strtol(fd_text, &end, 10);
    if (*end != '\0' || fd < 0)
        die_usage("--channel wants a descriptor number, not '%s'", fd_text);
    /* Far away and close-on-exec: programs a test runs never inherit it. */
    channel_fd = fcntl((int)fd, F_DUPFD_CLOEXEC, CHANNEL_FD_FLOOR);
    if (channel_fd == -1)
        die_errno("harness: fcntl(F_DUPFD_CLOEXEC) of the judge's channel %ld", fd);
    close((int)fd);
    if (judge_channel_send(channel_fd, "READY", NULL) == -1 ||
        await_record("GO", nonce, sizeof nonce) == -1)
        die("harness: the judge went away before the test started");
    return 0;
}

/* ---- running one test ---- */

static const struct grade_test *find_test(const struct grade_test *tests, size_t count,
                                          const char *name)
{
    for (size_t i = 0; i < count; i++) {
        if (strcmp(tests[i].name, name) == 0)
            return &tests[i];
    }
    return NULL;
}

/*
 * In a test binary built across the call boundary (boundary.h), these come
 * from boundary_checker.c and the student's code runs in another process;
 * elsewhere (the common tests) they are absent and everything runs here.
 */
int boundary_start(const char *lab) __attribute__((weak));
int boundary_finish(char *why, size_t size, int *leaked) __attribute__((weak));
bool boundary_failed_elsewhere(char *why, size_t size) __attribute__((weak));

static int report(const struct grade_test *t, bool passed, const char *message);
static int report_leak(int count, const char *what);

static int run_one(const char *lab, const struct grade_test *t)
{
    pid_t test_pid = getpid();
    bool across = boundary_start != NULL;
    if (across && boundary_start(lab) == -1)
        return report(t, false,
                      "the process that runs your code could not start (its reason "
                      "is in the output)");
    fault_reset();
    trace_reset();

    Suite *suite = suite_create(lab);
    TCase *tc = tcase_create(t->name);
    tcase_add_test(tc, t->test);
    suite_add_tcase(suite, tc);
    SRunner *sr = srunner_create(suite);
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_SILENT);

    /*
     * A process the test (or the student's code) forked can get here too:
     * Check's failure jump, or a child that returned instead of exiting.
     * Only the test process itself may report.
     */
    if (getpid() != test_pid)
        _exit(1);

    if (!across)
        fault_reset(); /* the harness's own writes below go through fault.c too */
    bool passed = srunner_ntests_failed(sr) == 0 && srunner_ntests_run(sr) == 1;
    char message[JUDGE_CHANNEL_LINE_MAX / 2] = "";
    if (!passed) {
        TestResult **results = srunner_results(sr);
        if (results != NULL && srunner_ntests_run(sr) == 1)
            snprintf(message, sizeof message, "%s", tr_msg(results[0]));
        free(results);
    }
    srunner_free(sr);
    if (across) {
        /* A call that failed in a test thread, and how the student's
         * processes ended (a sanitizer's report, descriptors left open). */
        char why[JUDGE_CHANNEL_LINE_MAX / 2];
        if (passed && boundary_failed_elsewhere(why, sizeof why)) {
            passed = false;
            snprintf(message, sizeof message, "%s", why);
        }
        int leaked = 0;
        if (boundary_finish(why, sizeof why, &leaked) == -1 && passed) {
            if (leaked > 0 && channel_fd != -1) /* the judge counts it as a leak */
                return report_leak(leaked, why);
            passed = false;
            snprintf(message, sizeof message, "%s", why);
        }
    }

    return report(t, passed, message);
}

/* Every check held, but the student's processes kept count resources: the
 * judge records a leak (its audit's word for it), not a failed check. */
static int report_leak(int count, const char *what)
{
    char record[JUDGE_CHANNEL_LINE_MAX];
    snprintf(record, sizeof record, "%s %d %s", nonce, count, what);
    if (judge_channel_send(channel_fd, "LEAKED", record) == -1)
        die_errno("harness: reporting to the judge");
    char ignored[16];
    await_record("BYE", ignored, sizeof ignored);
    return 0;
}

/* Tells the judge (or, by hand, the terminal) how the test ended. */
static int report(const struct grade_test *t, bool passed, const char *message)
{
    if (channel_fd == -1) {
        printf("%s %s%s%s\n", passed ? "PASS" : "FAIL", t->name, passed ? "" : ": ", message);
        return passed ? 0 : 1;
    }
    char record[JUDGE_CHANNEL_LINE_MAX];
    snprintf(record, sizeof record, "%s%s%s", nonce, passed ? "" : " ", passed ? "" : message);
    if (judge_channel_send(channel_fd, passed ? "PASS" : "FAIL", record) == -1)
        die_errno("harness: reporting to the judge");
    char ignored[16];
    await_record("BYE", ignored, sizeof ignored); /* the judge audits us meanwhile */
    return 0; /* a normal exit, so sanitizers' exit-time checks still run */
}

static void usage(const char *prog)
{
    printf("usage: %s --list\n"
           "       %s --run TEST [--channel FD]\n"
           "This program holds one lab's tests and the code under test. It never\n"
           "grades: the judge runs it once per test (make grade LAB=NN).\n"
           "  --list         print each test: name, points, timeout (s), hint (tab-separated)\n"
           "  --run TEST     run one test here and print PASS or FAIL (handy under gdb)\n"
           "  --channel FD   report to the judge over FD instead (the judge passes it)\n"
           "example: make grade LAB=02 TEST=write_all_loops_on_short_writes\n",
           prog, prog);
}

int grade_main(int argc, char **argv, const char *lab, const struct grade_test *tests, size_t count)
{
    err_set_progname(argv[0]);
    const char *run = NULL, *channel = NULL;
    bool list = false;
    for (int i = 1; i < argc; i++) {
        bool has_value = i + 1 < argc;
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            usage(argv[0]);
            return 0;
        } else if (strcmp(argv[i], "--list") == 0) {
            list = true;
        } else if (strcmp(argv[i], "--run") == 0 && has_value) {
            run = argv[++i];
        } else if (strcmp(argv[i], "--channel") == 0 && has_value) {
            channel = argv[++i];
        } else {
            die_usage("unknown or incomplete option '%s' (try --help)", argv[i]);
        }
    }
    if (list) {
        for (size_t i = 0; i < count; i++)
            printf("%s\t%d\t%d\t%s\n", tests[i].name, tests[i].points, tests[i].timeout_s,
                   tests[i].hint);
        return 0;
    }
    if (run == NULL) {
        usage(argv[0]);
        return 2;
    }
    const struct grade_test *t = find_test(tests, count, run);
    if (t == NULL)
        die_usage("no test named '%s' in lab %s (see --list)", run, lab);

    /* Nobody narrows or redirects Check from outside. */
    unsetenv("CK_RUN_CASE");
    unsetenv("CK_RUN_SUITE");
    unsetenv("CK_INCLUDE_TAGS");
    unsetenv("CK_EXCLUDE_TAGS");
    unsetenv("CK_FORK");
    setenv("IPC_TRACE", "off", 0); /* quiet unless the user asked for traces */
    setenv("IPC_STEP", "0", 1);    /* never pause inside a test */
    if (channel)
        connect_to_judge(channel);
    return run_one(lab, t);
}
