/* xml.c - see xml.h. */
#include <stdbool.h>
#include <string.h>

#include "utf8.h"
#include "xml.h"

/* XML 1.0's Char production without the controls: what may pass as it is. */
static bool shown_as_is(unsigned cp)
{
    if (cp == '\n' || cp == '\t')
        return true;
    if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) /* C0, DEL, C1 */
        return false;
    return cp != 0xfffe && cp != 0xffff; /* utf8_decode() already refused surrogates */
}

/* The entity for a markup character, or NULL for any other. */
static const char *entity(unsigned cp)
{
    switch (cp) {
    case '&':
        return "&amp;";
    case '<':
        return "&lt;";
    case '>':
        return "&gt;";
    case '"':
        return "&quot;";
    case '\'':
        return "&apos;";
    default:
        return NULL;
    }
}

void xml_write_text(FILE *out, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t left = strlen(s);
    while (left > 0) {
        unsigned cp;
        size_t n = utf8_decode(p, left, &cp);
        if (n == 0 || !shown_as_is(cp)) {
            /* One byte at a time: the next one may start a valid sequence. */
            fprintf(out, "\\x%02x", p[0]);
            n = 1;
        } else if (entity(cp) != NULL) {
            fputs(entity(cp), out);
        } else {
            fwrite(p, 1, n, out);
        }
        p += n;
        left -= n;
    }
}
