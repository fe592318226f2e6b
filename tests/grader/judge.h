/*
 * judge.h - the judge's parts: its options, the test table, one test's run.
 *
 * The judge (judge.c) is the only program that decides a score. It is
 * linked with no student code; it starts the lab's test binary once per
 * test inside a containment unit (contain.h), listens for the test's
 * records (judge_channel.h), audits what the test left (audit.h) and writes the
 * reports (report.h).
 */
#ifndef IPC_KIT_JUDGE_H
#define IPC_KIT_JUDGE_H

#include <signal.h>
#include <stdint.h>

#include "contain.h"
#include "grader.h"
#include "report.h"

struct judge_options {
    const char *binary;      /* the lab's test binary */
    double multiplier;       /* CK_TIMEOUT_MULTIPLIER: every time limit stretches by it */
    uint64_t deadline_ns;    /* CLOCK_MONOTONIC; 0 = none. No test runs past it. */
    int output_keep;         /* bytes of a failing test's output shown in its report */
    const char *const *view; /* more host paths tests may read (--view), e.g. the kit */
    size_t view_count;
};

/* Set by SIGINT/SIGTERM: the running test stops, the rest are not run. */
extern volatile sig_atomic_t judge_interrupted;

/* Loads the table: from points_file when given (trusted), else from `binary --list`. */
int judge_load_table(const char *binary, const char *points_file, struct grade_test **tests,
                     size_t *count);

/* Frees what judge_load_table() made. */
void judge_free_table(struct grade_test *tests, size_t count);

/* Runs one test in its own unit and fills r. */
void judge_run_test(const struct judge_options *o, struct containment *c, int index,
                    const struct grade_test *t, struct test_outcome *r);

/* judge --step: runs one build or check command in a jail (judge_step.c). */
int judge_step_main(int argc, char **argv);

#endif
