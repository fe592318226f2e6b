/*
 * us_pair.c - lab 03 reference, part 4 (see us_pair.h for the contract).
 */
#include <errno.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "trace.h"
#include "us_pair.h"

/* Closes fd and traces it; keeps errno from an earlier failure. */
static void close_traced(int fd)
{
    int saved = errno;
    int rc = close(fd);
    trace_call("close", rc, "fd=%d", fd);
    errno = saved;
}

int us_socketpair(int type, int fds[2])
{
    int rc = socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, fds);
    const char *name = type == SOCK_DGRAM ? "SOCK_DGRAM" : "SOCK_STREAM";
    if (rc == -1)
        return (int)trace_call("socketpair", rc, "AF_UNIX, %s", name);
    return (int)trace_call("socketpair", rc, "AF_UNIX, %s -> %d, %d", name, fds[0], fds[1]);
}

int us_child_start(struct us_child *child, us_child_fn fn, void *arg)
{
    int fds[2];
    if (us_socketpair(SOCK_STREAM, fds) == -1)
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
        /* The child talks on fds[1]. Its copy of fds[0] must go: while any
         * process holds fds[0] open, fds[1] never reads end of file. */
        close_traced(fds[0]);
        int status = fn(fds[1], arg);
        close_traced(fds[1]);
        _exit(status); /* never return into the parent's code */
    }
    close_traced(fds[1]); /* the parent talks on fds[0] only */
    child->pid = pid;
    child->fd = fds[0];
    return 0;
}

int us_child_finish(struct us_child *child)
{
    close_traced(child->fd); /* the child's next recv() returns 0 */
    child->fd = -1;
    int status;
    pid_t got;
    while ((got = waitpid(child->pid, &status, 0)) == -1 && errno == EINTR)
        ;
    trace_call("waitpid", got, "pid=%ld", (long)child->pid);
    return got == -1 ? -1 : status;
}
