/*
 * pipe_helpers.h - what lab 02's test files share (pipe_helpers.c).
 */
#ifndef IPC_KIT_PIPE_HELPERS_H
#define IPC_KIT_PIPE_HELPERS_H

#include <stddef.h>
#include <stdint.h>

/* A pipe for the test itself, or the test fails (setup). */
void make_pipe(int fds[2]);

/* len bytes of a pattern that is the same in every run (free() it). */
char *pattern(size_t len, uint64_t seed);

/* O_NONBLOCK on fd, or the test fails (setup). */
void set_nonblocking(int fd);

/* CPU time the student's process has used, user and system, in seconds. */
double student_cpu_seconds(void);

/* Descriptors the student's process holds between calls: its leaks
 * (boundary.h), named in list. */
int student_fds(char *list, size_t size);

/*
 * A wait in poll() costs a read() or write() or two; a loop that retries at
 * once on EAGAIN makes thousands in the same time. Counted from outside
 * (grade_process_io()), the calls tell one from the other on a busy machine
 * too, where a spinning process may get too little CPU for its CPU time to
 * show it.
 */
enum { RETRIES_OF_A_BUSY_LOOP = 200 };

#endif
