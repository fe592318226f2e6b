/*
 * us_fdpass.c - lab 03, part 6: YOUR implementation of us_fdpass.h.
 *
 * Every function below is a TODO(lab03): it sets errno = ENOSYS and
 * returns -1 until you fill it in. man 3 cmsg shows the macros
 * (CMSG_SPACE, CMSG_LEN, CMSG_FIRSTHDR, CMSG_NXTHDR, CMSG_DATA).
 */
#include <errno.h>

#include "trace.h"
#include "us_fdpass.h"

int us_send_fd(int sock, int fd)
{
    /* TODO(lab03): a struct msghdr with one iovec of 1 byte and a control
     * buffer of CMSG_SPACE(sizeof(int)) (in a union with struct cmsghdr, for
     * alignment). One cmsg: SOL_SOCKET, SCM_RIGHTS, CMSG_LEN(sizeof(int)),
     * the fd memcpy'd into CMSG_DATA. sendmsg(sock, &msg, MSG_NOSIGNAL). */
    (void)sock;
    (void)fd;
    errno = ENOSYS;
    return -1;
}

int us_recv_fd(int sock)
{
    /* TODO(lab03): recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) into 1 byte and a
     * control buffer with room for a few descriptors. Collect every
     * descriptor of every SCM_RIGHTS cmsg. Exactly one, and no MSG_CTRUNC
     * in msg.msg_flags: return it. Otherwise (none, several, EOF) close
     * all that arrived and fail with EPROTO. */
    (void)sock;
    errno = ENOSYS;
    return -1;
}

int us_send_file(int sock, const char *path)
{
    /* TODO(lab03): open(path, O_RDONLY | O_CLOEXEC), us_send_fd(), and
     * close your own copy whatever happened. */
    (void)sock;
    (void)path;
    errno = ENOSYS;
    return -1;
}
