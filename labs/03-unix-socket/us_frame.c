/*
 * us_frame.c - lab 03, part 2: YOUR implementation of us_frame.h.
 *
 * Every function below is a TODO(lab03): it sets errno = ENOSYS and
 * returns -1 until you fill it in. Use send() and recv() (not write/read):
 * the tests make them short and interrupted through the kit's fault
 * injection, and your loops must cope.
 */
#include <errno.h>

#include "trace.h"
#include "us_frame.h"

ssize_t us_send_all(int fd, const void *buf, size_t len)
{
    /* TODO(lab03): loop until len bytes are sent with send(fd, ..., MSG_NOSIGNAL).
     * - a short send: advance and loop;
     * - -1 with EINTR: try again;
     * - -1 with EAGAIN: poll() for POLLOUT, then try again. */
    (void)fd;
    (void)buf;
    (void)len;
    errno = ENOSYS;
    return -1;
}

ssize_t us_recv_exact(int fd, void *buf, size_t len)
{
    /* TODO(lab03): loop on recv() until len bytes arrived or it returns 0
     * (the peer closed); retry EINTR, poll() for POLLIN on EAGAIN. */
    (void)fd;
    (void)buf;
    (void)len;
    errno = ENOSYS;
    return -1;
}

int us_send_frame(int fd, const void *msg, size_t len)
{
    /* TODO(lab03): len > US_MAX_MESSAGE -> EMSGSIZE. Otherwise send the
     * 4-byte header htonl((uint32_t)len), then the message (us_send_all). */
    (void)fd;
    (void)msg;
    (void)len;
    errno = ENOSYS;
    return -1;
}

int us_recv_frame(int fd, void *buf, size_t cap, size_t *len)
{
    /* TODO(lab03):
     * 1. us_recv_exact() the 4-byte header: 0 bytes -> return 0 (clean end);
     *    1 to 3 bytes -> EPROTO.
     * 2. n = ntohl(header). n > US_MAX_MESSAGE or n > cap -> EMSGSIZE,
     *    BEFORE reading or allocating anything for the payload.
     * 3. us_recv_exact() n bytes into buf; fewer -> EPROTO.
     * 4. *len = n; return 1. */
    (void)fd;
    (void)buf;
    (void)cap;
    (void)len;
    errno = ENOSYS;
    return -1;
}
