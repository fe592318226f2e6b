/*
 * verdict.h - the judge's verdicts as data: one record per test.
 *
 * The judge writes a verdict file beside its reports; grade.sh completes it
 * (a lab that did not compile, tests a killed judge never ran, a test that
 * failed under ThreadSanitizer) by adding or replacing whole records, and
 * render (render.c) turns it into the same reports the judge writes
 * (report.h). Scripts that count (grade-batch's grades.csv) read its
 * numbers. Nobody parses prose, and nobody patches a report.
 *
 * One line per test, ten fields separated by tabs:
 *   name  status  score  max_score  visibility  leaks  timed_out(0|1)
 *   seconds  message  notes
 * status is a word of report.h (passed, failed, timed_out, crashed, leaked,
 * not_run, grader_error). The first eight are the grader's own words and numbers. message and notes
 * may hold what a test printed: in them a backslash, tab and newline are
 * written as \\, \t and \n (verdict_field_puts), so a record is always one
 * line of ten fields, whatever the text.
 */
#ifndef IPC_KIT_VERDICT_H
#define IPC_KIT_VERDICT_H

#include <stddef.h>
#include <stdio.h>

#include "report.h"

/* Writes s as a record field: \\, \t and \n for backslash, tab and newline. */
void verdict_field_puts(FILE *out, const char *s);

/* Writes one record per result. Returns 0, or -1 with errno. The file is 0600. */
int verdict_write(const char *path, const char *visibility, const struct test_outcome *results,
                  size_t count);

/*
 * Reads a verdict file. Each record's test must be in table (its points,
 * time limit and hint come from there, its message and notes from the
 * record). On success *results (calloc'd, the caller frees it) holds *count
 * results in the file's order and visibility (size bytes) the first
 * record's; returns 0. Returns -1 with errno EINVAL for a malformed record
 * or one whose test the table lacks (why, in why), or another errno.
 */
int verdict_read(const char *path, const struct grade_test *table, size_t table_count,
                 struct test_outcome **results, size_t *count, char *visibility, size_t size,
                 char *why, size_t why_size);

#endif
