/*
 * step.c - step mode (see step.h), for live demos: IPC_STEP=1 pauses after
 * every traced call and narration line, IPC_STEP=notes at the narration
 * lines only (what `make demo` uses, so a whole tour takes a few dozen
 * presses).
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
 *
 * A live view (tools/live) follows: with IPC_TRACE_LIVE set, each prompt
 * appends a "pause" line to that file and a "resume" line once it goes on,
 * and with IPC_STEP_KEYS=FIFO a byte written to that FIFO (a key pressed in
 * the page) goes on as Enter does.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#ifndef _WIN32 /* Windows has no /dev/tty: step mode stops before it waits */
#include <poll.h>
#endif
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "clock.h"
#include "err.h"
#include "json.h"
#include "step.h"

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

/* Tells a live view that this process waits for a key ("pause") or went
 * on ("resume"): one JSON line, as trace.c writes them, to IPC_TRACE_LIVE. */
static void tell_live(const char *role, const char *phase)
{
    const char *path = getenv("IPC_TRACE_LIVE");
    if (path == NULL || path[0] == '\0')
        return;
    char line[512];
    size_t used = 0;
    int n = snprintf(line, sizeof line, "{\"t\":null,\"mono_ns\":%llu,\"pid\":%ld,\"role\":",
                     (unsigned long long)clock_now_ns(), (long)getpid());
    if (n < 0 || (size_t)n >= sizeof line)
        return;
    used = (size_t)n;
    json_append_string(line, sizeof line, &used, role);
    n = snprintf(line + used, sizeof line - used,
                 ",\"call\":null,\"args\":null,\"ret\":null,\"errno\":null,\"note\":null,"
                 "\"phase\":\"%s\"}\n",
                 phase);
    if (n < 0 || (size_t)n >= sizeof line - used)
        return;
    used += (size_t)n;
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd == -1)
        return; /* the live view is a help, never a reason to stop */
    err_write_all(fd, line, used);
    close(fd);
}

/* Reads the terminal up to its newline; EOF or an error ends the pause too. */
static void read_enter(int tty)
{
    char c;
    for (;;) {
        ssize_t got = read(tty, &c, 1);
        if (got == -1 && errno == EINTR)
            continue;
        if (got <= 0 || c == '\n')
            return;
    }
}

/* The IPC_STEP_KEYS FIFO opened for reading, or -1 (none, or on Windows).
 * Opened before the live view hears of the pause, so that a key pressed
 * in the page at once already finds a reader. */
static int open_keys(void)
{
#ifndef _WIN32
    const char *keys = getenv("IPC_STEP_KEYS");
    if (keys && keys[0])
        return open(keys, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
#endif
    return -1;
}

/* Waits for Enter on the terminal, or for a byte in the keys FIFO (a key
 * pressed in the live view), whichever comes first; closes the FIFO. */
static void wait_for_key(int tty, int fifo)
{
#ifndef _WIN32
    const char *keys = getenv("IPC_STEP_KEYS");
    while (fifo != -1) {
        struct pollfd fds[2] = {{tty, POLLIN, 0}, {fifo, POLLIN, 0}};
        int ready = poll(fds, 2, -1);
        if (ready == -1 && errno == EINTR)
            continue;
        char c;
        if (ready == -1)
            break; /* the terminal alone, below */
        if ((fds[1].revents & POLLIN) && read(fifo, &c, 1) == 1) {
            close(fifo);
            /* The prompt's line ends here, as Enter would have ended it. */
            static const char FROM_PAGE[] = "(a key in the live view)\n";
            if (write(tty, FROM_PAGE, sizeof FROM_PAGE - 1) == -1) {
                /* the terminal went away: nothing more to say there */
            }
            return;
        }
        if (fds[1].revents & POLLHUP) {
            /* A writer came and went without a byte: open again, wait on. */
            close(fifo);
            fifo = open(keys, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
            continue;
        }
        if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            close(fifo);
            read_enter(tty);
            return;
        }
    }
    if (fifo != -1)
        close(fifo);
#else
    (void)fifo;
#endif
    read_enter(tty);
}

void step_pause(const char *role, bool narration)
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
    char prompt[128];
    int n =
        snprintf(prompt, sizeof prompt, "   [%s %ld] press Enter to go on ", role, (long)getpid());
    if (n > 0 &&
        write(tty, prompt, (size_t)n < sizeof prompt ? (size_t)n : sizeof prompt - 1) > 0) {
        int keys = open_keys();
        tell_live(role, "pause");
        wait_for_key(tty, keys);
        tell_live(role, "resume");
    }
    step_unlock(tty);
    errno = saved;
}
