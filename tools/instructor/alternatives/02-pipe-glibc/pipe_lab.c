/*
 * pipe_lab.c - lab 02, an alternative correct solution (see pipe_lab.h).
 *
 * Graded by `make test-alternatives`: the reference's design, written with
 * what the C library offers besides the plain calls, each of which the
 * contract allows:
 *   - pipe2(fds, O_CLOEXEC), traced as "pipe2";
 *   - each close traced with a comment after its fields, as pipe_demo does:
 *     "fd=5 (the child's copy of the write end)";
 *   - built with _FORTIFY_SOURCE=2, as Ubuntu's gcc builds by default (where
 *     gcc cannot prove a length fits its buffer, read() and recv() become
 *     __read_chk() and __recv_chk(), which the fault injection also wraps:
 *     tests/common, fault_plan_covers_fortified_calls);
 *   - the FIFO functions use stdio: fopen(), fwrite(), fread(), fclose();
 *   - a local variable named hidden_fd, as the grader names things too.
 */
/* pipe2() is a Linux call, shown by glibc only with _GNU_SOURCE. */
#define _GNU_SOURCE
#ifndef _FORTIFY_SOURCE /* Ubuntu's gcc defines it already */
#define _FORTIFY_SOURCE 2
#endif
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pipe_lab.h"
#include "trace.h"

/* Blocks until fd is ready for `events` (POLLIN or POLLOUT). */
static int wait_ready(int fd, short events)
{
    struct pollfd p = {.fd = fd, .events = events};
    for (;;) {
        int n = poll(&p, 1, -1);
        if (n >= 0)
            return 0;
        if (errno != EINTR)
            return -1;
    }
}

/* ---- 1. loops for short counts ---------------------------------------- */

ssize_t pipe_write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    size_t left = len;
    while (left > 0) {
        ssize_t n = write(fd, p, left);
        if (n == -1) {
            if (errno == EINTR)
                continue; /* a signal arrived before any byte moved: try again */
            if (errno == EAGAIN && wait_ready(fd, POLLOUT) == 0)
                continue; /* non-blocking and full: wait for room */
            return -1;
        }
        p += n; /* a short write is not an error: send the rest */
        left -= (size_t)n;
    }
    return (ssize_t)len;
}

ssize_t pipe_read_exact(int fd, void *buf, size_t len)
{
    char *p = buf;
    size_t got = 0;
    while (got < len) {
        ssize_t n = read(fd, p + got, len - got);
        if (n == -1) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN && wait_ready(fd, POLLIN) == 0)
                continue;
            return -1;
        }
        if (n == 0)
            break; /* end of file: every write end is closed */
        got += (size_t)n;
    }
    return (ssize_t)got;
}

/* Closes fd and traces it, saying which end it was; keeps errno from an
 * earlier failure. */
static void close_traced(int fd, const char *which)
{
    int saved = errno;
    int rc = close(fd);
    trace_call("close", rc, "fd=%d (%s)", fd, which);
    errno = saved;
}

/* pipe2(2), traced; the arguments are printed only once they exist.
 * O_CLOEXEC: a program this process may exec later inherits no end. */
static int open_pipe(int fds[2])
{
    int rc = pipe2(fds, O_CLOEXEC);
    if (rc == -1)
        return (int)trace_call("pipe2", rc, "fds, O_CLOEXEC");
    return (int)trace_call("pipe2", rc, "read=%d, write=%d, O_CLOEXEC", fds[0], fds[1]);
}

/* ---- 2. one way, parent to child --------------------------------------- */

/* waitpid() that resumes after signals; returns the status or -1. */
static int wait_for(pid_t pid)
{
    int status;
    pid_t got;
    while ((got = waitpid(pid, &status, 0)) == -1 && errno == EINTR)
        ;
    trace_call("waitpid", got, "pid=%ld", (long)pid);
    return got == -1 ? -1 : status;
}

