/*
 * report.c - terminal table, Gradescope JSON and JUnit XML (see report.h).
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "json.h"
#include "report.h"
#include "term.h"
#include "xml.h"

/*
 * Opens path for writing, mode 0600 whatever the umask (and even when the
 * file was there before): results are the grading user's alone.
 */
static FILE *open_private(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd == -1)
        return NULL;
    FILE *out = fchmod(fd, 0600) == 0 ? fdopen(fd, "w") : NULL;
    if (out == NULL)
        close(fd);
    return out;
}

/* Every line of text (which holds what the test printed) indented and made inert. */
static void print_indented(FILE *out, const char *prefix, const char *text)
{
    size_t len = strlen(text);
    while (len > 0 && text[len - 1] == '\n')
        len--;
    if (len == 0)
        return;
    term_write_text(out, prefix, text, len);
    fputc('\n', out);
}

/* The table's word for each status (report.h), four letters wide. */
static const char *const status_labels[] = {"SKIP", "PASS", "FAIL", "TIME", "CRSH", "LEAK", "GERR"};

/* The table of one lab's tests; colour only when c. */
static void report_table(FILE *out, bool c, const char *lab, const char *impl,
                         const struct test_outcome *results, size_t count)
{
    int earned = 0, max = 0;
    fprintf(out, "\n%s== lab %s (%s) ==%s\n", term_color(c, TERM_BOLD), lab, impl,
            term_color(c, TERM_RESET));
    for (size_t i = 0; i < count; i++) {
        const struct test_outcome *r = &results[i];
        int points = r->passed ? r->test->points : 0;
        earned += points;
        max += r->test->points;
        fprintf(out, "  %s%s%s %3d/%-3d %s\n", term_color(c, r->passed ? TERM_GREEN : TERM_RED),
                status_labels[r->status <= STATUS_GRADER_ERROR ? r->status : STATUS_FAILED],
                term_color(c, TERM_RESET), points, r->test->points, r->test->name);
        if (!r->passed) {
            print_indented(out, "             ", r->message);
            fprintf(out, "             %shint:%s %s\n", term_color(c, TERM_YELLOW),
                    term_color(c, TERM_RESET), r->test->hint);
        }
        if (r->notes[0])
            print_indented(out, "             ", r->notes);
    }
    fprintf(out, "  %slab %s: %d/%d points%s\n", term_color(c, TERM_BOLD), lab, earned, max,
            term_color(c, TERM_RESET));
}

void report_terminal(const char *lab, const char *impl, const struct test_outcome *results,
                     size_t count)
{
    report_table(stdout, term_use_color(STDOUT_FILENO), lab, impl, results, count);
    fflush(stdout);
}

int report_text(const char *path, const char *lab, const char *impl,
                const struct test_outcome *results, size_t count)
{
    FILE *out = open_private(path);
    if (out == NULL)
        return -1;
    report_table(out, false, lab, impl, results, count);
    return fclose(out) == 0 ? 0 : -1;
}

/* The text a student sees for one test on Gradescope. */
static void output_text(const struct test_outcome *r, char *buf, size_t size)
{
    if (r->passed)
        snprintf(buf, size, "passed (%.2f s)\n%s", r->seconds, r->notes);
    else if (r->status == STATUS_GRADER_ERROR)
        snprintf(buf, size, "grader error: grade again (this is not your code's doing)\n%s\n%s",
                 r->message, r->notes);
    else
        snprintf(buf, size, "%s\nhint: %s\n%s", r->message, r->test->hint, r->notes);
}

/* The Gradescope entries of one lab's tests, comma-separated, one per line. */
static void json_entries(FILE *out, const char *lab, const char *visibility,
                         const struct test_outcome *results, size_t count, bool more_follow)
{
    for (size_t i = 0; i < count; i++) {
        const struct test_outcome *r = &results[i];
        char name[256], output[10240];
        snprintf(name, sizeof name, "lab %s: %s", lab, r->test->name);
        output_text(r, output, sizeof output);
        fprintf(out, "{\"name\": ");
        json_fputs(out, name);
        fprintf(out, ", \"score\": %d, \"max_score\": %d, \"status\": \"%s\", \"output\": ",
                r->passed ? r->test->points : 0, r->test->points, r->passed ? "passed" : "failed");
        json_fputs(out, output);
        fprintf(out, ", \"visibility\": \"%s\"}%s\n", visibility,
                i + 1 < count || more_follow ? "," : "");
    }
}

int report_json(const char *path, const char *lab, const char *visibility,
                const struct test_outcome *results, size_t count)
{
    FILE *out = open_private(path);
    if (out == NULL)
        return -1;
    json_entries(out, lab, visibility, results, count, false);
    return fclose(out) == 0 ? 0 : -1;
}

/* One lab's <testsuite>. A grader error is a JUnit <error> (the test could
 * not be judged), every other test without its points a <failure>. */
