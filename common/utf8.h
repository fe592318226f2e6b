/*
 * utf8.h - is this byte sequence valid UTF-8?
 *
 * Text a program did not write itself (a peer's bytes, a student's output,
 * a compiler's message about a student's file) goes into JSON, XML and the
 * terminal. JSON and XML must be valid UTF-8, so the writers of those
 * formats take one sequence at a time and replace what is not UTF-8.
 */
#ifndef IPC_KIT_UTF8_H
#define IPC_KIT_UTF8_H

#include <stddef.h>

/*
 * Decodes the UTF-8 sequence at s (n bytes available, n >= 1). Returns its
 * length (1 to 4) and stores the code point in *cp; returns 0 when the
 * bytes there are not valid UTF-8: a stray continuation byte, an overlong
 * form, a surrogate, a value past U+10FFFF, or a sequence cut short.
 */
size_t utf8_decode(const unsigned char *s, size_t n, unsigned *cp);

#endif
