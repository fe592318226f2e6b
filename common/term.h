/*
 * term.h - colour, only where a person is looking.
 *
 * Colour is used only when the stream is a terminal, TERM is not "dumb",
 * and NO_COLOR (https://no-color.org) is unset or empty. Logs, pipes and
 * graders therefore always get plain text.
 */
#ifndef IPC_KIT_TERM_H
#define IPC_KIT_TERM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

bool term_use_color(int fd);

/*
 * Writes len bytes that came from a peer to out so that they cannot act on
 * a terminal: printable ASCII, space and newline as they are; backslash as
 * "\\"; tab, carriage return and escape as "\t", "\r", "\e"; every other
 * byte (controls, DEL, anything >= 0x80) as "\xNN". An escape sequence
 * from a writer is then shown, never obeyed. Returns 0, or EOF on an error.
 */
int term_write_escaped(FILE *out, const void *bytes, size_t len);

/*
 * Writes text that someone else wrote (a test's output, a compiler's message
 * about a student's file) for a terminal, with prefix at the start of every
 * line, so it can neither act on the terminal nor pass for a line of the
 * grader's own: valid UTF-8, tab and newline as they are; every other
 * control (escape, carriage return, backspace, DEL, the C1 range) and every
 * byte that is not UTF-8 as "\xNN". Returns 0, or EOF on an error.
 */
int term_write_text(FILE *out, const char *prefix, const char *text, size_t len);

/* ANSI sequences, or "" when colour is off. */
const char *term_color(bool on, const char *ansi);

#define TERM_RED    "\033[31m"
#define TERM_GREEN  "\033[32m"
#define TERM_YELLOW "\033[33m"
#define TERM_CYAN   "\033[36m"
#define TERM_DIM    "\033[2m"
#define TERM_BOLD   "\033[1m"
#define TERM_RESET  "\033[0m"

#endif