static void junit_suite(FILE *out, const char *lab, const struct test_outcome *results,
                        size_t count)
{
    size_t failures = 0, errors = 0;
    double total = 0;
    for (size_t i = 0; i < count; i++) {
        errors += results[i].status == STATUS_GRADER_ERROR;
        failures += !results[i].passed && results[i].status != STATUS_GRADER_ERROR;
        total += results[i].seconds;
    }
    /* skipped too: Jenkins' JUnit schema requires it. */
    fprintf(out,
            "  <testsuite name=\"lab-%s\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" "
            "skipped=\"0\" time=\"%.3f\">\n",
            lab, count, failures, errors, total);
    for (size_t i = 0; i < count; i++) {
        const struct test_outcome *r = &results[i];
        fprintf(out, "    <testcase classname=\"lab-%s\" name=\"", lab);
        xml_write_text(out, r->test->name);
        fprintf(out, "\" time=\"%.3f\">", r->seconds);
        if (!r->passed) {
            bool error = r->status == STATUS_GRADER_ERROR;
            fprintf(out, "\n      <%s type=\"%s\" message=\"", error ? "error" : "failure",
                    test_status_name(r->status));
            xml_write_text(out, r->message);
            fputs("\">", out);
            xml_write_text(out, error ? "grader error: grade again" : r->test->hint);
            fprintf(out, "</%s>\n    ", error ? "error" : "failure");
        }
        if (r->notes[0]) {
            fputs("<system-out>", out);
            xml_write_text(out, r->notes);
            fputs("</system-out>", out);
        }
        fputs("</testcase>\n", out);
    }
    fputs("  </testsuite>\n", out);
}

int report_junit(const char *path, const char *lab, const struct test_outcome *results,
                 size_t count)
{
    FILE *out = open_private(path);
    if (out == NULL)
        return -1;
    junit_suite(out, lab, results, count);
    return fclose(out) == 0 ? 0 : -1;
}

int report_results(const char *json_path, const char *junit_path, const char *notes,
                   const struct report_part *parts, size_t part_count)
{
    int score = 0, max = 0, tests = 0, failures = 0, errors = 0;
    double seconds = 0;
    for (size_t p = 0; p < part_count; p++) {
        for (size_t i = 0; i < parts[p].count; i++) {
            const struct test_outcome *r = &parts[p].results[i];
            score += r->passed ? r->test->points : 0;
            max += r->test->points;
            tests++;
            errors += r->status == STATUS_GRADER_ERROR;
            failures += !r->passed && r->status != STATUS_GRADER_ERROR;
            seconds += r->seconds;
        }
    }
    FILE *out = json_path ? open_private(json_path) : NULL;
    if (json_path && out == NULL)
        return -1;
    if (out != NULL) {
        /* stdout_visibility hidden: the log holds hidden tests' names; students
         * see only the tests' own "output" fields, as each test's visibility allows. */
        fprintf(out,
                "{\n  \"score\": %d,\n  \"max_score\": %d,\n  \"visibility\": \"visible\",\n"
                "  \"stdout_visibility\": \"hidden\",\n",
                score, max);
        if (notes != NULL && notes[0]) {
            fputs("  \"output\": ", out);
            json_fputs(out, notes);
            fputs(",\n", out);
        }
        fputs("  \"tests\": [\n", out);
        size_t last = part_count;
        for (size_t p = 0; p < part_count; p++)
            last = parts[p].count ? p : last;
        for (size_t p = 0; p < part_count; p++)
            json_entries(out, parts[p].lab, parts[p].visibility, parts[p].results, parts[p].count,
                         p < last);
        fputs("  ]\n}\n", out);
        if (fclose(out) != 0)
            return -1;
    }
    out = junit_path ? open_private(junit_path) : NULL;
    if (junit_path && out == NULL)
        return -1;
    if (out != NULL) {
        fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", out);
        fprintf(out,
                "<testsuites name=\"ipc-kit\" tests=\"%d\" failures=\"%d\" errors=\"%d\" "
                "time=\"%.3f\">\n",
                tests, failures, errors, seconds);
        for (size_t p = 0; p < part_count; p++)
            junit_suite(out, parts[p].lab, parts[p].results, parts[p].count);
        fputs("</testsuites>\n", out);
        if (fclose(out) != 0)
            return -1;
    }
    return 0;
}

int report_write_files(const struct report_paths *paths, const char *lab, const char *impl,
                       const char *visibility, const struct test_outcome *results, size_t count,
                       const char **failed)
{
    *failed = NULL;
    if (paths->json && report_json(paths->json, lab, visibility, results, count) == -1)
        *failed = paths->json;
    else if (paths->junit && report_junit(paths->junit, lab, results, count) == -1)
        *failed = paths->junit;
    else if (paths->text && report_text(paths->text, lab, impl, results, count) == -1)
        *failed = paths->text;
    return *failed ? -1 : 0;
}
