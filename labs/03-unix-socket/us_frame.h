/*
 * us_frame.h - lab 03, part 2: messages on a byte stream.
 *
 * A SOCK_STREAM socket carries bytes, not messages: three send() calls may
 * arrive as one recv(), and one send() as several. To find its messages
 * again, the receiver must be told where each one ends. Here every message
 * travels as a frame:
 *
 *     +---------------------------+----------------------+
 *     | length: 4 bytes, network  | length bytes of data |
 *     | byte order (big-endian)   |                      |
 *     +---------------------------+----------------------+
 *
 * The length comes from the peer, so it is not trusted: a frame longer than
 * US_MAX_MESSAGE (or than the caller's buffer) is refused from its header
 * alone. Nothing is read for it and, above all, nothing is allocated: a
 * header is 4 bytes for an attacker, and a 4 GiB buffer is not.
 *
 * Use any calls to move the bytes (send/recv, sendmsg/recvmsg, write/read,
 * writev/readv): the kit's fault injection (fault.h) makes every one of them
 * short or interrupted in the tests. It reaches only the calls your code
 * makes itself, so make them directly, never through stdio or syscall():
 * the tests also count your calls on the socket from outside (the kernel
 * reports each one), so bytes sent with syscall() are never cut short and
 * score as a function that never loops.
 * Sending is done with MSG_NOSIGNAL (or
 * with SIGPIPE ignored): a peer that has gone gives EPIPE, not a SIGPIPE
 * that would kill a server. A wait for room or data is a wait in poll() or
 * select(), never a loop that retries at once: the tests measure its CPU.
 *
 * This header is the same, byte for byte, in labs/ and solutions/.
 */
#ifndef IPC_KIT_US_FRAME_H
#define IPC_KIT_US_FRAME_H

#include <stddef.h>
#include <sys/types.h>

/* The length prefix: a uint32_t in network byte order (htonl/ntohl). */
#define US_HEADER_SIZE 4

/* The largest message a frame may carry, in bytes. */
#define US_MAX_MESSAGE (64 * 1024)

/*
 * Sends all len bytes of buf on the stream socket fd, with MSG_NOSIGNAL.
 * Loops on short sends, retries EINTR, and on EAGAIN (a non-blocking socket
 * that is full) waits with poll() for POLLOUT. Returns len, or -1 with errno
 * set (EPIPE or ECONNRESET when the peer has gone).
 */
ssize_t us_send_all(int fd, const void *buf, size_t len);

/*
 * Receives until len bytes have arrived or the peer closed (recv() returns
 * 0). Loops on short receives, retries EINTR, polls for POLLIN on EAGAIN.
 * Returns the number of bytes received (less than len only when the peer
 * closed first), or -1 with errno set.
 */
ssize_t us_recv_exact(int fd, void *buf, size_t len);

/*
 * Sends one frame: the 4-byte big-endian length, then the len bytes of msg.
 * Returns 0, or -1 with errno set: EMSGSIZE (and nothing sent) when len is
 * over US_MAX_MESSAGE.
 */
int us_send_frame(int fd, const void *msg, size_t len);

/*
 * Receives one frame into buf (cap bytes) and stores its length in *len.
 * Returns 1 for a message, 0 when the peer closed cleanly between frames
 * (the normal end of a conversation), or -1 with errno set:
 *   EMSGSIZE  the header announces more than US_MAX_MESSAGE or cap bytes;
 *             decided from the header alone, before reading or allocating
 *             anything for the payload;
 *   EPROTO    the peer closed in the middle of a frame (a truncated header
 *             or payload);
 *   other     from recv().
 */
int us_recv_frame(int fd, void *buf, size_t cap, size_t *len);

#endif
