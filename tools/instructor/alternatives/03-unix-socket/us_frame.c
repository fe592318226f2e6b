/*
 * us_frame.c - lab 03, an alternative correct solution (see us_frame.h).
 *
 * Graded by `make test-alternatives`. Instead of send()/recv() and poll(),
 * the loops use sendmsg()/recvmsg() with an iovec, wait with select(), and
 * a frame goes out as one gathered message: the header and the payload are
 * two entries of one iovec, advanced together after a short send.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "trace.h"
#include "us_frame.h"

/* Blocks until fd can be read (for_write false) or written. */
static int wait_for(int fd, int for_write)
{
    for (;;) {
        fd_set set;
        FD_ZERO(&set);
        FD_SET(fd, &set);
        if (select(fd + 1, for_write ? NULL : &set, for_write ? &set : NULL, NULL, NULL) >= 0)
            return 0;
        if (errno != EINTR)
            return -1;
    }
}

/* Drops n bytes that were sent from the front of an iovec, and the entries
 * that are then empty (a frame's payload may have no bytes at all). */
static void advance(struct iovec **iov, size_t *count, size_t n)
{
    while (*count > 0 && (n > 0 || (*iov)->iov_len == 0)) {
        size_t take = n < (*iov)->iov_len ? n : (*iov)->iov_len;
        (*iov)->iov_base = (char *)(*iov)->iov_base + take;
        (*iov)->iov_len -= take;
        n -= take;
        if ((*iov)->iov_len == 0) {
            (*iov)++;
            (*count)--;
        }
    }
}

/* Sends every byte of iov[0..count); returns 0 or -1 with errno. */
static int send_iov(int fd, struct iovec *iov, size_t count)
{
    advance(&iov, &count, 0);
    while (count > 0) {
        struct msghdr msg = {.msg_iov = iov, .msg_iovlen = count};
        ssize_t n = sendmsg(fd, &msg, MSG_NOSIGNAL);
        if (n >= 0)
            advance(&iov, &count, (size_t)n);
        else if (errno == EAGAIN) {
            if (wait_for(fd, 1) == -1)
                return -1;
        } else if (errno != EINTR)
            return -1;
    }
    return 0;
}

ssize_t us_send_all(int fd, const void *buf, size_t len)
{
    struct iovec iov = {.iov_base = (void *)buf, .iov_len = len};
    return send_iov(fd, &iov, 1) == -1 ? -1 : (ssize_t)len;
}

ssize_t us_recv_exact(int fd, void *buf, size_t len)
{
    size_t got = 0;
    while (got < len) {
        struct iovec iov = {.iov_base = (char *)buf + got, .iov_len = len - got};
        struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
        ssize_t n = recvmsg(fd, &msg, 0);
        if (n == 0)
            break; /* the peer closed */
        if (n > 0) {
            got += (size_t)n;
        } else if (errno == EAGAIN) {
            if (wait_for(fd, 0) == -1)
                return -1;
        } else if (errno != EINTR) {
            return -1;
        }
    }
    return (ssize_t)got;
}

int us_send_frame(int fd, const void *msg, size_t len)
{
    if (len > US_MAX_MESSAGE) {
        errno = EMSGSIZE;
        return (int)trace_call("send_frame", -1, "fd=%d, %zu bytes", fd, len);
    }
    uint32_t net_len = htonl((uint32_t)len);
    struct iovec iov[2] = {{.iov_base = &net_len, .iov_len = sizeof net_len},
                           {.iov_base = (void *)msg, .iov_len = len}};
    int rc = send_iov(fd, iov, 2);
    return (int)trace_call("send_frame", rc, "fd=%d, %zu bytes", fd, len);
}

int us_recv_frame(int fd, void *buf, size_t cap, size_t *len)
{
    uint32_t net_len;
    ssize_t got = us_recv_exact(fd, &net_len, sizeof net_len);
    if (got <= 0)
        return (int)trace_call("recv_frame", got, "fd=%d, header", fd);
    if ((size_t)got < sizeof net_len) {
        errno = EPROTO;
        return (int)trace_call("recv_frame", -1, "fd=%d, truncated header", fd);
    }
    size_t announced = ntohl(net_len);
    if (announced > US_MAX_MESSAGE || announced > cap) {
        errno = EMSGSIZE; /* decided from the header alone */
        return (int)trace_call("recv_frame", -1, "fd=%d, announces %zu bytes", fd, announced);
    }
    got = us_recv_exact(fd, buf, announced);
    if (got == -1)
        return (int)trace_call("recv_frame", -1, "fd=%d, payload", fd);
    if ((size_t)got < announced) {
        errno = EPROTO;
        return (int)trace_call("recv_frame", -1, "fd=%d, truncated payload", fd);
    }
    *len = announced;
    trace_call("recv_frame", (long)announced, "fd=%d, %zu bytes", fd, announced);
    return 1;
}
