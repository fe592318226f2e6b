/* json.c - see json.h. */
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "utf8.h"

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

/*
 * The escaped form of the character at s (n bytes left) in out (at least 7
 * bytes): one byte of ASCII, or a whole UTF-8 sequence as it is, or, for
 * bytes that are not UTF-8, the replacement character U+FFFD (JSON must be
 * UTF-8). Returns its length and sets *taken to the bytes of s it stands for.
 */
static size_t escape_char(const char *s, size_t n, char out[7], size_t *taken)
{
    const unsigned char *u = (const unsigned char *)s;
    unsigned cp;
    *taken = 1;
    if (u[0] < 0x80)
        return escape_byte(u[0], out);
    size_t len = utf8_decode(u, n, &cp);
    if (len == 0)
        return (size_t)snprintf(out, 7, "\\ufffd");
    memcpy(out, s, len);
    *taken = len;
    return len;
}

int json_append_string(char *buf, size_t size, size_t *used, const char *s)
{
    /* Room is kept for the closing quote and the NUL. */
    if (*used + 3 > size)
        return -1;
    buf[(*used)++] = '"';
    int cut = 0;
    size_t left = strlen(s);
    while (left > 0) {
        char esc[7];
        size_t taken, n = escape_char(s, left, esc, &taken);
        if (*used + n + 2 > size) {
            cut = -1;
            break;
        }
        memcpy(buf + *used, esc, n);
        *used += n;
        s += taken, left -= taken;
    }
    buf[(*used)++] = '"';
    buf[*used] = '\0';
    return cut;
}

void json_fputs(FILE *out, const char *s)
{
    fputc('"', out);
    size_t left = strlen(s);
    while (left > 0) {
        char esc[7];
        size_t taken, n = escape_char(s, left, esc, &taken);
        fwrite(esc, 1, n, out);
        s += taken, left -= taken;
    }
    fputc('"', out);
}
