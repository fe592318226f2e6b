/*
 * chan_pipe.c - lab 05: a channel over a pipe (reference solution).
 *
 * A pipe is one-way already: fd[0] reads, fd[1] writes, exactly the
 * channel's shape. After fork() each process closes the end it does not use
 * (chan_stream_choose), and messages are framed, since a pipe is a stream.
 */
#include <unistd.h>

#include "chan_stream.h"

static int pipe_channel_open(struct channel *ch, size_t max_msg)
{
    ch->max_msg = max_msg;
    return pipe(ch->fd);
}

const struct channel_ops CHANNEL_PIPE = {
    .name = "pipe",
    .label = "pipe",
    .open = pipe_channel_open,
    .choose = chan_stream_choose,
    .send = chan_stream_send,
    .recv = chan_stream_recv,
    .close = chan_stream_close,
};
