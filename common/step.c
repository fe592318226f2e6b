/*
 * step.c - IPC_STEP=1: pause after each traced step, for live demos.
 *
 * The prompt and the Enter key go through /dev/tty, the controlling terminal,
 * not stdin/stdout: the demo's own pipes and sockets stay untouched. A process
 * with no controlling terminal (a test, a grader, CI, a daemon) cannot open
 * /dev/tty (ENXIO), and then step mode simply does nothing: it never blocks.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "trace.h"

static int step_wanted(void)
{
    const char *v = getenv("IPC_STEP");
    return v && strcmp(v, "1") == 0;
}

void step_pause(const char *what)
{
    if (!step_wanted())
        return;
    int tty = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (tty == -1)
        return; /* no controlling terminal: never wait */
    char prompt[256];
    int n = snprintf(prompt, sizeof prompt, "   [%s %ld] after %s: press Enter to continue ",
                     err_progname(), (long)getpid(), what ? what : "step");
    if (n > 0 &&
        write(tty, prompt, (size_t)n < sizeof prompt ? (size_t)n : sizeof prompt - 1) < 0) {
        close(tty);
        return;
    }
    /* Read up to the newline; EOF or an error ends the pause too. */
    char c;
    for (;;) {
        ssize_t got = read(tty, &c, 1);
        if (got == -1 && errno == EINTR)
            continue;
        if (got <= 0 || c == '\n')
            break;
    }
    close(tty);
}
