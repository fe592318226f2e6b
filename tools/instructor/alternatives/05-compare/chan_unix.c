/*
 * chan_unix.c - lab 05, an alternative correct solution (see channel.h).
 *
 * Graded by `make test-alternatives`: the pair is made without
 * SOCK_CLOEXEC and marked close-on-exec afterwards with fcntl(), as older
 * systems must.
 */
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "chan_stream.h"

static int unix_channel_open(struct channel *ch, size_t max_msg)
{
    ch->max_msg = max_msg;
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, ch->fd) == -1)
        return -1;
    for (int i = 0; i < 2; i++) {
        if (fcntl(ch->fd[i], F_SETFD, FD_CLOEXEC) == -1) {
            close(ch->fd[0]);
            close(ch->fd[1]);
            ch->fd[0] = ch->fd[1] = -1;
            return -1;
        }
    }
    return 0;
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
