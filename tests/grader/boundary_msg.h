/*
 * boundary_msg.h - the messages that cross the call boundary (boundary.h).
 *
 * A message is a list of items written in order and read back in the same
 * order: integers, byte strings (a NULL pointer is its own value) and
 * descriptors, which travel beside the bytes as SCM_RIGHTS. Each item
 * starts with a tag byte, so a reader that expects an integer and finds
 * bytes notices at once: the other side may be student code, and nothing it
 * sends is trusted. A read past the end or of the wrong tag sets `bad` and
 * returns a harmless value (0, NULL, -1); check `bad` once at the end.
 *
 * On the socket (SOCK_SEQPACKET) a message goes as frames of at most
 * BMSG_FRAME bytes, each with a small header, so a large buffer needs no
 * large socket buffer. Its descriptors ride on the first frame.
 */
#ifndef IPC_KIT_BOUNDARY_MSG_H
#define IPC_KIT_BOUNDARY_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum {
    BMSG_MAX_FDS = 16,           /* descriptors in one message */
    BMSG_FRAME = 60 * 1024,      /* payload bytes per frame */
    BMSG_MAX = 96 * 1024 * 1024, /* the largest message a receiver accepts */
    BMSG_FD_APART = 940,         /* received descriptors wait from here up */
};

struct bmsg {
    unsigned char *data;
    size_t len, cap, pos;
    int fds[BMSG_MAX_FDS]; /* sent: the caller's (not owned); received: owned until taken */
    int nfds, fd_pos;
    bool received; /* its descriptors came with it (ours to close), not put by us */
    bool bad;      /* a read failed: wrong tag, past the end, or too many descriptors */
    pid_t pid;     /* received: the sender's pid, from the kernel (SO_PASSCRED), or 0 */
};

void bmsg_init(struct bmsg *m);
/* Frees the bytes and closes received descriptors nobody took. */
void bmsg_free(struct bmsg *m);
/* Empties m for reuse (closing untaken received descriptors). */
void bmsg_reset(struct bmsg *m);

void bmsg_put_i64(struct bmsg *m, int64_t value);
int64_t bmsg_get_i64(struct bmsg *m);

/* len bytes of p; p == NULL is sent as "no buffer" and read back as NULL. */
void bmsg_put_bytes(struct bmsg *m, const void *p, size_t len);
/* Points into m (valid until m changes); *len gets the length. */
const void *bmsg_get_bytes(struct bmsg *m, size_t *len);

/*
 * A descriptor, with the number the sender knows it by. A number that is not
 * open (-1, or a closed one: a test checking EBADF) goes as the number alone.
 */
void bmsg_put_fd(struct bmsg *m, int fd);
/* The same, sending descriptor fd under another number (its FD_CLOEXEC flag
 * goes along): the agent sends a copy it keeps apart from the student's. */
void bmsg_put_fd_as(struct bmsg *m, int fd, int number);
/* The received descriptor (the caller owns it; close-on-exec), or -1 when only
 * a number came; *number gets the sender's number and *cloexec its flag. */
int bmsg_get_fd(struct bmsg *m, int *number, bool *cloexec);

/*
 * Installing a received descriptor at a number of our choice (dup3) in a
 * process with threads races with another thread's recvmsg(), which the
 * kernel may give that very number a moment before: dup3() would close
 * it. bmsg_recv() receives under this lock, and whoever installs holds it
 * from checking the number to dup3().
 */
void bmsg_numbers_lock(void);
void bmsg_numbers_unlock(void);

/* Sends m whole. Returns 0, or -1 with errno. */
int bmsg_send(int sock, const struct bmsg *m);
/*
 * Receives one whole message into m (reset first). Returns 1, 0 when the
 * peer closed the socket, or -1 with errno (EPROTO: frames that make no
 * sense; EMSGSIZE: larger than BMSG_MAX). EINTR is retried.
 */
int bmsg_recv(int sock, struct bmsg *m);

#endif
