/*
 * sock_win.c - the WinSock calls behind sock_compat.h on Windows (see
 * sock_win.h): each is the WinSock call, with its WSA error copied to errno
 * so lab 04's contract ("-1 with errno") holds on both systems.
 */
#define SOCK_WIN_IMPL /* the real WinSock names here, not the wrappers' */
#include "sock_compat.h"

#include <limits.h>
#include <stdarg.h>

/* Called right after a WinSock call failed: the lab reads errno. */
static int failed(void)
{
    errno = WSAGetLastError();
    return -1;
}

/* A SOCKET kept in an int: sign-extending gives the handle back (see sock_win.h). */
static SOCKET handle(int fd)
{
    return (SOCKET)(intptr_t)fd;
}

int sock_startup(void)
{
    WSADATA data;
    int rc = WSAStartup(MAKEWORD(2, 2), &data); /* returns the error; no WSAGetLastError yet */
    if (rc != 0) {
        errno = rc;
        return -1;
    }
    return 0;
}

void sock_cleanup(void)
{
    WSACleanup();
}

int sockw_socket(int family, int type, int protocol)
{
    SOCKET s = socket(family, type, protocol);
    if (s == INVALID_SOCKET)
        return failed();
    return (int)s;
}

int sockw_bind(int fd, const struct sockaddr *addr, socklen_t len)
{
    return bind(handle(fd), addr, len) == SOCKET_ERROR ? failed() : 0;
}

int sockw_listen(int fd, int backlog)
{
    return listen(handle(fd), backlog) == SOCKET_ERROR ? failed() : 0;
}

int sockw_accept(int fd, struct sockaddr *addr, socklen_t *len)
{
    SOCKET s = accept(handle(fd), addr, len);
    if (s == INVALID_SOCKET)
        return failed();
    return (int)s;
}

int sockw_connect(int fd, const struct sockaddr *addr, socklen_t len)
{
    return connect(handle(fd), addr, len) == SOCKET_ERROR ? failed() : 0;
}

int sockw_getsockname(int fd, struct sockaddr *addr, socklen_t *len)
{
    return getsockname(handle(fd), addr, len) == SOCKET_ERROR ? failed() : 0;
}

int sockw_getpeername(int fd, struct sockaddr *addr, socklen_t *len)
{
    return getpeername(handle(fd), addr, len) == SOCKET_ERROR ? failed() : 0;
}

int sockw_setsockopt(int fd, int level, int name, const void *value, socklen_t len)
{
    if (level == SOL_SOCKET && (name == SO_RCVTIMEO || name == SO_SNDTIMEO) &&
        len == sizeof(struct timeval)) {
        const struct timeval *tv = value;
        DWORD ms = (DWORD)(tv->tv_sec * 1000 + tv->tv_usec / 1000);
        return setsockopt(handle(fd), level, name, (const char *)&ms, sizeof ms) == SOCKET_ERROR
                   ? failed()
                   : 0;
    }
    return setsockopt(handle(fd), level, name, value, len) == SOCKET_ERROR ? failed() : 0;
}

int sockw_getsockopt(int fd, int level, int name, void *value, socklen_t *len)
{
    return getsockopt(handle(fd), level, name, value, len) == SOCKET_ERROR ? failed() : 0;
}

/* What F_SETFL last set, per socket (further down). */
static u_long nonblocking_of(int fd, int set, u_long value);

/* MSG_DONTWAIT: non-blocking for one call (on = 1), then as before (on = 0). */
static int dont_wait(int fd, int flags, u_long on)
{
    if (!(flags & MSG_DONTWAIT) || nonblocking_of(fd, 0, 0))
        return 0; /* not asked for, or the socket never waits anyway */
    return ioctlsocket(handle(fd), FIONBIO, &on) == SOCKET_ERROR ? failed() : 0;
}

