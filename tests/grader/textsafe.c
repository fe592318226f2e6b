/*
 * textsafe - make text that someone else wrote safe to show, as one format.
 *
 * usage: textsafe json|term|xml|field [PREFIX] < TEXT
 *
 *   json   TEXT as one JSON string (valid UTF-8, every control escaped)
 *   field  TEXT as a field of a verdict record (verdict.h: \\, \t, \n)
 *   term   TEXT for a terminal, PREFIX (default two spaces) before each
 *          line, controls and bytes that are not UTF-8 shown as \xNN
 *   xml    TEXT as XML character data (well-formed whatever it holds)
 *
 * grade.sh puts a compiler's messages, integrity findings and notes about a
 * submission into the terminal, results.json and junit.xml through this
 * tool, with the same escaping the judge uses for a test's output (json.h,
 * term.h, xml.h), so no student text can act on a terminal, pass for a
 * line of the grader's, or break a report. A NUL byte becomes "\x00".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "json.h"
#include "term.h"
#include "verdict.h"
#include "xml.h"

/* Reads all of stdin; *len gets its length. NULs are turned into text. */
static char *read_all(size_t *len)
{
    size_t size = 4096, used = 0;
    char *text = malloc(size);
    if (text == NULL)
        die_errno("textsafe: malloc");
    int c;
    while ((c = getchar()) != EOF) {
        if (used + 5 >= size) {
            size *= 2;
            char *grown = realloc(text, size);
            if (grown == NULL)
                die_errno("textsafe: realloc of %zu bytes", size);
            text = grown;
        }
        if (c == '\0') {
            memcpy(text + used, "\\x00", 4);
            used += 4;
        } else {
            text[used++] = (char)c;
        }
    }
    if (ferror(stdin))
        die_errno("textsafe: reading standard input");
    text[used] = '\0';
    *len = used;
    return text;
}

int main(int argc, char **argv)
{
    err_set_progname(argv[0]);
    if (argc == 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
        printf("usage: %s json|term|xml|field [PREFIX] < TEXT\n"
               "Writes TEXT, which someone else wrote, safely as one format (see the top of\n"
               "tests/grader/textsafe.c).\n"
               "example: printf 'a\\033[2Jb' | %s term '  | '\n",
               argv[0], argv[0]);
        return 0;
    }
    if (argc < 2 || argc > 3)
        die_usage("usage: textsafe json|term|xml|field [PREFIX] < TEXT");
    size_t len;
    char *text = read_all(&len);
    /* Trailing newlines are the writer's layout, not part of the text. */
    while (len > 0 && text[len - 1] == '\n')
        text[--len] = '\0';
    if (strcmp(argv[1], "json") == 0) {
        json_fputs(stdout, text);
    } else if (strcmp(argv[1], "field") == 0) {
        verdict_field_puts(stdout, text);
    } else if (strcmp(argv[1], "xml") == 0) {
        xml_write_text(stdout, text);
    } else if (strcmp(argv[1], "term") == 0) {
        if (len > 0) {
            term_write_text(stdout, argc == 3 ? argv[2] : "  ", text, len);
            putchar('\n');
        }
    } else {
        die_usage("unknown format '%s': use json, term, xml or field", argv[1]);
    }
    free(text);
    if (fflush(stdout) == EOF || ferror(stdout))
        die_errno("textsafe: writing standard output");
    return 0;
}
