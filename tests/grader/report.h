/*
 * report.h - the judge's outputs for one lab:
 *   - a table on the terminal (colour only on a TTY, never with NO_COLOR),
 *     and the same table as plain text in a file (the batch reports);
 *   - the lab's entries in Gradescope's format, and a JUnit <testsuite>
 *     for CI systems, as files of the lab's own;
 *   - the whole run's results.json and junit.xml (report_results), which
 *     render.c writes from every lab's verdict records at the end of a
 *     grading run (grade.sh calls it; nothing joins JSON or XML by hand).
 * The judge renders them from its results in memory; render.c renders the
 * same from a verdict file (verdict.h), which keeps those results as data.
 * Whatever the test printed is data in all of them: escaped for the
 * terminal (term_write_text), for JSON (json.h) and for XML (xml.h), and
 * valid UTF-8.
 */
#ifndef IPC_KIT_REPORT_H
#define IPC_KIT_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "grader.h"

/*
 * How a test ended, as one word in every report. Only "passed" earns its
 * points. A grader error is the grader's failure, never the student's: the
 * run exits 3 and the report says to grade again.
 */
enum test_status {
    STATUS_NOT_RUN,      /* never started: the time was up, or grading was interrupted */
    STATUS_PASSED,       /* every check held, nothing left behind */
    STATUS_FAILED,       /* a check failed */
    STATUS_TIMED_OUT,    /* stopped at its time limit */
    STATUS_CRASHED,      /* its process ended before its last check, or badly after it */
    STATUS_LEAKED,       /* the checks held, but it left resources behind */
    STATUS_GRADER_ERROR, /* the judge could not contain, start or finish it */
};

/* "not_run", "passed", "failed", "timed_out", "crashed", "leaked", "grader_error". */
const char *test_status_name(enum test_status status);
/* The status of a name above; -1 for any other word. */
int test_status_parse(const char *name);

struct test_outcome {
    const struct grade_test *test;
    bool ran;
    bool passed; /* status == STATUS_PASSED */
    enum test_status status;
    char message[6144]; /* why it failed, with the tail of its output */
    char notes[3072];   /* notes of the test, leak audit findings */
    int leaks;          /* resources left after a test that passed its checks (0: none) */
    bool timed_out;     /* stopped at its time limit */
    double seconds;
};

void report_terminal(const char *lab, const char *impl, const struct test_outcome *results,
                     size_t count);

/* The terminal's table, without colour, to a file. */
int report_text(const char *path, const char *lab, const char *impl,
                const struct test_outcome *results, size_t count);

/* One JSON object per line, one line per test, joined by commas later. */
int report_json(const char *path, const char *lab, const char *visibility,
                const struct test_outcome *results, size_t count);

int report_junit(const char *path, const char *lab, const struct test_outcome *results,
                 size_t count);

/* One lab's results, as a part of a whole run. */
struct report_part {
    const char *lab, *visibility;
    const struct test_outcome *results;
    size_t count;
};

/*
 * The whole run's results.json (Gradescope's format: score, max_score, the
 * top-level output `notes`, every test of every part) and junit.xml (one
 * <testsuite> per part), from the records alone: nobody writes or patches
 * JSON or XML by hand. A NULL path is a report not wanted. Returns 0, or -1
 * with errno.
 */
int report_results(const char *json_path, const char *junit_path, const char *notes,
                   const struct report_part *parts, size_t part_count);

/* The report files of one lab; a NULL path is a report not wanted. */
struct report_paths {
    const char *json, *junit, *text;
};

/*
 * Writes each wanted report (report_json(), report_junit(), report_text()),
 * so that the judge and render (which writes them again from the verdicts)
 * always write the same set. Returns 0, or -1 with errno set and *failed set
 * to the path that could not be written.
 */
int report_write_files(const struct report_paths *paths, const char *lab, const char *impl,
                       const char *visibility, const struct test_outcome *results, size_t count,
                       const char **failed);

#endif