ssize_t sockw_send(int fd, const void *buf, size_t len, int flags)
{
    if (dont_wait(fd, flags, 1) == -1)
        return -1;
    int n = send(handle(fd), buf, len > INT_MAX ? INT_MAX : (int)len, flags & ~MSG_DONTWAIT);
    int err = WSAGetLastError();
    dont_wait(fd, flags, 0);
    if (n == SOCKET_ERROR) {
        errno = err;
        return -1;
    }
    return n;
}

/*
 * Wine (8.0) shows a reset as the end of the stream: its server takes the
 * socket's pending error (ECONNRESET) while watching the socket, so recv()
 * says 0, as after a FIN. WSAPoll() still tells them apart: POLLERR comes
 * only with the reset. On Windows itself recv() has already failed with
 * WSAECONNRESET, so this is asked only after a 0, where it changes nothing.
 */
static int reset_seen_as_end(int fd)
{
    WSAPOLLFD p = {.fd = handle(fd), .events = POLLRDNORM};
    return WSAPoll(&p, 1, 0) == 1 && (p.revents & POLLERR) != 0;
}

ssize_t sockw_recv(int fd, void *buf, size_t len, int flags)
{
    if (dont_wait(fd, flags, 1) == -1)
        return -1;
    int n = recv(handle(fd), buf, len > INT_MAX ? INT_MAX : (int)len, flags & ~MSG_DONTWAIT);
    int err = WSAGetLastError();
    dont_wait(fd, flags, 0);
    if (n == SOCKET_ERROR) {
        errno = err;
        return -1;
    }
    if (n == 0 && len > 0 && reset_seen_as_end(fd)) {
        errno = WSAECONNRESET;
        return -1;
    }
    return n;
}

int sockw_shutdown(int fd, int how)
{
    return shutdown(handle(fd), how) == SOCKET_ERROR ? failed() : 0;
}

int sockw_closesocket(int fd)
{
    nonblocking_of(fd, 1, 0); /* forget it: the handle may come back for another socket */
    return closesocket(handle(fd)) == SOCKET_ERROR ? failed() : 0;
}

/* Readable because the peer closed its sending half? Peeks, takes nothing. */
static int peer_closed(SOCKET s)
{
    char byte;
    return recv(s, &byte, 1, MSG_PEEK) == 0;
}

/*
 * poll() through select(), for sets that ask for POLLPRI or POLLRDHUP: urgent
 * data shows in exceptfds, and so does a connect() that failed. A peer's FIN
 * shows only as "readable", like ordinary data. So when select() wakes for
 * data that nobody asked for (POLLRDHUP alone, the peer still sending),
 * poll() must not return 0 early, which means "the time ran out": that
 * descriptor stops being watched for reading (its FIN cannot be seen behind
 * unread data anyway) and select() waits again for what is left of the time.
 * Found under load, when the data and the urgent byte arrived apart.
 */
