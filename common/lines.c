/*
 * lines.c - read a text file of records, one record a line (lines.h).
 */
#include "lines.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

static bool is_blank(const char *line)
{
    for (; *line; line++)
        if (*line != ' ' && *line != '\t' && *line != '\r' && *line != '\n')
            return false;
    return true;
}

int lines_read(const char *path, line_reader read_line, void *arg)
{
    FILE *in = fopen(path, "re");
    if (in == NULL)
        return -1;
    char *line = NULL;
    size_t line_size = 0;
    size_t number = 0;
    int rc = 0;
    while (rc == 0 && getline(&line, &line_size, in) != -1) {
        number++;
        if (!is_blank(line))
            rc = read_line(line, number, arg);
    }
    if (rc == 0 && ferror(in))
        rc = -1; /* getline() set errno */
    int saved = errno;
    free(line);
    fclose(in); /* opened for reading: nothing to lose here */
    errno = saved;
    return rc;
}
