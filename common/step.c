/*
 * step.c - step mode, for live demos: IPC_STEP=1 pauses after every traced
 * call and narration line, IPC_STEP=notes at the narration lines only (what
 * `make demo` uses, so a whole tour takes a few dozen presses).
 *
 * The prompt and the Enter key go through /dev/tty, the controlling terminal,
 * not stdin/stdout: the demo's own pipes and sockets stay untouched. A process
 * with no controlling terminal (a test, a grader, CI, a daemon) cannot open
 * /dev/tty (ENXIO), and then step mode simply does nothing: it never blocks.
 *
 * Two processes of a demo (a server and its client, a producer and its
 * consumer) share one terminal. An exclusive flock() on /dev/tty, held by a
 * prompt while it waits and taken by every trace line before it is written,
 * makes them take turns: one prompt at a time, with its role in it, and the
 * other side stops at its next line until Enter is pressed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "err.h"
#include "trace.h"

enum step_mode { STEP_OFF, STEP_NOTES, STEP_CALLS };

static enum step_mode step_mode(void)
{
    const char *v = getenv("IPC_STEP");
    if (v == NULL)
        return STEP_OFF;
    if (strcmp(v, "1") == 0 || strcmp(v, "calls") == 0)
        return STEP_CALLS;
    if (strcmp(v, "notes") == 0)
        return STEP_NOTES;
    return STEP_OFF;
}

static int step_wanted(void)
{
    return step_mode() != STEP_OFF;
}

int step_lock(void)
{
    if (!step_wanted())
        return -1;
    int tty = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (tty == -1)
        return -1; /* no controlling terminal: never wait */
    while (flock(tty, LOCK_EX) == -1) {
        if (errno != EINTR) {
            close(tty);
            return -1; /* no lock: still work, just not in turns */
        }
    }
    return tty;
}

void step_unlock(int fd)
{
    if (fd != -1)
        close(fd); /* closing the descriptor releases its flock */
}

void step_pause(const char *what, bool narration)
{
    int saved = errno;
    enum step_mode mode = step_mode();
    if (mode == STEP_OFF || (mode == STEP_NOTES && !narration)) {
        errno = saved;
        return;
    }
    int tty = step_lock();
    if (tty == -1) {
        errno = saved;
        return;
    }
    (void)what; /* the narration line itself was just printed */
    char prompt[128];
    int n = snprintf(prompt, sizeof prompt, "   [%s %ld] press Enter to go on ", trace_role(),
                     (long)getpid());
    if (n > 0 &&
        write(tty, prompt, (size_t)n < sizeof prompt ? (size_t)n : sizeof prompt - 1) > 0) {
        /* Read up to the newline; EOF or an error ends the pause too. */
        char c;
        for (;;) {
            ssize_t got = read(tty, &c, 1);
            if (got == -1 && errno == EINTR)
                continue;
            if (got <= 0 || c == '\n')
                break;
        }
    }
    step_unlock(tty);
    errno = saved;
}
