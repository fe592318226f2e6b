/*
 * pipe_lab.c - lab 02 reference solution (see pipe_lab.h for the contract).
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
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

/* Closes fd and traces it; keeps errno from an earlier failure. */
static void close_traced(int fd)
{
    int saved = errno;
    int rc = close(fd);
    trace_call("close", rc, "fd=%d", fd);
    errno = saved;
}

/* pipe_write_all(), traced as one call. Announced before it is made: the
 * reader wakes as soon as it writes. Keeps pipe_write_all()'s errno. */
static ssize_t write_all_traced(int fd, const void *data, size_t len)
{
    trace_call_begin("write_all", "fd=%d, %zu bytes", fd, len);
    ssize_t sent = pipe_write_all(fd, data, len);
    return trace_call("write_all", sent, "fd=%d, %zu bytes", fd, len);
}

/* pipe(2), traced; the arguments are printed only once they exist. */
static int open_pipe(int fds[2])
{
    int rc = pipe(fds);
    if (rc == -1)
        return (int)trace_call("pipe", rc, "fds");
    return (int)trace_call("pipe", rc, "read=%d, write=%d", fds[0], fds[1]);
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
        close_traced(fds[0]);
        close_traced(fds[1]);
        return -1;
    }
    if (pid == 0) {
        /* The child only reads. Its copy of the write end must go, or the
         * pipe always has a writer and read() never returns 0 (EOF). */
        close_traced(fds[1]);
        int status = reader(fds[0], arg);
        close_traced(fds[0]);
        _exit(status); /* never return into the parent's code */
    }

    close_traced(fds[0]); /* the parent only writes */
    ssize_t sent = write_all_traced(fds[1], data, len);
    int write_errno = errno;
    close_traced(fds[1]); /* this is the reader's end of file */
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
        close_traced(request[0]);
        close_traced(request[1]);
        return -1;
    }
    pid_t pid = fork();
    if (pid == 0)
        trace_set_role("coprocess");
    trace_call("fork", pid, NULL);
    if (pid == -1) {
        close_traced(request[0]);
        close_traced(request[1]);
        close_traced(response[0]);
        close_traced(response[1]);
        return -1;
    }
    if (pid == 0) {
        close_traced(request[1]);
        close_traced(response[0]);
        int status = upcase_filter(request[0], response[1]);
        close_traced(request[0]);
        close_traced(response[1]);
        _exit(status);
    }
    close_traced(request[0]);
    close_traced(response[1]);
    /* Non-blocking requests let the exchange loop write only what fits. */
    int flags = fcntl(request[1], F_GETFL);
    if (flags == -1 || fcntl(request[1], F_SETFL, flags | O_NONBLOCK) == -1) {
        close_traced(request[1]);
        close_traced(response[0]);
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
    close_traced(cp->to_child); /* the coprocess reads EOF and exits */
    close_traced(cp->from_child);
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

/*
 * Opens the FIFO at path for `how` (O_WRONLY or O_RDONLY), traced. open()
 * blocks until the other end is opened too: a writer waits for a reader and
 * a reader for a writer. A signal ends the wait with EINTR, and it is not
 * retried, so that Ctrl-C can stop a program nobody answers (pipe_lab.h).
 */
static int open_fifo(const char *path, int how)
{
    const char *name = how == O_WRONLY ? "O_WRONLY" : "O_RDONLY";
    trace_call_begin("open", "\"%s\", %s", path, name);
    int fd = open(path, how | O_CLOEXEC);
    return (int)trace_call("open", fd, "\"%s\", %s", path, name);
}

ssize_t pipe_fifo_send(const char *path, const void *data, size_t len)
{
    int fd = open_fifo(path, O_WRONLY); /* blocks until a reader opens */
    if (fd == -1)
        return -1;
    ssize_t sent = write_all_traced(fd, data, len);
    close_traced(fd);
    return sent;
}

ssize_t pipe_fifo_receive(const char *path, void *buf, size_t cap)
{
    int fd = open_fifo(path, O_RDONLY); /* blocks until a writer opens */
    if (fd == -1)
        return -1;
    trace_call_begin("read_exact", "fd=%d, up to %zu bytes", fd, cap);
    ssize_t got = pipe_read_exact(fd, buf, cap);
    trace_call("read_exact", got, "fd=%d, up to %zu bytes", fd, cap);
    close_traced(fd);
    return got;
}
