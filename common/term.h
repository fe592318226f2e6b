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

bool term_use_color(int fd);

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
