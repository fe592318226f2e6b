/*
 * us_socket.c - lab 03, part 1: YOUR implementation of us_socket.h.
 *
 * Every function below is a TODO(lab03). Until you fill it in, it sets
 * errno = ENOSYS and returns -1, and the grader reports "not implemented
 * yet". Read us_socket.h for each contract and README.md for the steps.
 * Grade yourself with:  make grade LAB=03
 *
 * Report each system call with trace_call() from common/trace.h, right
 * after making it, under the call's own name:
 *
 *     int rc = bind(fd, (struct sockaddr *)&addr, sizeof addr);
 *     trace_call("bind", rc, "fd=%d, \"%s\"", fd, path);
 *
 * A test reads that trace to check the order: socket, bind, listen on the
 * server's side; socket, connect on the client's; unlink at the end.
 */
#include <errno.h>

#include "names.h"
#include "trace.h"
#include "us_socket.h"

int us_address(struct sockaddr_un *addr, const char *path)
{
    /* TODO(lab03): memset addr to 0, set sun_family = AF_UNIX, copy path
     * into sun_path. A path that does not fit with its NUL (strlen >= sizeof
     * addr->sun_path) is ENAMETOOLONG; an empty one is EINVAL. */
    (void)addr;
    (void)path;
    errno = ENOSYS;
    return -1;
}

int us_remove_stale(const char *path)
{
    /* TODO(lab03):
     * 1. lstat(path): ENOENT -> return 0; not S_ISSOCK -> ENOTSOCK.
     * 2. socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0) and connect() to path.
     * 3. connect() worked, or failed with EAGAIN: alive -> EADDRINUSE.
     *    ECONNREFUSED: stale -> unlink(path) and return 0.
     * Close the probe socket on every path. */
    (void)path;
    errno = ENOSYS;
    return -1;
}

int us_listen(struct us_listener *listener, const char *path)
{
    /* TODO(lab03):
     * 1. path == NULL: names_private_dir(listener->dir, ...) and use
     *    "<dir>/" US_SOCKET_NAME; else copy path (listener->dir = "").
     * 2. socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), bind().
     * 3. bind() failed with EADDRINUSE: us_remove_stale(), then bind() once more.
     * 4. listen(fd, US_BACKLOG).
     * On failure undo what was done (close, unlink only a file YOU bound,
     * rmdir the directory you made) and keep errno. */
    (void)listener;
    (void)path;
    errno = ENOSYS;
    return -1;
}

int us_listener_close(struct us_listener *listener)
{
    /* TODO(lab03): unlink(path), close(fd), rmdir(dir) if dir is not "";
     * do all three even if one fails, clear the fields, return 0 or -1. */
    (void)listener;
    errno = ENOSYS;
    return -1;
}

int us_cleanup_on_signals(const struct us_listener *listener)
{
    /* TODO(lab03): copy listener->path and ->dir into static buffers, then
     * sigaction() SIGINT and SIGTERM to a handler that unlinks the path,
     * rmdirs the directory, then signal(sig, SIG_DFL) and raise(sig).
     * Only async-signal-safe calls in the handler (man 7 signal-safety). */
    (void)listener;
    errno = ENOSYS;
    return -1;
}

int us_connect(const char *path)
{
    /* TODO(lab03): us_address(), socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0),
     * connect(); on failure close the socket. Return the descriptor. */
    (void)path;
    errno = ENOSYS;
    return -1;
}
