/*
 * step.h - step mode, for live demos: pause a traced run until Enter.
 *
 * When IPC_STEP=1 (every step) or IPC_STEP=notes (narration lines only)
 * asks for a pause and the process has a controlling terminal, step_pause()
 * prints a prompt there, with the role, and waits for Enter (or a key in the
 * live view, IPC_STEP_KEYS). It returns at once otherwise: a test, a grader
 * or CI never waits. trace_call() and trace_note() (trace.h) call it for you.
 *
 * Processes of one run share the terminal: a prompt holds an exclusive
 * flock() on /dev/tty, and every trace line takes it too before it is
 * written, so one process prompts at a time and the others wait.
 *
 * This module knows nothing of the trace: the trace calls it, never the
 * other way round, so the caller names the role the prompt shows.
 * Every function keeps errno as it was.
 */
#ifndef IPC_KIT_STEP_H
#define IPC_KIT_STEP_H

#include <stdbool.h>

/* Pauses after a traced call (narration false) or a narration line
 * (narration true), when IPC_STEP asks for it; role is shown in the prompt. */
void step_pause(const char *role, bool narration);

/* Takes the terminal's lock in step mode: returns the descriptor holding it,
 * or -1 when none was taken (step mode off, no terminal). */
int step_lock(void);

/* Releases what step_lock() took; -1 is ignored. */
void step_unlock(int fd);

#endif
