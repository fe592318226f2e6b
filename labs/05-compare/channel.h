/*
 * channel.h - lab 05: one small interface in front of every IPC mechanism.
 *
 * The benchmark must move the same bytes through shared memory, pipes,
 * UNIX sockets and TCP, and time them the same way. So each mechanism is a
 * `struct channel_ops` with five operations, and the measuring code
 * (measure.c, rtt.c) is written once, against this interface only.
 *
 * A channel is one-way: a sender and a receiver, in two processes.
 *
 *     ops->open(ch, max_msg)    before fork(): make both ends
 *     fork()
 *     ops->choose(ch, side)     in each process: keep one end, drop the other
 *     ops->send(...) / ops->recv(...)   one whole message each
 *     ops->close(ch)            in each process; the sender's close is the
 *                               receiver's end of stream
 *
 * A message is any length from 0 to max_msg. Byte streams (pipe, UNIX, TCP)
 * carry no boundaries, so their adapters frame each message: an 8-byte
 * length, then the bytes (stream_io.h). The shared-memory ring keeps
 * boundaries itself.
 *
 * Every operation returns -1 with errno set on failure; recv returns 1 for a
 * message and 0 at end of stream. Stream adapters move the bytes with
 * stream_io.h, or with read/write (send/recv on a socket) called directly,
 * never through stdio or syscall(): the tests cut those calls short, and
 * count them from outside too (the kernel's count of your process's calls).
 *
 * Students implement CHANNEL_PIPE (chan_pipe.c) and CHANNEL_UNIX
 * (chan_unix.c); CHANNEL_TCP and the two shared-memory channels are given.
 */
#ifndef IPC_KIT_CHANNEL_H
#define IPC_KIT_CHANNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "ring.h"

enum channel_side { CHANNEL_SENDER, CHANNEL_RECEIVER };

/* The state of one channel; which fields matter depends on the mechanism. */
struct channel {
    const struct channel_ops *ops;
    size_t max_msg;
    enum channel_side side;
    /* Stream mechanisms: fd[1] is the sending end, fd[0] the receiving end;
     * after choose() the unused one is -1. */
    int fd[2];
    /* Shared memory: the ring as created (owner, in the process that opened
     * it) and this process's end of it (end, after choose()). */
    struct ring owner;
    struct ring end;
    bool has_owner, has_end;
    pid_t creator; /* the process that opened it, which removes the ring's name */
    char name[64];
};

struct channel_ops {
    const char *name;  /* short, for the CSV: "pipe", "unix", "tcp", "shm-lock" ... */
    const char *label; /* for people: "pipe", "UNIX stream socket" ... */
    int (*open)(struct channel *ch, size_t max_msg);
    int (*choose)(struct channel *ch, enum channel_side side);
    int (*send)(struct channel *ch, const void *msg, size_t len);
    int (*recv)(struct channel *ch, void *buf, size_t cap, size_t *len);
    int (*close)(struct channel *ch);
};

extern const struct channel_ops CHANNEL_SHM_LOCK;     /* lab 01, part A (chan_shm.c) */
extern const struct channel_ops CHANNEL_SHM_LOCKFREE; /* lab 01, part B (chan_shm.c) */
extern const struct channel_ops CHANNEL_PIPE;         /* chan_pipe.c: yours */
extern const struct channel_ops CHANNEL_UNIX;         /* chan_unix.c: yours */
extern const struct channel_ops CHANNEL_TCP;          /* chan_tcp.c, TCP_NODELAY on loopback */

/* Every mechanism, in the order the tables show them; NULL-terminated. */
extern const struct channel_ops *const CHANNEL_ALL[];

/* The mechanism called name, or NULL. */
const struct channel_ops *channel_find(const char *name);

/* Sets the fields every mechanism starts from (fds -1, no ring). */
void channel_init(struct channel *ch, const struct channel_ops *ops);

#endif
