/*
 * xml.h - text that someone else wrote, as XML 1.0 character data.
 *
 * A test's output, a compiler's message or a peer's bytes in a trace can
 * hold anything. The reports (junit.xml) and the charts (SVG) that show them
 * must stay well-formed whatever they hold, so every XML writer of the kit
 * puts such text through this one function, with one policy:
 *
 *   - & < > " ' become entities, so the text is safe as element content and
 *     as an attribute value in either kind of quotes;
 *   - newline and tab stay as they are;
 *   - every other byte that XML 1.0 cannot carry, or that a reader would not
 *     see (bytes that are not valid UTF-8, control characters C0 and C1,
 *     DEL, the non-characters U+FFFE and U+FFFF), is shown as the text
 *     "\xNN", one per byte, as term.h shows it on a terminal.
 *
 * Valid UTF-8 (é, →, …) is kept.
 */
#ifndef IPC_KIT_XML_H
#define IPC_KIT_XML_H

#include <stdio.h>

/* Writes s (NUL-terminated) to out as described above. A write error is
 * left in ferror(out), for the caller's fclose() or fflush() to report. */
void xml_write_text(FILE *out, const char *s);

#endif
