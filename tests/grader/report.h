/*
 * report.h - the judge's three outputs for one lab:
 *   - a table on the terminal (colour only on a TTY, never with NO_COLOR);
 *   - a JSON fragment for Gradescope's results.json (tools/grade-report merges
 *     the labs' fragments into build/grade/results.json);
 *   - a JUnit <testsuite> fragment for CI systems (merged into junit.xml).
 */
#ifndef IPC_KIT_REPORT_H
#define IPC_KIT_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "grader.h"

struct graded_test {
    const struct grade_test *test;
    bool ran;
    bool passed;
    char message[6144]; /* why it failed, with the tail of its output */
    char notes[3072];   /* notes of the test, leak audit findings */
    double seconds;
};

void report_terminal(const char *lab, const char *impl, const struct graded_test *results,
                     size_t count);

/* One JSON object per line, one line per test, joined by commas later. */
int report_json(const char *path, const char *lab, const char *visibility,
                const struct graded_test *results, size_t count);

int report_junit(const char *path, const char *lab, const struct graded_test *results,
                 size_t count);

#endif
