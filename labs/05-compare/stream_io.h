/*
 * stream_io.h - whole messages over a byte stream (pipe or socket).
 *
 * A stream keeps the order of bytes but not the edges of messages: two
 * writes can arrive as one read, one write as several. So each message is
 * framed: an 8-byte length in host byte order (both ends are on this
 * machine), then the bytes. Writes and reads loop on short counts and retry
 * EINTR, as lab 02 taught.
 */
#ifndef IPC_KIT_STREAM_IO_H
#define IPC_KIT_STREAM_IO_H

#include <stddef.h>
#include <sys/types.h>

/* Writes all len bytes to fd. Returns 0, or -1 with errno set. */
int stream_write_all(int fd, const void *buf, size_t len);

/* Reads exactly len bytes. Returns 1, 0 at end of file before any byte,
 * or -1 with errno set (EPIPE when the stream ends inside the bytes). */
int stream_read_exact(int fd, void *buf, size_t len);

/* Sends one framed message. Returns 0, or -1 with errno set. */
int stream_send_msg(int fd, const void *msg, size_t len);

/* Receives one framed message into buf (cap bytes), its length in *len.
 * Returns 1, 0 at end of stream, or -1 with errno (EMSGSIZE when the
 * message is longer than cap: the stream is then out of step, close it). */
int stream_recv_msg(int fd, void *buf, size_t cap, size_t *len);

#endif
