/*
 * us_dgram.h - lab 03, part 3: datagrams keep their boundaries, streams do not.
 *
 * SOCK_STREAM is a byte stream, like a pipe: what three send() calls put in
 * may come out of one recv(), merged, or one send() may come out in pieces.
 * SOCK_DGRAM carries messages: each sendto() is one datagram, each recv()
 * returns exactly one datagram, whole, never merged with the next. (Over
 * AF_UNIX datagrams are also reliable and ordered; over UDP they are not.)
 *
 * A datagram socket needs no connection: the sender names the receiver's
 * socket file in each sendto(). A datagram larger than the receiver's buffer
 * is cut and the rest is lost, so us_dgram_recv() reports that as EMSGSIZE
 * instead of returning part of a message as if it were whole.
 *
 * This header is the same, byte for byte, in labs/ and solutions/.
 */
#ifndef IPC_KIT_US_DGRAM_H
#define IPC_KIT_US_DGRAM_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Creates a SOCK_DGRAM socket and, when path is not NULL, binds it to path
 * (which must not exist yet: EADDRINUSE; the caller unlinks it when done).
 * Unbound (path == NULL) it can send but nobody can address it. Returns the
 * descriptor, or -1 with errno set.
 */
int us_dgram_open(const char *path);

/*
 * Sends msg as one datagram to the socket bound at to_path, with a single
 * sendto(); retries EINTR. Returns len, or -1 with errno set (ECONNREFUSED
 * when nobody is bound there any more, EMSGSIZE when it is too large).
 */
ssize_t us_dgram_send(int fd, const char *to_path, const void *msg, size_t len);

/*
 * Receives exactly one datagram into buf with a single recv(); retries
 * EINTR. Returns its length, or -1 with errno set: EMSGSIZE when the
 * datagram was longer than cap (recv() with MSG_TRUNC tells its real length);
 * its first cap bytes are in buf and the rest is gone.
 */
ssize_t us_dgram_recv(int fd, void *buf, size_t cap);

/*
 * One recv() of at most cap bytes on any socket, retrying EINTR: on a stream
 * this returns whatever bytes have arrived, however they were sent. Returns
 * the number of bytes (0: the peer closed), or -1 with errno set.
 */
ssize_t us_recv_once(int fd, void *buf, size_t cap);

#endif
