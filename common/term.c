/* term.c - see term.h. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "term.h"
#include "utf8.h"

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

int term_write_text(FILE *out, const char *prefix, const char *text, size_t len)
{
    const unsigned char *p = (const unsigned char *)text;
    bool line_start = true;
    size_t i = 0;
    while (i < len) {
        if (line_start && fputs(prefix, out) == EOF)
            return EOF;
        unsigned cp;
        size_t n = utf8_decode(p + i, len - i, &cp);
        bool control =
            n == 0 || (cp < 0x20 && cp != '\n' && cp != '\t') || (cp >= 0x7f && cp <= 0x9f);
        if (control) {
            /* One byte at a time: a C1 control shows as both of its bytes. */
            for (size_t k = 0; k < (n ? n : 1); k++) {
                if (fprintf(out, "\\x%02x", p[i + k]) < 0)
                    return EOF;
            }
            i += n ? n : 1;
            line_start = false;
            continue;
        }
        if (fwrite(p + i, 1, n, out) != n)
            return EOF;
        line_start = cp == '\n';
        i += n;
    }
    return 0;
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
