/*
 * render_grades.c - grade-batch's grades.json, from its rows (render --grades).
 *
 * usage: render --grades OUT --max TOTAL [--lab LAB MAX]... [--row ROW NOTES]...
 *
 * ROW is one student's line of numbers as grade-batch counts them from the
 * judge's verdict records: name<TAB>points per lab...<TAB>total<TAB>leaks
 * <TAB>timeouts. NOTES holds that student's notes, one per line (the line
 * "graded in ..." is left out). Every string goes through json_fputs(), so
 * a student's name or note is data in the file, never its syntax.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "json.h"
#include "render_grades.h"

enum { MAX_LABS = 16, MAX_FIELDS = MAX_LABS + 4 };

struct grades_args {
    const char *out;
    long max;
    const char *labs[MAX_LABS];
    long lab_max[MAX_LABS];
    int lab_count;
};

/* Splits line (changed in place) at tabs into at most MAX_FIELDS fields. */
static int split_tabs(char *line, char *fields[MAX_FIELDS])
{
    int n = 0;
    line[strcspn(line, "\n")] = '\0';
    for (char *p = line; n < MAX_FIELDS; n++) {
        fields[n] = p;
        char *tab = strchr(p, '\t');
        if (tab == NULL)
            return n + 1;
        *tab = '\0';
        p = tab + 1;
    }
    return n;
}

/* One student's object; false when the row is not what grade-batch writes. */
static bool write_student(FILE *out, const struct grades_args *a, const char *row_path,
                          const char *notes_path, bool first)
{
    char line[4096], *fields[MAX_FIELDS];
    FILE *row = fopen(row_path, "r");
    if (row == NULL || fgets(line, sizeof line, row) == NULL) {
        if (row != NULL)
            fclose(row);
        return false;
    }
    fclose(row);
    if (split_tabs(line, fields) != a->lab_count + 4)
        return false;
    fprintf(out, "%s    {\"student\": ", first ? "\n" : ",\n");
    json_fputs(out, fields[0]);
    fputs(", \"labs\": {", out);
    for (int i = 0; i < a->lab_count; i++) {
        fprintf(out, "%s", i ? ", " : "");
        json_fputs(out, a->labs[i]);
        fprintf(out, ": %ld", strtol(fields[i + 1], NULL, 10));
    }
    int n = a->lab_count;
    fprintf(out, "}, \"total\": %ld, \"leaks\": %ld, \"timeouts\": %ld, \"notes\": [",
            strtol(fields[n + 1], NULL, 10), strtol(fields[n + 2], NULL, 10),
            strtol(fields[n + 3], NULL, 10));
    FILE *notes = fopen(notes_path, "r");
    bool first_note = true;
    while (notes != NULL && fgets(line, sizeof line, notes) != NULL) {
        line[strcspn(line, "\n")] = '\0';
        if (line[0] == '\0' || strncmp(line, "graded in", 9) == 0)
            continue;
        fputs(first_note ? "" : ", ", out);
        json_fputs(out, line);
        first_note = false;
    }
    if (notes != NULL)
        fclose(notes);
    fputs("]}", out);
    return true;
}

int render_grades_main(int argc, char **argv)
{
    struct grades_args a = {.max = 0};
    int first_row = argc;
    for (int i = 1; i < argc && first_row == argc; i++) {
        if (strcmp(argv[i], "--grades") == 0 && i + 1 < argc)
            a.out = argv[++i];
        else if (strcmp(argv[i], "--max") == 0 && i + 1 < argc)
            a.max = strtol(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--lab") == 0 && i + 2 < argc && a.lab_count < MAX_LABS) {
            a.labs[a.lab_count] = argv[++i];
            a.lab_max[a.lab_count++] = strtol(argv[++i], NULL, 10);
        } else if (strcmp(argv[i], "--row") == 0)
            first_row = i;
        else
            die_usage("--grades: unknown or incomplete option '%s' (try --help)", argv[i]);
    }
    if (a.out == NULL)
        die_usage("--grades needs a file to write (try --help)");
    FILE *out = fopen(a.out, "w");
    if (out == NULL)
        die_errno("render: writing %s", a.out);
    fputs("{\n  \"labs\": [", out);
    for (int i = 0; i < a.lab_count; i++) {
        fputs(i ? ", {\"lab\": " : "{\"lab\": ", out);
        json_fputs(out, a.labs[i]);
        fprintf(out, ", \"max\": %ld}", a.lab_max[i]);
    }
    fprintf(out, "],\n  \"max\": %ld,\n  \"students\": [", a.max);
    bool first = true;
    for (int i = first_row; i + 2 < argc + 0 && strcmp(argv[i], "--row") == 0; i += 3) {
        if (!write_student(out, &a, argv[i + 1], argv[i + 2], first))
            die("render: %s is not a row of grade-batch (name, %d labs, total, leaks, timeouts)",
                argv[i + 1], a.lab_count);
        first = false;
    }
    fputs("\n  ]\n}\n", out);
    if (fclose(out) != 0)
        die_errno("render: writing %s", a.out);
    return 0;
}
