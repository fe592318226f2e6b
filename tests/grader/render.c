/*
 * render - the judge's reports for one lab, from its verdict file.
 *
 * usage: render --lab NAME --points TABLE --verdicts FILE [options]
 *
 * grade.sh changes a lab's results only as records (verdict.h): 0 for every
 * test of a lab that did not compile, a failed record for each test a killed
 * judge never reached, the ThreadSanitizer run's record in place of the
 * plain one. This program then writes the lab's reports from the records,
 * with the same renderers the judge uses (report.h), so every report says
 * the same and none is ever patched.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "judge.h"
#include "options.h"
#include "render_grades.h"
#include "report.h"
#include "verdict.h"

static void usage(const char *prog)
{
    printf("usage: %s --lab NAME --points TABLE --verdicts FILE [options]\n"
           "       %s --results FILE [--junit FILE] [--notes FILE] --part LAB TABLE VERDICTS...\n"
           "       %s --grades FILE --max TOTAL [--lab LAB MAX]... --row ROW NOTES...\n"
           "Writes one lab's reports from its verdict file (one record per test); with\n"
           "--results, the whole run's results.json (and junit.xml) from every lab's;\n"
           "with --grades, grade-batch's grades.json from its rows (render_grades.c).\n"
           "  --impl NAME       label for the table (labs or solutions)\n"
           "  --json FILE       the Gradescope test entries\n"
           "  --junit FILE      a JUnit <testsuite>\n"
           "  --text FILE       the table, as on the terminal\n"
           "  --terminal        print the table on standard output\n"
           "TABLE gives each test's points, time limit and hint (name<TAB>points<TAB>\n"
           "timeout<TAB>hint, as the test binary's --list prints it).\n"
           "example: %s --lab 02-pipe --points test_02-pipe.tsv --verdicts 02-pipe.verdicts "
           "--json 02-pipe.json\n",
           prog, prog, prog, prog);
}

struct render_args {
    const char *lab, *impl, *points, *verdicts, *json, *junit, *text;
    bool terminal;
};

static void parse_args(int argc, char **argv, struct render_args *a)
{
    *a = (struct render_args){.impl = "labs"};
    const struct text_option texts[] = {
        {"--lab", &a->lab},           {"--impl", &a->impl}, {"--points", &a->points},
        {"--verdicts", &a->verdicts}, {"--json", &a->json}, {"--junit", &a->junit},
        {"--text", &a->text},
    };
    for (int i = 1; i < argc; i++) {
        const char *opt = argv[i];
        if (strcmp(opt, "-h") == 0 || strcmp(opt, "--help") == 0) {
            usage(argv[0]);
            exit(0);
        }
        if (strcmp(opt, "--terminal") == 0) {
            a->terminal = true;
            continue;
        }
        if (i + 1 >= argc)
            die_usage("option '%s' is unknown or needs a value (try --help)", opt);
        const char *value = argv[++i];
        if (!text_option_set(texts, sizeof texts / sizeof texts[0], opt, value))
            die_usage("unknown option '%s' (try --help)", opt);
    }
    if (a->lab == NULL || a->points == NULL || a->verdicts == NULL)
        die_usage("--lab, --points and --verdicts are required (try --help)");
}

/*
 * render --results FILE --junit FILE [--notes FILE] --part LAB TABLE VERDICTS...
 * The whole run's results.json and junit.xml from every lab's records.
 */
enum { MAX_PARTS = 32 };

static char *read_notes(const char *path)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return NULL;
    static char notes[16384];
    size_t n = fread(notes, 1, sizeof notes - 1, f);
    fclose(f);
    notes[n] = '\0';
    while (n > 0 && notes[n - 1] == '\n')
        notes[--n] = '\0';
    return notes;
}

static int merge_main(int argc, char **argv)
{
    const char *results_path = NULL, *junit_path = NULL, *notes_path = NULL;
    struct report_part parts[MAX_PARTS];
    struct grade_test *tables[MAX_PARTS];
    size_t table_counts[MAX_PARTS], count = 0;
    static char visibilities[MAX_PARTS][32];
    for (int i = 1; i < argc; i++) {
        const char *opt = argv[i];
        if (strcmp(opt, "--part") == 0 && i + 3 < argc && count < MAX_PARTS) {
            const char *lab = argv[++i], *table = argv[++i], *verdicts = argv[++i];
            struct test_outcome *results;
            char why[512];
            if (judge_load_table(NULL, table, &tables[count], &table_counts[count]) == -1)
                die_errno("render: reading the test table %s", table);
            if (verdict_read(verdicts, tables[count], table_counts[count], &results,
                             &parts[count].count, visibilities[count], sizeof visibilities[count],
                             why, sizeof why) == -1) {
                if (why[0])
                    die("render: %s: %s (see verdict.h for the format)", verdicts, why);
                die_errno("render: reading the verdicts %s", verdicts);
            }
            parts[count].lab = lab;
            parts[count].visibility = visibilities[count][0] ? visibilities[count] : "visible";
            parts[count].results = results;
            count++;
        } else if (strcmp(opt, "--results") == 0 && i + 1 < argc) {
            results_path = argv[++i];
        } else if (strcmp(opt, "--junit") == 0 && i + 1 < argc) {
            junit_path = argv[++i];
        } else if (strcmp(opt, "--notes") == 0 && i + 1 < argc) {
            notes_path = argv[++i];
        } else {
            die_usage("--results: unknown or incomplete option '%s' (try --help)", opt);
        }
    }
    const char *notes = notes_path ? read_notes(notes_path) : NULL;
    if (report_results(results_path, junit_path, notes, parts, count) == -1)
        die_errno("render: writing the run's reports");
    for (size_t i = 0; i < count; i++) {
        free((void *)parts[i].results);
        judge_free_table(tables[i], table_counts[i]);
    }
    return 0;
}

int main(int argc, char **argv)
{
    err_set_progname(argv[0]);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--results") == 0)
            return merge_main(argc, argv);
        if (strcmp(argv[i], "--grades") == 0)
            return render_grades_main(argc, argv);
    }
    struct render_args a;
    parse_args(argc, argv, &a);

    struct grade_test *table;
    size_t table_count;
    if (judge_load_table(NULL, a.points, &table, &table_count) == -1)
        die_errno("render: reading the test table %s (name<TAB>points<TAB>timeout<TAB>hint)",
                  a.points);
    struct test_outcome *results;
    size_t count;
    char visibility[32], why[512];
    if (verdict_read(a.verdicts, table, table_count, &results, &count, visibility,
                     sizeof visibility, why, sizeof why) == -1) {
        if (why[0])
            die("render: %s: %s (see verdict.h for the format)", a.verdicts, why);
        die_errno("render: reading the verdicts %s", a.verdicts);
    }
    if (a.terminal)
        report_terminal(a.lab, a.impl, results, count);
    const struct report_paths paths = {a.json, a.junit, a.text};
    const char *failed;
    if (report_write_files(&paths, a.lab, a.impl, visibility, results, count, &failed) == -1)
        die_errno("render: writing %s", failed);
    free(results);
    judge_free_table(table, table_count);
    return 0;
}
