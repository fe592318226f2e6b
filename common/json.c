/* json.c - see json.h. */
#include <stdio.h>
#include <string.h>

#include "json.h"

/* The escaped form of one byte, in out (at least 7 bytes); returns its length. */
static size_t escape_byte(unsigned char c, char out[7])
{
    switch (c) {
    case '"':
        return (size_t)snprintf(out, 7, "\\\"");
    case '\\':
        return (size_t)snprintf(out, 7, "\\\\");
    case '\n':
        return (size_t)snprintf(out, 7, "\\n");
    case '\r':
        return (size_t)snprintf(out, 7, "\\r");
    case '\t':
        return (size_t)snprintf(out, 7, "\\t");
    default:
        if (c < 0x20 || c == 0x7f)
            return (size_t)snprintf(out, 7, "\\u%04x", c);
        out[0] = (char)c;
        out[1] = '\0';
        return 1;
    }
}

int json_append_string(char *buf, size_t size, size_t *used, const char *s)
{
    /* Room is kept for the closing quote and the NUL. */
    if (*used + 3 > size)
        return -1;
    buf[(*used)++] = '"';
    int cut = 0;
    for (; *s; s++) {
        char esc[7];
        size_t n = escape_byte((unsigned char)*s, esc);
        if (*used + n + 2 > size) {
            cut = -1;
            break;
        }
        memcpy(buf + *used, esc, n);
        *used += n;
    }
    buf[(*used)++] = '"';
    buf[*used] = '\0';
    return cut;
}

void json_fputs(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        char esc[7];
        size_t n = escape_byte((unsigned char)*s, esc);
        fwrite(esc, 1, n, out);
    }
    fputc('"', out);
}
