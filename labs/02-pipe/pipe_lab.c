/*
 * pipe_lab.c - lab 02: YOUR implementation of pipe_lab.h.
 *
 * Every function below is a TODO(lab02). Until you fill it in, it sets
 * errno = ENOSYS and returns -1, and the grader reports "not implemented
 * yet". Read pipe_lab.h for each contract and README.md for the steps.
 * Grade yourself with:  make grade LAB=02
 *
 * Report each system call with trace_call() from common/trace.h, e.g.
 *
 *     int rc = close(fd);
 *     trace_call("close", rc, "fd=%d", fd);
 *
 *     int rc = pipe(fds);
 *     trace_call("pipe", rc, "read=%d, write=%d", fds[0], fds[1]);
 *
 * The tests read that trace to check the order of your steps.
 */
#include <errno.h>

#include "pipe_lab.h"
#include "trace.h"

ssize_t pipe_write_all(int fd, const void *buf, size_t len)
{
    /* TODO(lab02): loop until len bytes are written.
     * - write() may return fewer bytes than asked: advance and loop;
     * - -1 with EINTR: try again;
     * - -1 with EAGAIN: poll() for POLLOUT, then try again. */
    (void)fd;
    (void)buf;
    (void)len;
    errno = ENOSYS;
    return -1;
}

ssize_t pipe_read_exact(int fd, void *buf, size_t len)
{
    /* TODO(lab02): loop until len bytes are read or read() returns 0 (EOF). */
    (void)fd;
    (void)buf;
    (void)len;
    errno = ENOSYS;
    return -1;
}

int pipe_send_to_child(const void *data, size_t len, pipe_reader_fn reader, void *arg)
{
    /* TODO(lab02): pipe(), fork().
     * child:  close the write end, status = reader(read end, arg), close the
     *         read end, _exit(status);
     * parent: close the read end, pipe_write_all(), close the write end,
     *         waitpid() and return the status. */
    (void)data;
    (void)len;
    (void)reader;
    (void)arg;
    errno = ENOSYS;
    return -1;
}

int pipe_coprocess_start(struct pipe_coprocess *cp)
{
    /* TODO(lab02): two pipes and a fork(); the child upper-cases its input
     * to its output until EOF. Make cp->to_child non-blocking (fcntl). */
    (void)cp;
    errno = ENOSYS;
    return -1;
}

ssize_t pipe_coprocess_exchange(struct pipe_coprocess *cp, const void *request, void *reply,
                                size_t len)
{
    /* TODO(lab02): poll() both pipes; write what fits, read what is there,
     * until len bytes have come back. Writing everything first deadlocks. */
    (void)cp;
    (void)request;
    (void)reply;
    (void)len;
    errno = ENOSYS;
    return -1;
}

int pipe_coprocess_finish(struct pipe_coprocess *cp)
{
    /* TODO(lab02): close both pipes, then waitpid() the child. */
    (void)cp;
    errno = ENOSYS;
    return -1;
}

int pipe_ignore_sigpipe(void)
{
    /* TODO(lab02): sigaction(SIGPIPE) with SIG_IGN. */
    errno = ENOSYS;
    return -1;
}

int pipe_fifo_create(const char *path)
{
    /* TODO(lab02): mkfifo(path, 0600). */
    (void)path;
    errno = ENOSYS;
    return -1;
}

ssize_t pipe_fifo_send(const char *path, const void *data, size_t len)
{
    /* TODO(lab02): open(O_WRONLY), pipe_write_all(), close(). */
    (void)path;
    (void)data;
    (void)len;
    errno = ENOSYS;
    return -1;
}

ssize_t pipe_fifo_receive(const char *path, void *buf, size_t cap)
{
    /* TODO(lab02): open(O_RDONLY), pipe_read_exact(), close(). */
    (void)path;
    (void)buf;
    (void)cap;
    errno = ENOSYS;
    return -1;
}
