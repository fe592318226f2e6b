/*
 * chan_tcp.c - a channel over one TCP connection on the loopback interface.
 *
 * open() makes a listening socket on 127.0.0.1 port 0 (the kernel picks a
 * free port, so parallel runs never collide), connects to it, accepts, and
 * closes the listener: fd[1] is the connecting side, fd[0] the accepted one.
 * TCP_NODELAY turns off Nagle's algorithm, which would otherwise hold small
 * messages back for up to 40 ms waiting to fill a segment; SIGPIPE is not
 * involved because both ends live as long as the run.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include "chan_stream.h"

static int set_nodelay(int fd)
{
    int on = 1;
    return setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
}

static int tcp_open(struct channel *ch, size_t max_msg)
{
    ch->max_msg = max_msg;
    int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listener == -1)
        return -1;
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = 0};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t addr_len = sizeof addr;
    int client = -1, server = -1;
    if (bind(listener, (struct sockaddr *)&addr, sizeof addr) == -1 || listen(listener, 1) == -1 ||
        getsockname(listener, (struct sockaddr *)&addr, &addr_len) == -1)
        goto fail;
    client = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (client == -1 || connect(client, (struct sockaddr *)&addr, sizeof addr) == -1)
        goto fail;
    /* The connection completed in the kernel's backlog; accept it. */
    while ((server = accept(listener, NULL, NULL)) == -1 && errno == EINTR)
        ;
    if (server == -1 || set_nodelay(client) == -1 || set_nodelay(server) == -1)
        goto fail;
    close(listener);
    ch->fd[0] = server;
    ch->fd[1] = client;
    return 0;

fail:;
    int saved = errno;
    close(listener);
    if (client != -1)
        close(client);
    if (server != -1)
        close(server);
    errno = saved;
    return -1;
}

const struct channel_ops CHANNEL_TCP = {
    .name = "tcp",
    .label = "TCP, loopback, TCP_NODELAY",
    .open = tcp_open,
    .choose = chan_stream_choose,
    .send = chan_stream_send,
    .recv = chan_stream_recv,
    .close = chan_stream_close,
};
