/*
 * us_pair.c - lab 03, part 4: YOUR implementation of us_pair.h.
 *
 * Every function below is a TODO(lab03): it sets errno = ENOSYS and
 * returns -1 until you fill it in. In the child, call
 * trace_set_role("child") before tracing anything.
 */
#include <errno.h>

#include "trace.h"
#include "us_pair.h"

int us_socketpair(int type, int fds[2])
{
    /* TODO(lab03): socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, fds). */
    (void)type;
    (void)fds;
    errno = ENOSYS;
    return -1;
}

int us_child_start(struct us_child *child, us_child_fn fn, void *arg)
{
    /* TODO(lab03): us_socketpair(SOCK_STREAM), fork().
     * child:  close fds[0], status = fn(fds[1], arg), close fds[1], _exit(status);
     * parent: close fds[1], child->pid = pid, child->fd = fds[0].
     * If fork() fails, close both ends. */
    (void)child;
    (void)fn;
    (void)arg;
    errno = ENOSYS;
    return -1;
}

int us_child_finish(struct us_child *child)
{
    /* TODO(lab03): close(child->fd), then waitpid() (retry EINTR) and
     * return the status. */
    (void)child;
    errno = ENOSYS;
    return -1;
}
