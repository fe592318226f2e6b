/*
 * us_dgram.c - lab 03 reference, part 3 (see us_dgram.h for the contract).
 */
#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

#include "trace.h"
#include "us_dgram.h"
#include "us_socket.h"

int us_dgram_open(const char *path)
{
    struct sockaddr_un addr;
    if (path != NULL && us_address(&addr, path) == -1)
        return -1;
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    trace_call("socket", fd, "AF_UNIX, SOCK_DGRAM");
    if (fd == -1 || path == NULL)
        return fd;
    int rc = bind(fd, (struct sockaddr *)&addr, sizeof addr);
    trace_call("bind", rc, "fd=%d, \"%s\"", fd, path);
    if (rc == -1) {
        int saved = errno;
        trace_call("close", close(fd), "fd=%d", fd);
        errno = saved;
        return -1;
    }
    return fd;
}

ssize_t us_dgram_send(int fd, const char *to_path, const void *msg, size_t len)
{
    struct sockaddr_un to;
    if (us_address(&to, to_path) == -1)
        return -1;
    /* One sendto() is one datagram: it goes whole or not at all, so there
     * is no short count to loop on. */
    ssize_t n;
    do {
        n = sendto(fd, msg, len, MSG_NOSIGNAL, (struct sockaddr *)&to, sizeof to);
    } while (n == -1 && errno == EINTR);
    trace_call("sendto", n, "fd=%d, %zu bytes, to \"%s\"", fd, len, to_path);
    return n;
}

ssize_t us_dgram_recv(int fd, void *buf, size_t cap)
{
    /* MSG_TRUNC makes recv() return the datagram's real length even when
     * only cap bytes of it fit in buf: the only way to notice the loss. */
    ssize_t n;
    do {
        n = recv(fd, buf, cap, MSG_TRUNC);
    } while (n == -1 && errno == EINTR);
    if (n > (ssize_t)cap) {
        trace_call_note("recv", n, "truncated: the rest is lost", "fd=%d, up to %zu bytes", fd,
                        cap);
        errno = EMSGSIZE;
        return -1;
    }
    trace_call("recv", n, "fd=%d, up to %zu bytes", fd, cap);
    return n;
}

ssize_t us_recv_once(int fd, void *buf, size_t cap)
{
    ssize_t n;
    do {
        n = recv(fd, buf, cap, 0);
    } while (n == -1 && errno == EINTR);
    trace_call("recv", n, "fd=%d, up to %zu bytes", fd, cap);
    return n;
}
