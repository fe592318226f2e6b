/*
 * lines.h - read a text file of records, one record a line.
 *
 * The kit keeps two such files: a JSON Lines trace (trace_read.c) and the
 * judge's verdict file (tests/grader/verdict.c). Both are read the same way:
 * every line that is not blank goes to a parser, the first bad line stops
 * the reading, and the file is closed whatever happens. That loop, and the
 * care for errno on each way out, is written here once.
 *
 * Conventions as in the labs: functions return -1 and set errno; they never
 * exit.
 */
#ifndef IPC_KIT_LINES_H
#define IPC_KIT_LINES_H

#include <stddef.h>

/*
 * Takes one line (its newline still on it; the text may be changed in
 * place) and `number`, its line number from 1. Returns 0 to go on, or -1
 * with errno set to stop the reading.
 */
typedef int (*line_reader)(char *line, size_t number, void *arg);

/*
 * Opens path and calls read_line(line, number, arg) for each line that is
 * not blank (blank: only spaces, tabs, CR and LF). Returns 0 when every
 * line was read; -1 with errno when the file cannot be opened or read, or
 * with the errno read_line set when it stopped the reading.
 */
int lines_read(const char *path, line_reader read_line, void *arg);

#endif
