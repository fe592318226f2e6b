/*
 * json.h - just enough JSON writing for traces and grade reports.
 *
 * Strings are escaped as RFC 8259 requires: quote, backslash and every
 * control character; valid UTF-8 is copied as it is, and a byte that is not
 * UTF-8 becomes U+FFFD, so the output is always valid JSON.
 */
#ifndef IPC_KIT_JSON_H
#define IPC_KIT_JSON_H

#include <stddef.h>
#include <stdio.h>

/*
 * Appends s as a quoted JSON string to buf (size bytes) at *used. Output that
 * does not fit is cut (never inside an escape) and the string still closes, so
 * the result is always valid JSON. Returns 0, or -1 when the text was cut.
 */
int json_append_string(char *buf, size_t size, size_t *used, const char *s);

/* Writes s as a quoted JSON string to a stdio stream. */
void json_fputs(FILE *out, const char *s);

#endif
