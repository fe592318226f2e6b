/*
 * judge.c - the ipc-kit judge: the one program that decides a score.
 *
 * usage: judge --bin TEST_BINARY --lab NAME [options]   (see usage() below)
 *
 * It runs every test of one lab's test binary in a unit of its own
 * (contain.h), one at a time, and writes that lab's terminal table,
 * Gradescope JSON entries, JUnit suite (report.h) and verdict records
 * (verdict.h). The run's results.json and junit.xml are written by render.c
 * from every lab's records, as are a lab's parts again when grade.sh
 * changed its records (see render.c). Nothing the
 * tests or the student's code do can reach this process's memory, its
 * files or (as root) its processes: they run as another uid, in other
 * namespaces, and only talk to it through the records of judge_channel.h.
 */
#define _GNU_SOURCE /* sigabbrev_np() in judge_run.c shares this unit's flags */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "err.h"
#include "judge.h"
#include "options.h"
#include "report.h"
#include "verdict.h"

enum { EXIT_ALL_PASSED = 0, EXIT_SOME_FAILED = 1, EXIT_JUDGE_ERROR = 3 };

volatile sig_atomic_t judge_interrupted;

static void on_interrupt(int sig)
{
    (void)sig;
    judge_interrupted = 1;
}

static void usage(const char *prog)
{
    printf("usage: %s --bin TEST_BINARY --lab NAME [options]\n"
           "       %s --step NAME --limit SECONDS [options] -- COMMAND   (see --step x --help)\n"
           "Runs each test of one lab in its own contained process tree and decides\n"
           "the score: only this program says whether a test passed. It writes the lab's\n"
           "reports; render writes the run's results.json and junit.xml from every lab's.\n"
           "  --impl NAME       label for the report (labs or solutions)\n"
           "  --only TEST       grade just this test\n"
           "  --points FILE     the test table (name, points, timeout, hint) to grade by,\n"
           "                    instead of the binary's own --list (batch grading)\n"
           "  --json FILE       write the Gradescope test entries to FILE\n"
           "  --junit FILE      write a JUnit <testsuite> to FILE\n"
           "  --text FILE       write the table, as on the terminal, to FILE\n"
           "  --verdicts FILE   write one record per test to FILE (verdict.h)\n"
           "  --hidden          mark the tests after_published (instructor-only tests)\n"
           "  --deadline EPOCH  no test runs past this time (seconds since 1970)\n"
           "  --memory-mb N     memory limit per test (default 1024; 0 = none)\n"
           "  --isolate none    run without namespaces or a uid of their own\n"
           "  --view PATH       also show this host path to the tests, read-only (as root,\n"
           "                    a test sees only its binary and the lab's programs)\n"
           "  --notes FILE      append what could not be contained to FILE\n"
           "The time limits stretch by $CK_TIMEOUT_MULTIPLIER.\n"
           "Exit status: 0 all passed, 1 some failed, 3 judge error.\n"
           "example: %s --bin build/plain/labs/02-pipe/test_02-pipe --lab 02-pipe\n",
           prog, prog, prog);
}

struct judge_args {
    const char *binary, *lab, *impl, *only, *points, *json, *junit, *text, *verdicts, *notes;
    const char *view[8];
    size_t view_count;
    const char *visibility;
    long memory_mb;
    double deadline_epoch;
    bool isolate;
};

static void parse_args(int argc, char **argv, struct judge_args *a)
{
    *a = (struct judge_args){
        .impl = "labs", .visibility = "visible", .memory_mb = 1024, .isolate = true};
    const struct text_option texts[] = {
        {"--bin", &a->binary},  {"--lab", &a->lab},       {"--impl", &a->impl},
        {"--only", &a->only},   {"--points", &a->points}, {"--json", &a->json},
        {"--junit", &a->junit}, {"--text", &a->text},     {"--verdicts", &a->verdicts},
        {"--notes", &a->notes},
    };
    for (int i = 1; i < argc; i++) {
        const char *opt = argv[i];
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(opt, "-h") == 0 || strcmp(opt, "--help") == 0) {
            usage(argv[0]);
            exit(0);
        } else if (strcmp(opt, "--hidden") == 0) {
            a->visibility = "after_published";
            continue;
        }
        if (value == NULL)
            die_usage("option '%s' is unknown or needs a value (try --help)", opt);
        i++;
        if (text_option_set(texts, sizeof texts / sizeof texts[0], opt, value))
            continue;
        if (strcmp(opt, "--view") == 0 || strcmp(opt, "--kit-root") == 0) {
            if (a->view_count == sizeof a->view / sizeof a->view[0])
                die_usage("too many --view paths");
            a->view[a->view_count++] = value;
        } else if (strcmp(opt, "--deadline") == 0)
            a->deadline_epoch = atof(value);
        else if (strcmp(opt, "--memory-mb") == 0)
            a->memory_mb = atol(value);
        else if (strcmp(opt, "--isolate") == 0)
            a->isolate = strcmp(value, "none") != 0;
        else
            die_usage("unknown option '%s' (try --help)", opt);
    }
    if (a->binary == NULL || a->lab == NULL)
        die_usage("--bin and --lab are required (try --help)");
}

