/*
 * judge_table.c - the test table the judge grades by (see judge.h).
 *
 * Points decide grades, so where it matters (batch, Gradescope) they come
 * from a file made from the pristine kit, never from the binary that holds
 * the student's code. For `make grade` on one's own work the binary's own
 * --list is fine. Format: one test a line, "name<TAB>points<TAB>timeout<TAB>hint".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "grow.h"
#include "judge.h"

static int parse_line(char *line, struct grade_test *t)
{
    line[strcspn(line, "\n")] = '\0';
    char *fields[4] = {NULL, NULL, NULL, ""};
    int n = 0;
    for (char *p = line; n < 4 && p; n++) {
        fields[n] = p;
        p = strchr(p, '\t');
        if (p && n < 3)
            *p++ = '\0';
        else
            p = NULL;
    }
    if (n < 3 || fields[0][0] == '\0')
        return -1;
    t->name = strdup(fields[0]);
    t->points = atoi(fields[1]);
    t->timeout_s = atoi(fields[2]);
    t->hint = strdup(fields[3] ? fields[3] : "");
    t->test = NULL;
    return t->name && t->hint && t->timeout_s > 0 ? 0 : -1;
}

static int read_table(FILE *in, struct grade_test **tests, size_t *count)
{
    size_t capacity = 0;
    char line[2048];
    *tests = NULL;
    *count = 0;
    while (fgets(line, sizeof line, in)) {
        if (line[0] == '\n' || line[0] == '#')
            continue;
        struct grade_test *grown = grow_array(*tests, *count, &capacity, sizeof *grown);
        if (grown == NULL)
            return -1;
        *tests = grown;
        if (parse_line(line, &(*tests)[*count]) == -1) {
            errno = EINVAL;
            return -1;
        }
        (*count)++;
    }
    return *count > 0 ? 0 : -1;
}

int judge_load_table(const char *binary, const char *points_file, struct grade_test **tests,
                     size_t *count)
{
    if (points_file) {
        FILE *in = fopen(points_file, "re");
        if (in == NULL)
            return -1;
        int rc = read_table(in, tests, count);
        fclose(in);
        return rc;
    }
    char command[4200];
    snprintf(command, sizeof command, "'%s' --list", binary);
    if (strchr(binary, '\'')) {
        errno = EINVAL;
        return -1;
    }
    FILE *in = popen(command, "r");
    if (in == NULL)
        return -1;
    int rc = read_table(in, tests, count);
    int status = pclose(in);
    if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        rc = -1;
    return rc;
}

void judge_free_table(struct grade_test *tests, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        free((char *)tests[i].name);
        free((char *)tests[i].hint);
    }
    free(tests);
}
