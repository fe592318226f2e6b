/* term.c - see term.h. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "term.h"

bool term_use_color(int fd)
{
    const char *no_color = getenv("NO_COLOR");
    if (no_color && no_color[0] != '\0')
        return false;
    const char *term = getenv("TERM");
    if (term && strcmp(term, "dumb") == 0)
        return false;
    return isatty(fd) == 1;
}

const char *term_color(bool on, const char *ansi)
{
    return on ? ansi : "";
}

int term_write_escaped(FILE *out, const void *bytes, size_t len)
{
    const unsigned char *p = bytes;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = p[i];
        int rc;
        if (c == '\\')
            rc = fputs("\\\\", out);
        else if (c == '\n' || (c >= 0x20 && c < 0x7f))
            rc = fputc(c, out);
        else if (c == '\t')
            rc = fputs("\\t", out);
        else if (c == '\r')
            rc = fputs("\\r", out);
        else if (c == 0x1b)
            rc = fputs("\\e", out);
        else
            rc = fprintf(out, "\\x%02x", c);
        if (rc == EOF || rc < 0)
            return EOF;
    }
    return 0;
}