static void append_note(const char *path, const char *lab, const char *text)
{
    FILE *out = path ? fopen(path, "a") : NULL;
    if (out) {
        fprintf(out, "lab %s: %s\n", lab, text);
        fclose(out);
    }
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--step") == 0)
        return judge_step_main(argc, argv);
    err_set_progname(argv[0]);
    struct judge_args a;
    parse_args(argc, argv, &a);

    /* The test runs in its own folder, so the binary's path must not be relative. */
    static char binary[PATH_MAX];
    if (realpath(a.binary, binary) == NULL)
        die_errno("judge: the test binary %s", a.binary);
    a.binary = binary;

    struct grade_test *tests;
    size_t count;
    if (judge_load_table(a.binary, a.points, &tests, &count) == -1)
        die_errno("judge: reading the test table of %s", a.points ? a.points : a.binary);
    struct grade_test *table = tests;
    size_t table_count = count;
    if (a.only) {
        size_t k = 0;
        while (k < count && strcmp(tests[k].name, a.only) != 0)
            k++;
        if (k == count) {
            warn_msg("judge: no test named '%s' in lab %s; its tests are:", a.only, a.lab);
            for (size_t i = 0; i < count; i++)
                fprintf(stderr, "  %s\n", tests[i].name);
            judge_free_table(tests, count);
            return EXIT_JUDGE_ERROR;
        }
        tests = &tests[k];
        count = 1;
    }

    signal(SIGPIPE, SIG_IGN); /* a test that vanished must not take the judge along */
    struct sigaction sa = {.sa_handler = on_interrupt};
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    struct containment c;
    if (contain_init(&c, a.isolate, a.memory_mb) == -1)
        die_errno("judge: preparing the tests' containment");
    if (c.why[0]) {
        printf("judge: lab %s: %s\n", a.lab, c.why);
        append_note(a.notes, a.lab, c.why);
    }

    const char *multiplier_text = getenv("CK_TIMEOUT_MULTIPLIER");
    /* The views must be absolute: the test sees them at the same path. */
    static char views[8][PATH_MAX];
    for (size_t i = 0; i < a.view_count; i++) {
        if (realpath(a.view[i], views[i]) == NULL)
            die_errno("judge: --view %s", a.view[i]);
        a.view[i] = views[i];
    }
    struct judge_options o = {.binary = a.binary,
                              .multiplier = 1.0,
                              .output_keep = 3000,
                              .view = a.view,
                              .view_count = a.view_count};
    if (multiplier_text && atof(multiplier_text) > 1.0)
        o.multiplier = atof(multiplier_text);
    if (a.deadline_epoch > 0) {
        double left = a.deadline_epoch - (double)time(NULL);
        o.deadline_ns = clock_now_ns() + (uint64_t)(left > 0 ? left * 1e9 : 0);
    }

    struct test_outcome *results = calloc(count, sizeof *results);
    if (results == NULL)
        die_errno("judge: calloc");
    for (size_t i = 0; i < count; i++) {
        struct test_outcome *r = &results[i];
        r->test = &tests[i];
        if (judge_interrupted || (o.deadline_ns && clock_now_ns() >= o.deadline_ns)) {
            r->ran = true;
            r->status = STATUS_NOT_RUN;
            snprintf(r->message, sizeof r->message,
                     judge_interrupted ? "not run: grading was interrupted (no points)"
                                       : "not run: the submission's time limit was used up "
                                         "before this test could start (no points)");
            continue;
        }
        judge_run_test(&o, &c, (int)i, &tests[i], r);
    }
    contain_finish(&c);

    report_terminal(a.lab, a.impl, results, count);
    /* The verdicts first: they are the record the other reports can be made from again. */
    if (a.verdicts && verdict_write(a.verdicts, a.visibility, results, count) == -1)
        die_errno("judge: writing %s", a.verdicts);
    const struct report_paths paths = {a.json, a.junit, a.text};
    const char *failed;
    if (report_write_files(&paths, a.lab, a.impl, a.visibility, results, count, &failed) == -1)
        die_errno("judge: writing %s", failed);
    /* A grader error outweighs any result: the run must be graded again. */
    int status = EXIT_ALL_PASSED;
    for (size_t i = 0; i < count; i++) {
        if (results[i].status == STATUS_GRADER_ERROR)
            status = EXIT_JUDGE_ERROR;
        else if (!results[i].passed && status != EXIT_JUDGE_ERROR)
            status = EXIT_SOME_FAILED;
    }
    free(results);
    judge_free_table(table, table_count);
    return status;
}
