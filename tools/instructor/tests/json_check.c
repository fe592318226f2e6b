/*
 * json_check - exit 0 when FILE holds one valid JSON value, 1 otherwise.
 * The instructor tests use it on results.json, so they need no Python.
 *
 * usage: json_check FILE
 */
#include <stdio.h>
#include <stdlib.h>

#include "err.h"
#include "json_valid.h"

int main(int argc, char **argv)
{
    err_set_progname(argv[0]);
    if (argc != 2)
        die_usage("expected one FILE");
    FILE *in = fopen(argv[1], "r");
    if (in == NULL)
        die_errno("open %s", argv[1]);
    size_t size = 0, used = 0;
    char *text = NULL;
    int c;
    while ((c = fgetc(in)) != EOF) {
        if (used + 1 >= size) {
            size = size ? size * 2 : 4096;
            text = realloc(text, size);
            if (text == NULL)
                die_errno("realloc");
        }
        text[used++] = (char)c;
    }
    fclose(in);
    if (text == NULL)
        die("%s is empty", argv[1]);
    text[used] = '\0';
    int ok = json_valid(text);
    free(text);
    if (!ok)
        die("%s is not valid JSON", argv[1]);
    return 0;
}