int pipe_send_to_child(const void *data, size_t len, pipe_reader_fn reader, void *arg)
{
    int fds[2];
    if (open_pipe(fds) == -1)
        return -1;
    pid_t pid = fork();
    if (pid == 0)
        trace_set_role("child");
    trace_call("fork", pid, NULL);
    if (pid == -1) {
        close_traced(fds[0], "no child: the read end");
        close_traced(fds[1], "no child: the write end");
        return -1;
    }
    if (pid == 0) {
        /* The child only reads. Its copy of the write end must go, or the
         * pipe always has a writer and read() never returns 0 (EOF). */
        close_traced(fds[1], "the child's copy of the write end");
        int status = reader(fds[0], arg);
        close_traced(fds[0], "the child is done reading");
        _exit(status); /* never return into the parent's code */
    }

    close_traced(fds[0], "the parent only writes");
    ssize_t sent = pipe_write_all(fds[1], data, len);
    trace_call("write_all", sent, "fd=%d, %zu bytes", fds[1], len);
    int write_errno = errno;
    close_traced(fds[1], "the reader's end of file");
    int status = wait_for(pid);
    if (sent == -1) {
        errno = write_errno;
        return -1;
    }
    return status;
}

/* ---- 3. request and response over two pipes ---------------------------- */

/* The coprocess body: upper-case bytes from in to out until EOF. */
static int upcase_filter(int in, int out)
{
    char buf[4096];
    for (;;) {
        ssize_t n = read(in, buf, sizeof buf);
        if (n == -1 && errno == EINTR)
            continue;
        if (n == -1)
            return 1;
        if (n == 0)
            return 0;
        for (ssize_t i = 0; i < n; i++)
            buf[i] = (char)toupper((unsigned char)buf[i]);
        if (pipe_write_all(out, buf, (size_t)n) == -1)
            return 1;
    }
}

int pipe_coprocess_start(struct pipe_coprocess *cp)
{
    int request[2], response[2];
    if (open_pipe(request) == -1)
        return -1;
    if (open_pipe(response) == -1) {
        close_traced(request[0], "request read end");
        close_traced(request[1], "request write end");
        return -1;
    }
    pid_t pid = fork();
    if (pid == 0)
        trace_set_role("coprocess");
    trace_call("fork", pid, NULL);
    if (pid == -1) {
        close_traced(request[0], "request read end");
        close_traced(request[1], "request write end");
        close_traced(response[0], "response read end");
        close_traced(response[1], "response write end");
        return -1;
    }
    if (pid == 0) {
        close_traced(request[1], "request write end");
        close_traced(response[0], "response read end");
        int status = upcase_filter(request[0], response[1]);
        close_traced(request[0], "request read end");
        close_traced(response[1], "response write end");
        _exit(status);
    }
    close_traced(request[0], "request read end");
    close_traced(response[1], "response write end");
    /* Non-blocking requests let the exchange loop write only what fits. */
    int flags = fcntl(request[1], F_GETFL);
    if (flags == -1 || fcntl(request[1], F_SETFL, flags | O_NONBLOCK) == -1) {
        close_traced(request[1], "request write end");
        close_traced(response[0], "response read end");
        wait_for(pid);
        return -1;
    }
    cp->pid = pid;
    cp->to_child = request[1];
    cp->from_child = response[0];
    return 0;
}

ssize_t pipe_coprocess_exchange(struct pipe_coprocess *cp, const void *request, void *reply,
                                size_t len)
{
    const char *out = request;
    char *in = reply;
    size_t sent = 0, received = 0;
    /* Writing everything first would deadlock for len > 64 KiB: the child
     * blocks writing its full response pipe and stops reading ours. So
     * poll both and move whatever can move. */
    while (received < len) {
        struct pollfd fds[2] = {
            {.fd = cp->from_child, .events = POLLIN},
            {.fd = sent < len ? cp->to_child : -1, .events = POLLOUT}, /* -1: ignored */
        };
        if (poll(fds, 2, -1) == -1) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (fds[1].revents & (POLLOUT | POLLERR)) {
            ssize_t n = write(cp->to_child, out + sent, len - sent);
            if (n == -1 && errno != EINTR && errno != EAGAIN)
                return -1; /* EPIPE: the child is gone */
            if (n > 0)
                sent += (size_t)n;
        }
        if (fds[0].revents & (POLLIN | POLLHUP)) {
            ssize_t n = read(cp->from_child, in + received, len - received);
            if (n == -1 && errno != EINTR && errno != EAGAIN)
                return -1;
            if (n == 0) {
                errno = EPIPE; /* the child closed before answering in full */
                return -1;
            }
            if (n > 0)
                received += (size_t)n;
        }
    }
    trace_call("exchange", (long)len, "to=%d, from=%d, %zu bytes", cp->to_child, cp->from_child,
               len);
    return (ssize_t)len;
}

