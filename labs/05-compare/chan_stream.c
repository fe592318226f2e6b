/* chan_stream.c - choose, send, receive and close for stream channels. */
#include <errno.h>
#include <unistd.h>

#include "chan_stream.h"
#include "stream_io.h"

int chan_stream_choose(struct channel *ch, enum channel_side side)
{
    int unused = side == CHANNEL_SENDER ? 0 : 1;
    ch->side = side;
    if (ch->fd[unused] != -1 && close(ch->fd[unused]) == -1)
        return -1;
    ch->fd[unused] = -1;
    return 0;
}

int chan_stream_send(struct channel *ch, const void *msg, size_t len)
{
    if (len > ch->max_msg) {
        errno = EMSGSIZE;
        return -1;
    }
    return stream_send_msg(ch->fd[1], msg, len);
}

int chan_stream_recv(struct channel *ch, void *buf, size_t cap, size_t *len)
{
    return stream_recv_msg(ch->fd[0], buf, cap, len);
}

int chan_stream_close(struct channel *ch)
{
    int rc = 0;
    for (int i = 0; i < 2; i++) {
        if (ch->fd[i] != -1 && close(ch->fd[i]) == -1)
            rc = -1;
        ch->fd[i] = -1;
    }
    return rc;
}
