/*
 * us_fdpass.c - lab 03 reference, part 6 (see us_fdpass.h for the contract).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "trace.h"
#include "us_fdpass.h"

/* Room for one cmsghdr holding one int, aligned as a cmsghdr must be. */
union one_fd_control {
    struct cmsghdr align;
    char buf[CMSG_SPACE(sizeof(int))];
};

/* Room to receive a few descriptors. A sender may put in more than the one
 * we want (alignment alone leaves room for two in the space for one), and
 * every one that arrives is ours to close: none may leak. */
enum { FD_ROOM = 4 };
union fd_room_control {
    struct cmsghdr align;
    char buf[CMSG_SPACE(FD_ROOM * sizeof(int))];
};

/* Copies every descriptor that arrived with msg into fds; returns how many. */
static size_t arrived_fds(struct msghdr *msg, int fds[FD_ROOM])
{
    size_t count = 0;
    for (struct cmsghdr *cm = CMSG_FIRSTHDR(msg); cm != NULL; cm = CMSG_NXTHDR(msg, cm)) {
        if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
            continue;
        size_t n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (size_t i = 0; i < n && count < FD_ROOM; i++)
            memcpy(&fds[count++], CMSG_DATA(cm) + i * sizeof(int), sizeof(int));
    }
    return count;
}

/*
 * The message both ends use: one ordinary byte, *byte (a descriptor rides
 * along with data; a message of no bytes carries none), and room for the
 * descriptors: the control buffer of size bytes, zeroed. The message points
 * into iov, byte and control, so they must outlive it.
 */
static struct msghdr one_byte_message(char *byte, struct iovec *iov, char *control, size_t size)
{
    *iov = (struct iovec){.iov_base = byte, .iov_len = 1};
    memset(control, 0, size);
    return (struct msghdr){
        .msg_iov = iov,
        .msg_iovlen = 1,
        .msg_control = control,
        .msg_controllen = size,
    };
}

int us_send_fd(int sock, int fd)
{
    char byte = 'F'; /* the ordinary data the descriptor rides along with */
    struct iovec iov;
    union one_fd_control control;
    struct msghdr msg = one_byte_message(&byte, &iov, control.buf, sizeof control.buf);
    struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cm), &fd, sizeof fd); /* CMSG_DATA may be unaligned for an int */

    /* Announced first: the receiver wakes as soon as this is sent. */
    trace_call_begin("sendmsg", "fd=%d, 1 byte + SCM_RIGHTS [%d]", sock, fd);
    ssize_t n;
    do {
        n = sendmsg(sock, &msg, MSG_NOSIGNAL);
    } while (n == -1 && errno == EINTR);
    trace_call("sendmsg", n, "fd=%d, 1 byte + SCM_RIGHTS [%d]", sock, fd);
    return n == -1 ? -1 : 0;
}

int us_recv_fd(int sock)
{
    char byte;
    struct iovec iov;
    union fd_room_control control;
    struct msghdr msg = one_byte_message(&byte, &iov, control.buf, sizeof control.buf);
    trace_call_begin("recvmsg", "fd=%d", sock); /* it waits here for the sender */
    ssize_t n;
    do {
        /* MSG_CMSG_CLOEXEC: the new descriptor is not inherited by programs
         * we might exec, like every other descriptor the kit opens. */
        n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
    } while (n == -1 && errno == EINTR);
    if (n == -1)
        return (int)trace_call("recvmsg", n, "fd=%d", sock);

    int fds[FD_ROOM];
    size_t count = arrived_fds(&msg, fds);
    /* MSG_CTRUNC: even more came than we had room for; the kernel dropped those. */
    if (n == 1 && count == 1 && !(msg.msg_flags & MSG_CTRUNC)) {
        trace_call("recvmsg", fds[0], "fd=%d, 1 byte + SCM_RIGHTS -> new fd", sock);
        return fds[0];
    }
    for (size_t i = 0; i < count; i++)
        trace_call("close", close(fds[i]), "fd=%d (not the one descriptor expected)", fds[i]);
    errno = EPROTO;
    return (int)trace_call_note("recvmsg", -1,
                                n == 0 ? "the peer closed" : "not exactly one descriptor",
                                "fd=%d, %zu descriptors", sock, count);
}

int us_send_file(int sock, const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    trace_call("open", fd, "\"%s\", O_RDONLY", path);
    if (fd == -1)
        return -1;
    int rc = us_send_fd(sock, fd);
    int saved = errno;
    /* Our copy can go at once: the message in flight holds its own reference. */
    trace_call("close", close(fd), "fd=%d (ours; the receiver gets its own)", fd);
    errno = saved;
    return rc;
}
