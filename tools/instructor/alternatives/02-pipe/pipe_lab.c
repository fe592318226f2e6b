/*
 * pipe_lab.c - lab 02, an alternative correct solution (see pipe_lab.h).
 *
 * Graded by `make test-alternatives`: a student may use other calls than
 * the reference does and still earn full marks. Here the loops use
 * writev()/readv() and wait with select() instead of poll(), and the
 * exchange moves data with one select() per round.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h> /* POLLIN and POLLOUT name what wait_ready() waits for */
#include <signal.h>
#include <stdlib.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pipe_lab.h"
#include "trace.h"

/* Blocks until fd is readable (POLLIN) or writable (POLLOUT), with select(). */
static int wait_ready(int fd, short events)
{
    for (;;) {
        fd_set set;
        FD_ZERO(&set);
        FD_SET(fd, &set);
        int n = select(fd + 1, events == POLLIN ? &set : NULL, events == POLLOUT ? &set : NULL,
                       NULL, NULL);
        if (n >= 0)
            return 0;
        if (errno != EINTR)
            return -1;
    }
}

/* ---- 1. loops for short counts ---------------------------------------- */

ssize_t pipe_write_all(int fd, const void *buf, size_t len)
{
    struct iovec iov = {.iov_base = (void *)buf, .iov_len = len};
    while (iov.iov_len > 0) {
        ssize_t n = writev(fd, &iov, 1);
        if (n == -1 && errno == EAGAIN) {
            if (wait_ready(fd, POLLOUT) == -1)
                return -1;
        } else if (n == -1 && errno != EINTR) {
            return -1;
        } else if (n > 0) {
            iov.iov_base = (char *)iov.iov_base + n;
            iov.iov_len -= (size_t)n;
        }
    }
    return (ssize_t)len;
}

ssize_t pipe_read_exact(int fd, void *buf, size_t len)
{
    struct iovec iov = {.iov_base = buf, .iov_len = len};
    for (;;) {
        if (iov.iov_len == 0)
            return (ssize_t)len;
        ssize_t n = readv(fd, &iov, 1);
        if (n == 0)
            return (ssize_t)(len - iov.iov_len); /* end of file */
        if (n > 0) {
            iov.iov_base = (char *)iov.iov_base + n;
            iov.iov_len -= (size_t)n;
        } else if (errno == EAGAIN) {
            if (wait_ready(fd, POLLIN) == -1)
                return -1;
        } else if (errno != EINTR) {
            return -1;
        }
    }
}

/* Closes fd and traces it; keeps errno from an earlier failure. */
static void close_traced(int fd)
{
    int saved = errno;
    int rc = close(fd);
    trace_call("close", rc, "fd=%d", fd);
    errno = saved;
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
    ssize_t sent = pipe_write_all(fds[1], data, len);
    trace_call("write_all", sent, "fd=%d, %zu bytes", fds[1], len);
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
    int top = (cp->to_child > cp->from_child ? cp->to_child : cp->from_child) + 1;
    while (received < len) {
        fd_set readable, writable;
        FD_ZERO(&readable);
        FD_ZERO(&writable);
        FD_SET(cp->from_child, &readable);
        if (sent < len)
            FD_SET(cp->to_child, &writable);
        if (select(top, &readable, &writable, NULL, NULL) == -1) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (sent < len && FD_ISSET(cp->to_child, &writable)) {
            struct iovec iov = {.iov_base = (void *)(out + sent), .iov_len = len - sent};
            ssize_t n = writev(cp->to_child, &iov, 1);
            if (n > 0)
                sent += (size_t)n;
            else if (n == -1 && errno != EINTR && errno != EAGAIN)
                return -1; /* EPIPE */
        }
        if (FD_ISSET(cp->from_child, &readable)) {
            struct iovec iov = {.iov_base = in + received, .iov_len = len - received};
            ssize_t n = readv(cp->from_child, &iov, 1);
            if (n == 0) {
                errno = EPIPE;
                return -1;
            }
            if (n > 0)
                received += (size_t)n;
            else if (errno != EINTR && errno != EAGAIN)
                return -1;
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

ssize_t pipe_fifo_send(const char *path, const void *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC); /* blocks until a reader opens */
    trace_call("open", fd, "\"%s\", O_WRONLY", path);
    if (fd == -1)
        return -1;
    ssize_t sent = pipe_write_all(fd, data, len);
    trace_call("write_all", sent, "fd=%d, %zu bytes", fd, len);
    close_traced(fd);
    return sent;
}

ssize_t pipe_fifo_receive(const char *path, void *buf, size_t cap)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC); /* blocks until a writer opens */
    trace_call("open", fd, "\"%s\", O_RDONLY", path);
    if (fd == -1)
        return -1;
    ssize_t got = pipe_read_exact(fd, buf, cap);
    trace_call("read_exact", got, "fd=%d, up to %zu bytes", fd, cap);
    close_traced(fd);
    return got;
}