static int poll_by_select(struct pollfd *fds, size_t count, int timeout_ms)
{
    char data_pending[FD_SETSIZE] = {0}; /* woke us, but only POLLRDHUP was asked */
    ULONGLONG deadline = GetTickCount64() + (ULONGLONG)(timeout_ms < 0 ? 0 : timeout_ms);
    for (;;) {
        fd_set rd, wr, ex;
        FD_ZERO(&rd);
        FD_ZERO(&wr);
        FD_ZERO(&ex);
        for (size_t i = 0; i < count; i++) {
            if (fds[i].fd == INVALID_SOCKET)
                continue; /* like poll(): a negative descriptor is skipped */
            if (i >= FD_SETSIZE) {
                errno = WSAEINVAL;
                return -1;
            }
            if ((fds[i].events & POLLIN) || ((fds[i].events & POLLRDHUP) && !data_pending[i]))
                FD_SET(fds[i].fd, &rd);
            if (fds[i].events & POLLOUT)
                FD_SET(fds[i].fd, &wr);
            FD_SET(fds[i].fd, &ex);
        }
        ULONGLONG now = GetTickCount64();
        ULONGLONG left = now < deadline ? deadline - now : 0;
        struct timeval tv = {.tv_sec = (long)(left / 1000), .tv_usec = (long)(left % 1000) * 1000};
        /* The first argument is ignored by WinSock; it exists for BSD compatibility. */
        int n = select(0, &rd, &wr, &ex, timeout_ms < 0 ? NULL : &tv);
        if (n == SOCKET_ERROR)
            return failed();
        int ready = 0;
        for (size_t i = 0; i < count; i++) {
            fds[i].revents = 0;
            if (fds[i].fd == INVALID_SOCKET)
                continue;
            if (FD_ISSET(fds[i].fd, &rd) && (fds[i].events & POLLIN))
                fds[i].revents |= POLLIN;
            if (FD_ISSET(fds[i].fd, &rd) && (fds[i].events & POLLRDHUP)) {
                if (peer_closed(fds[i].fd))
                    fds[i].revents |= POLLRDHUP;
                else if (!(fds[i].events & POLLIN))
                    data_pending[i] = 1;
            }
            if (FD_ISSET(fds[i].fd, &wr))
                fds[i].revents |= POLLOUT;
            if (FD_ISSET(fds[i].fd, &ex))
                fds[i].revents |= (fds[i].events & POLLPRI) ? POLLPRI : POLLERR;
            if (fds[i].revents != 0)
                ready++;
        }
        if (ready > 0 || n == 0)
            return ready; /* something asked for, or the time ran out */
    }
}

int sockw_poll(struct pollfd *fds, size_t count, int timeout_ms)
{
    for (size_t i = 0; i < count; i++) {
        if (fds[i].events & (POLLPRI | POLLRDHUP))
            return poll_by_select(fds, count, timeout_ms);
    }
    int n = WSAPoll(fds, (ULONG)count, timeout_ms);
    return n == SOCKET_ERROR ? failed() : n;
}

int sockw_sockatmark(int fd)
{
    u_long no_urgent_waiting = 0;
    if (ioctlsocket(handle(fd), SIOCATMARK, &no_urgent_waiting) == SOCKET_ERROR)
        return failed();
    return no_urgent_waiting ? 1 : 0;
}

/*
 * What F_SETFL last set per socket; WinSock has no way to read it back.
 * Only non-blocking sockets are listed (blocking is how a socket starts),
 * and closesocket() takes a socket off, so a new socket that gets the same
 * handle starts blocking, as it should. set: 1 to record value, 0 to ask.
 */
static u_long nonblocking_of(int fd, int set, u_long value)
{
    static int listed[64]; /* 0: a free slot (no socket handle is 0) */
    size_t free_slot = sizeof listed / sizeof listed[0];
    for (size_t i = 0; i < sizeof listed / sizeof listed[0]; i++) {
        if (listed[i] == fd) {
            if (set && !value)
                listed[i] = 0;
            return set ? value : 1;
        }
        if (listed[i] == 0 && free_slot == sizeof listed / sizeof listed[0])
            free_slot = i;
    }
    if (set && value && free_slot < sizeof listed / sizeof listed[0])
        listed[free_slot] = fd;
    return set ? value : 0;
}

int sockw_fcntl(int fd, int cmd, ...)
{
    va_list ap;
    va_start(ap, cmd);
    int arg = cmd == F_GETFL ? 0 : va_arg(ap, int);
    va_end(ap);
    switch (cmd) {
    case F_GETFL:
        return nonblocking_of(fd, 0, 0) ? O_NONBLOCK : 0;
    case F_SETFL: {
        u_long on = (arg & O_NONBLOCK) != 0;
        if (ioctlsocket(handle(fd), FIONBIO, &on) == SOCKET_ERROR)
            return failed();
        nonblocking_of(fd, 1, on);
        return 0;
    }
    case F_SETOWN:
        return 0; /* nothing to own: Windows sends no SIGURG */
    default:
        errno = WSAEINVAL;
        return -1;
    }
}
