/* verdict.c - see verdict.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "grow.h"
#include "lines.h"
#include "verdict.h"

enum { FIELDS = 10 };

void verdict_field_puts(FILE *out, const char *s)
{
    for (; *s; s++) {
        if (*s == '\\')
            fputs("\\\\", out);
        else if (*s == '\t')
            fputs("\\t", out);
        else if (*s == '\n')
            fputs("\\n", out);
        else
            fputc(*s, out);
    }
}

int verdict_write(const char *path, const char *visibility, const struct test_outcome *results,
                  size_t count)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd == -1)
        return -1;
    FILE *out = fchmod(fd, 0600) == 0 ? fdopen(fd, "w") : NULL;
    if (out == NULL) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    for (size_t i = 0; i < count; i++) {
        const struct test_outcome *r = &results[i];
        fprintf(out, "%s\t%s\t%d\t%d\t%s\t%d\t%d\t%.9f\t", r->test->name,
                test_status_name(r->status), r->passed ? r->test->points : 0, r->test->points,
                visibility, r->leaks, r->timed_out ? 1 : 0, r->seconds);
        verdict_field_puts(out, r->message);
        fputc('\t', out);
        verdict_field_puts(out, r->notes);
        fputc('\n', out);
    }
    return fclose(out) == 0 ? 0 : -1;
}

/* The status words of a record, in the order of enum test_status (report.h). */
static const char *const status_names[] = {"not_run", "passed", "failed",      "timed_out",
                                           "crashed", "leaked", "grader_error"};

const char *test_status_name(enum test_status status)
{
    return (unsigned)status < sizeof status_names / sizeof status_names[0] ? status_names[status]
                                                                           : "failed";
}

int test_status_parse(const char *name)
{
    for (size_t i = 0; i < sizeof status_names / sizeof status_names[0]; i++) {
        if (strcmp(name, status_names[i]) == 0)
            return (int)i;
    }
    return -1;
}

/* Copies field to out (size bytes), turning \\, \t and \n back into their bytes. */
static void unescape(const char *field, char *out, size_t size)
{
    size_t used = 0;
    for (const char *p = field; *p && used + 1 < size; p++) {
        char c = *p;
        if (c == '\\' && p[1]) {
            p++;
            c = *p == 't' ? '\t' : *p == 'n' ? '\n' : *p;
        }
        out[used++] = c;
    }
    out[used] = '\0';
}

/* Splits line (its newline removed) at tabs into exactly FIELDS fields. */
static int split(char *line, char *fields[FIELDS])
{
    line[strcspn(line, "\n")] = '\0';
    int n = 0;
    for (char *p = line; n < FIELDS; n++) {
        fields[n] = p;
        char *tab = strchr(p, '\t');
        if (tab == NULL) {
            n++;
            break;
        }
        *tab = '\0';
        p = tab + 1;
    }
    return n == FIELDS ? 0 : -1;
}

static int fill(char *fields[FIELDS], const struct grade_test *table, size_t table_count,
                struct test_outcome *r, char *why, size_t why_size)
{
    r->test = NULL;
    for (size_t i = 0; i < table_count && r->test == NULL; i++) {
        if (strcmp(table[i].name, fields[0]) == 0)
            r->test = &table[i];
    }
    if (r->test == NULL) {
        snprintf(why, why_size, "a verdict for '%s', a test the table does not have", fields[0]);
        return -1;
    }
    int status = test_status_parse(fields[1]);
    if (status == -1) {
        snprintf(why, why_size, "'%s': '%s' is not a status (report.h)", fields[0], fields[1]);
        return -1;
    }
    r->ran = true;
    r->status = (enum test_status)status;
    r->passed = r->status == STATUS_PASSED;
    r->leaks = atoi(fields[5]);
    r->timed_out = strcmp(fields[6], "1") == 0;
    r->seconds = atof(fields[7]);
    unescape(fields[8], r->message, sizeof r->message);
    unescape(fields[9], r->notes, sizeof r->notes);
    return 0;
}

/* The results verdict_read() gathers, one record a line. */
struct reading {
    const struct grade_test *table;
    size_t table_count;
    struct test_outcome *results;
    size_t count;
    size_t capacity;
    char *visibility;
    size_t visibility_size;
    char *why;
    size_t why_size;
};

/* lines_read()'s reader: one result a record; a bad record says why and stops. */
static int read_record(char *line, size_t number, void *arg)
{
    (void)number; /* a bad record is named by its place among the records */
    struct reading *r = arg;
    char *fields[FIELDS];
    if (split(line, fields) == -1) {
        snprintf(r->why, r->why_size, "record %zu does not have %d fields", r->count + 1, FIELDS);
        errno = EINVAL;
        return -1;
    }
    struct test_outcome *results = grow_array(r->results, r->count, &r->capacity, sizeof *results);
    if (results == NULL)
        return -1;
    r->results = results;
    struct test_outcome *result = &r->results[r->count];
    memset(result, 0, sizeof *result);
    if (fill(fields, r->table, r->table_count, result, r->why, r->why_size) == -1) {
        errno = EINVAL;
        return -1;
    }
    if (r->count == 0)
        snprintf(r->visibility, r->visibility_size, "%s", fields[4]);
    r->count++;
    return 0;
}

int verdict_read(const char *path, const struct grade_test *table, size_t table_count,
                 struct test_outcome **results, size_t *count, char *visibility, size_t size,
                 char *why, size_t why_size)
{
    snprintf(why, why_size, "%s", ""); /* also when the file cannot be opened */
    struct reading r = {.table = table,
                        .table_count = table_count,
                        .visibility = visibility,
                        .visibility_size = size,
                        .why = why,
                        .why_size = why_size};
    if (lines_read(path, read_record, &r) == -1) {
        int saved = errno;
        free(r.results);
        *results = NULL;
        *count = 0;
        errno = saved;
        return -1;
    }
    *results = r.results;
    *count = r.count;
    return 0;
}
