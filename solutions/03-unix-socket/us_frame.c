/*
 * us_frame.c - lab 03 reference, part 2 (see us_frame.h for the contract).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include "trace.h"
#include "us_frame.h"

/* Blocks until fd is ready for `events` (POLLIN or POLLOUT). */
static int wait_ready(int fd, short events)
{
    struct pollfd p = {.fd = fd, .events = events};
    for (;;) {
        if (poll(&p, 1, -1) >= 0)
            return 0;
        if (errno != EINTR)
            return -1;
    }
}

ssize_t us_send_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    size_t left = len;
    while (left > 0) {
        /* MSG_NOSIGNAL: if the peer has gone, fail with EPIPE instead of
         * raising SIGPIPE, whose default action would end this process. */
        ssize_t n = send(fd, p, left, MSG_NOSIGNAL);
        if (n == -1) {
            if (errno == EINTR)
                continue; /* interrupted before anything moved: again */
            if (errno == EAGAIN && wait_ready(fd, POLLOUT) == 0)
                continue; /* non-blocking and full: wait for room */
            return -1;
        }
        p += n; /* a short send is not an error: send the rest */
        left -= (size_t)n;
    }
    return (ssize_t)len;
}

ssize_t us_recv_exact(int fd, void *buf, size_t len)
{
    char *p = buf;
    size_t got = 0;
    while (got < len) {
        ssize_t n = recv(fd, p + got, len - got, 0);
        if (n == -1) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN && wait_ready(fd, POLLIN) == 0)
                continue;
            return -1;
        }
        if (n == 0)
            break; /* the peer closed (or shut down its sending side) */
        got += (size_t)n;
    }
    return (ssize_t)got;
}

int us_send_frame(int fd, const void *msg, size_t len)
{
    if (len > US_MAX_MESSAGE) {
        errno = EMSGSIZE;
        return (int)trace_call("send_frame", -1, "fd=%d, %zu bytes", fd, len);
    }
    /* htonl: the same bytes on the wire whatever this CPU's byte order. */
    uint32_t net_len = htonl((uint32_t)len);
    unsigned char header[US_HEADER_SIZE];
    memcpy(header, &net_len, sizeof header);
    int rc = 0;
    if (us_send_all(fd, header, sizeof header) == -1 || us_send_all(fd, msg, len) == -1)
        rc = -1;
    return (int)trace_call("send_frame", rc, "fd=%d, %zu bytes", fd, len);
}

int us_recv_frame(int fd, void *buf, size_t cap, size_t *len)
{
    unsigned char header[US_HEADER_SIZE];
    ssize_t got = us_recv_exact(fd, header, sizeof header);
    if (got == -1)
        return (int)trace_call("recv_frame", -1, "fd=%d, header", fd);
    if (got == 0)
        return (int)trace_call("recv_frame", 0, "fd=%d (the peer closed between frames)", fd);
    if (got < US_HEADER_SIZE) {
        errno = EPROTO;
        return (int)trace_call("recv_frame", -1, "fd=%d, closed after %zd of 4 header bytes", fd,
                               got);
    }
    uint32_t net_len;
    memcpy(&net_len, header, sizeof net_len);
    size_t announced = ntohl(net_len);
    /* The peer chose this number. Check it before it decides anything:
     * no read, no allocation for a frame we will not take. */
    if (announced > US_MAX_MESSAGE || announced > cap) {
        errno = EMSGSIZE;
        return (int)trace_call("recv_frame", -1, "fd=%d, header announces %zu bytes (limit %zu)",
                               fd, announced, cap < US_MAX_MESSAGE ? cap : (size_t)US_MAX_MESSAGE);
    }
    got = us_recv_exact(fd, buf, announced);
    if (got == -1)
        return (int)trace_call("recv_frame", -1, "fd=%d, payload", fd);
    if ((size_t)got < announced) {
        errno = EPROTO;
        return (int)trace_call("recv_frame", -1, "fd=%d, closed after %zd of %zu payload bytes", fd,
                               got, announced);
    }
    *len = announced;
    trace_call("recv_frame", (long)announced, "fd=%d, %zu bytes", fd, announced);
    return 1;
}
