/*
 * us_dgram.c - lab 03, part 3: YOUR implementation of us_dgram.h.
 *
 * Every function below is a TODO(lab03): it sets errno = ENOSYS and
 * returns -1 until you fill it in.
 */
#include <errno.h>

#include "trace.h"
#include "us_dgram.h"
#include "us_socket.h"

int us_dgram_open(const char *path)
{
    /* TODO(lab03): socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0); when path
     * is not NULL, bind() it there (us_address()); close it if bind fails. */
    (void)path;
    errno = ENOSYS;
    return -1;
}

ssize_t us_dgram_send(int fd, const char *to_path, const void *msg, size_t len)
{
    /* TODO(lab03): one sendto(fd, msg, len, MSG_NOSIGNAL, to, sizeof to)
     * to the address of to_path; retry EINTR. No loop: a datagram goes whole. */
    (void)fd;
    (void)to_path;
    (void)msg;
    (void)len;
    errno = ENOSYS;
    return -1;
}

ssize_t us_dgram_recv(int fd, void *buf, size_t cap)
{
    /* TODO(lab03): n = recv(fd, buf, cap, MSG_TRUNC), retrying EINTR;
     * n > cap means the datagram was cut: EMSGSIZE. */
    (void)fd;
    (void)buf;
    (void)cap;
    errno = ENOSYS;
    return -1;
}

ssize_t us_recv_once(int fd, void *buf, size_t cap)
{
    /* TODO(lab03): exactly one recv(fd, buf, cap, 0), retrying EINTR. */
    (void)fd;
    (void)buf;
    (void)cap;
    errno = ENOSYS;
    return -1;
}
