/*
 * us_pair.h - lab 03, part 4: socketpair(2) between a parent and its child.
 *
 * socketpair() returns two sockets that are already connected to each
 * other, with no name in the file system. Unlike a pipe, each end can both
 * send and receive, so one pair replaces the two pipes of lab 02's
 * coprocess. After fork() each process keeps one end and closes the other:
 * a process that keeps both never sees end of file, because its own copy
 * of the far end is still open.
 *
 * This header is the same, byte for byte, in labs/ and solutions/.
 */
#ifndef IPC_KIT_US_PAIR_H
#define IPC_KIT_US_PAIR_H

#include <sys/types.h>

/*
 * Creates a connected pair of AF_UNIX sockets of the given type
 * (SOCK_STREAM or SOCK_DGRAM), close-on-exec, in fds[0] and fds[1].
 * Returns 0, or -1 with errno set.
 */
int us_socketpair(int type, int fds[2]);

/* The child's side: runs in the child with its end of the pair and returns
 * the child's exit status (0 = success). */
typedef int (*us_child_fn)(int fd, void *arg);

/* A child joined to its parent by one stream socketpair. */
struct us_child {
    pid_t pid; /* the child */
    int fd;    /* the parent's end; it both sends and receives */
};

/*
 * Creates a SOCK_STREAM pair and forks. The child closes the parent's end,
 * calls fn(its end, arg), closes its end and exits with fn's result
 * (_exit: it never returns into the caller's code). The parent closes the
 * child's end and fills *child. Returns 0, or -1 with errno set (and
 * nothing left open or running).
 */
int us_child_start(struct us_child *child, us_child_fn fn, void *arg);

/*
 * Closes the parent's end (the child's recv() then returns 0, end of file)
 * and waits for the child. Returns its wait status (as from waitpid), or -1.
 */
int us_child_finish(struct us_child *child);

#endif
