/*
 * chan_stream.h - the parts every byte-stream channel shares.
 *
 * Once a stream mechanism has made its two connected descriptors (fd[0] to
 * receive, fd[1] to send), choosing a side, sending, receiving and closing
 * are the same for a pipe, a UNIX socket and a TCP connection. Adapters put
 * these functions in their channel_ops and write only open().
 */
#ifndef IPC_KIT_CHAN_STREAM_H
#define IPC_KIT_CHAN_STREAM_H

#include "channel.h"

/* Keeps fd[1] (sender) or fd[0] (receiver) and closes the other: a reader
 * sees end of stream only when every copy of the sending end is closed. */
int chan_stream_choose(struct channel *ch, enum channel_side side);

/* One framed message (stream_io.h) on the kept end. */
int chan_stream_send(struct channel *ch, const void *msg, size_t len);
int chan_stream_recv(struct channel *ch, void *buf, size_t cap, size_t *len);

/* Closes whichever ends are still open. */
int chan_stream_close(struct channel *ch);

#endif