int pipe_coprocess_finish(struct pipe_coprocess *cp)
{
    close_traced(cp->to_child,
                 "the request pipe: the child's EOF"); /* the coprocess reads EOF and exits */
    close_traced(cp->from_child, "the response pipe");
    cp->to_child = cp->from_child = -1;
    return wait_for(cp->pid);
}

/* ---- 4. the writer whose reader is gone --------------------------------- */

int pipe_ignore_sigpipe(void)
{
    struct sigaction sa = {.sa_handler = SIG_IGN};
    sigemptyset(&sa.sa_mask);
    int rc = sigaction(SIGPIPE, &sa, NULL);
    return (int)trace_call("sigaction", rc, "SIGPIPE, SIG_IGN");
}

/* ---- 5. named pipes ---------------------------------------------------- */

int pipe_fifo_create(const char *path)
{
    int rc = mkfifo(path, 0600);
    return (int)trace_call("mkfifo", rc, "\"%s\", 0600", path);
}

/* fclose(), traced; it also flushes what stdio still holds. The descriptor
 * stdio hides inside f is named hidden_fd: a student's name that happens to
 * be one of the grader's own words costs nothing. */
static int fclose_traced(FILE *f)
{
    int hidden_fd = fileno(f);
    int rc = fclose(f);
    trace_call("close", rc, "fd=%d (fclose: the FIFO)", hidden_fd);
    return rc;
}

ssize_t pipe_fifo_send(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "we"); /* "e": O_CLOEXEC; blocks until a reader opens */
    trace_call("open", f ? fileno(f) : -1, "\"%s\", O_WRONLY (fopen)", path);
    if (f == NULL)
        return -1;
    /* fwrite() loops over short writes itself; it stops short only on an
     * error (EINTR included), which the stream then remembers. */
    size_t sent = 0;
    while (sent < len) {
        size_t n = fwrite((const char *)data + sent, 1, len - sent, f);
        sent += n;
        if (n == 0 && ferror(f) && errno == EINTR) {
            clearerr(f);
            continue;
        }
        if (n == 0)
            break;
    }
    int err = errno;
    trace_call("write_all", sent == len ? (long)sent : -1, "fd=%d, %zu bytes (fwrite)", fileno(f),
               len);
    if (fclose_traced(f) == EOF || sent < len) {
        if (sent < len)
            errno = err;
        return -1;
    }
    return (ssize_t)len;
}

ssize_t pipe_fifo_receive(const char *path, void *buf, size_t cap)
{
    FILE *f = fopen(path, "re"); /* blocks until a writer opens */
    trace_call("open", f ? fileno(f) : -1, "\"%s\", O_RDONLY (fopen)", path);
    if (f == NULL)
        return -1;
    /* fread() loops over short reads itself, until cap bytes or EOF. */
    size_t got = 0;
    while (got < cap) {
        size_t n = fread((char *)buf + got, 1, cap - got, f);
        got += n;
        if (n > 0)
            continue;
        if (ferror(f) && errno == EINTR) {
            clearerr(f); /* a signal, not the end: read on */
            continue;
        }
        break; /* end of file, or an error */
    }
    int failed = ferror(f), err = errno;
    trace_call("read_exact", failed ? -1 : (long)got, "fd=%d, up to %zu bytes (fread)", fileno(f),
               cap);
    fclose_traced(f);
    if (failed) {
        errno = err;
        return -1;
    }
    return (ssize_t)got;
}
