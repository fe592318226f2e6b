/*
 * json_valid.c - a small, strict JSON validator (see json_valid.h).
 *
 * Recursive descent over the grammar of RFC 8259: objects, arrays, strings
 * (with their escapes; raw control characters are rejected), numbers,
 * true, false and null. It checks, it does not build anything.
 */
#include <stdlib.h>
#include <string.h>

#include "json_valid.h"

static const char *skip_ws(const char *p)
{
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
    return p;
}

static const char *parse_value(const char *p);

static const char *parse_string(const char *p)
{
    if (*p++ != '"')
        return NULL;
    while (*p != '"') {
        if ((unsigned char)*p < 0x20)
            return NULL; /* raw control characters are not allowed */
        if (*p == '\\') {
            p++;
            if (*p == 'u') {
                for (int i = 1; i <= 4; i++) {
                    if (!strchr("0123456789abcdefABCDEF", p[i]) || p[i] == '\0')
                        return NULL;
                }
                p += 4;
            } else if (!strchr("\"\\/bfnrt", *p) || *p == '\0') {
                return NULL;
            }
        }
        p++;
    }
    return p + 1;
}

static const char *parse_value(const char *p)
{
    p = skip_ws(p);
    if (*p == '"')
        return parse_string(p);
    if (*p == '{' || *p == '[') {
        char close_char = *p == '{' ? '}' : ']';
        p = skip_ws(p + 1);
        if (*p == close_char)
            return p + 1;
        for (;;) {
            if (close_char == '}') {
                p = parse_string(skip_ws(p));
                if (p == NULL || *(p = skip_ws(p)) != ':')
                    return NULL;
                p++;
            }
            p = parse_value(p);
            if (p == NULL)
                return NULL;
            p = skip_ws(p);
            if (*p == close_char)
                return p + 1;
            if (*p++ != ',')
                return NULL;
        }
    }
    if (strncmp(p, "null", 4) == 0 || strncmp(p, "true", 4) == 0)
        return p + 4;
    if (strncmp(p, "false", 5) == 0)
        return p + 5;
    char *end;
    strtod(p, &end);
    return end == p ? NULL : end;
}

bool json_valid(const char *text)
{
    const char *end = parse_value(text);
    return end != NULL && *skip_ws(end) == '\0';
}
