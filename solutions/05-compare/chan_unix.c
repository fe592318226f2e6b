/*
 * chan_unix.c - lab 05: a channel over a UNIX stream socket (reference).
 *
 * socketpair(AF_UNIX, SOCK_STREAM) gives two connected sockets at once,
 * with no name in the file system to clean up: the simplest UNIX socket
 * between a parent and its child. A socket is two-way, but a channel uses
 * it one way: fd[1] sends, fd[0] receives.
 */
#include <sys/socket.h>

#include "chan_stream.h"

static int unix_channel_open(struct channel *ch, size_t max_msg)
{
    ch->max_msg = max_msg;
    return socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ch->fd);
}

const struct channel_ops CHANNEL_UNIX = {
    .name = "unix",
    .label = "UNIX stream socket",
    .open = unix_channel_open,
    .choose = chan_stream_choose,
    .send = chan_stream_send,
    .recv = chan_stream_recv,
    .close = chan_stream_close,
};
