/*
 * tcp_data.c - lab 04, an alternative correct solution of steps 5, 7 and 8
 * (see tcp_lab.h).
 *
 * Graded by `make test-alternatives`: other loop shapes than the reference.
 * tcp_send_all counts what is sent in a for loop; tcp_recv_exact asks for
 * everything at once with MSG_WAITALL (which still returns short on a
 * signal or at end of stream, so it loops too); tcp_send_frame builds small
 * frames on the stack; tcp_recv_to_mark reads one byte at a time until the
 * mark, so it never relies on recv() stopping there by itself; the urgent
 * byte is received into a local named hidden_byte, a name the grader uses
 * too (such a name must cost nothing).
 */
/* POLLRDHUP (the peer closed its sending half) is a Linux extension of
 * poll(), shown by glibc only with _GNU_SOURCE, which this file alone needs. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "sock_compat.h" /* send(), recv(), poll(), sockatmark(): Linux or WinSock */
#include "tcp_lab.h"
#include "tcp_state.h"
#include "trace.h"

/* ---- 5. send and receive ---------------------------------------------------- */

ssize_t tcp_send_all(int fd, const void *buf, size_t len)
{
    size_t sent;
    for (sent = 0; sent < len;) {
        struct tcp_watch w;
        tcp_watch_begin(&w, fd);
        ssize_t n = send(fd, (const char *)buf + sent, len - sent, MSG_NOSIGNAL);
        trace_call_note("send", n, tcp_watch_end(&w, fd), "fd=%d, %zu bytes [step 5]", fd,
                        len - sent);
        if (n >= 0)
            sent += (size_t)n;
        else if (errno != EINTR)
            return -1;
    }
    return (ssize_t)sent;
}

ssize_t tcp_recv_exact(int fd, void *buf, size_t len)
{
    size_t got = 0;
    for (;;) {
        if (got == len)
            return (ssize_t)got;
        struct tcp_watch w;
        tcp_watch_begin(&w, fd);
        ssize_t n = recv(fd, (char *)buf + got, len - got, MSG_WAITALL);
        trace_call_note("recv", n, tcp_watch_end(&w, fd), "fd=%d, %zu bytes [step 5]", fd,
                        len - got);
        if (n == 0)
            return (ssize_t)got; /* end of stream */
        if (n > 0)
            got += (size_t)n;
        else if (errno != EINTR)
            return -1;
    }
}

ssize_t tcp_send_frame(int fd, const void *msg, size_t len)
{
    if (len < 1 || len > TCP_FRAME_MAX) {
        errno = EMSGSIZE;
        return -1;
    }
    unsigned char small[4 + 512];
    unsigned char *frame = len <= 512 ? small : malloc(4 + len);
    if (frame == NULL)
        return -1;
    frame[0] = (unsigned char)(len >> 24); /* big-endian by hand, as htonl() would */
    frame[1] = (unsigned char)(len >> 16);
    frame[2] = (unsigned char)(len >> 8);
    frame[3] = (unsigned char)len;
    memcpy(frame + 4, msg, len);
    ssize_t sent = tcp_send_all(fd, frame, 4 + len);
    int saved = errno;
    if (frame != small)
        free(frame);
    errno = saved;
    return sent == -1 ? -1 : (ssize_t)len;
}

ssize_t tcp_recv_frame(int fd, void *buf, size_t cap)
{
    uint32_t header;
    ssize_t got = tcp_recv_exact(fd, &header, sizeof header);
    if (got == -1)
        return -1;
    if (got == 0)
        return 0; /* a clean end, between frames */
    if (got < (ssize_t)sizeof header) {
        errno = EPROTO; /* the stream ended inside a header */
        return -1;
    }
    size_t len = ntohl(header);
    if (len == 0) {
        errno = EBADMSG; /* frames hold 1 byte or more: the peer does not speak this protocol */
        return -1;
    }
    if (len > TCP_FRAME_MAX || len > cap) {
        errno = EMSGSIZE; /* never trust a length from the network */
        return -1;
    }
    got = tcp_recv_exact(fd, buf, len);
    if (got == -1)
        return -1;
    if ((size_t)got < len) {
        errno = EPROTO; /* the stream ended inside a body */
        return -1;
    }
    return (ssize_t)len;
}

/* ---- 7. urgent data, sending ------------------------------------------------- */

int tcp_send_urgent(int fd, char byte)
{
    ssize_t n;
    do {
        struct tcp_watch w;
        tcp_watch_begin(&w, fd);
        /* step 7: the byte goes out with the URG flag and the urgent pointer
         * set; the receiver learns at once that it exists. */
        n = send(fd, &byte, 1, MSG_OOB | MSG_NOSIGNAL);
        trace_call_note("send", n, tcp_watch_end(&w, fd), "fd=%d, 1 byte, MSG_OOB [step 7]", fd);
    } while (n == -1 && errno == EINTR);
    return n == -1 ? -1 : 1;
}

/* ---- 8. urgent data, receiving ---------------------------------------------- */

int tcp_urgent_owner(int fd)
{
    struct tcp_watch w;
    tcp_watch_begin(&w, fd);
    /* step 8: handle urgent data. Without an owner the kernel does not
     * know whom to send SIGURG to. */
    int rc = fcntl(fd, F_SETOWN, getpid());
    trace_call_note("fcntl", rc, tcp_watch_end(&w, fd), "fd=%d, F_SETOWN, pid %ld [step 8]", fd,
                    (long)getpid());
    return rc == -1 ? -1 : 0;
}

/* Milliseconds left until deadline_ns, for poll(); -1 (no limit) stays -1. */
static int ms_left(int timeout_ms, uint64_t deadline_ns)
{
    if (timeout_ms < 0)
        return -1;
    uint64_t now = clock_now_ns();
    return now >= deadline_ns ? 0 : (int)((deadline_ns - now + 999999) / 1000000);
}

int tcp_recv_urgent(int fd, char *byte, int timeout_ms)
{
    uint64_t deadline = clock_now_ns() + (uint64_t)(timeout_ms < 0 ? 0 : timeout_ms) * 1000000u;
    struct tcp_watch w;
    /* POLLRDHUP too: a peer that closes without sending urgent data must not
     * keep us waiting for the whole timeout. */
    struct pollfd p = {.fd = fd, .events = POLLPRI | POLLRDHUP};
    int ready;
    do {
        /* step 8: POLLPRI, not POLLIN: urgent data is announced apart from
         * the rest. */
        int wait_ms = ms_left(timeout_ms, deadline);
        tcp_watch_begin(&w, fd);
        ready = poll(&p, 1, wait_ms);
        trace_call_note("poll", ready, tcp_watch_end(&w, fd),
                        "fd=%d, POLLPRI|POLLRDHUP, %d ms [step 8]", fd, wait_ms);
    } while (ready == -1 && errno == EINTR);
    if (ready <= 0)
        return ready; /* 0: nothing urgent in time */
    if (!(p.revents & POLLPRI)) {
        errno = ENODATA; /* the peer closed (or failed) and sent no urgent byte */
        return -1;
    }
    ssize_t n;
    char hidden_byte; /* kept apart from the stream: a name the grader uses too */
    do {
        tcp_watch_begin(&w, fd);
        /* The urgent byte is kept apart from the stream (unless SO_OOBINLINE). */
        n = recv(fd, &hidden_byte, 1, MSG_OOB);
        trace_call_note("recv", n, tcp_watch_end(&w, fd), "fd=%d, 1 byte, MSG_OOB [step 8]", fd);
    } while (n == -1 && errno == EINTR);
    if (n == 0) {
        errno = ENODATA; /* the connection ended with no urgent byte */
        return -1;
    }
    if (n == -1)
        return -1;
    *byte = hidden_byte;
    return 1;
}

ssize_t tcp_recv_to_mark(int fd, void *buf, size_t cap)
{
    size_t got = 0;
    while (got < cap) {
        struct tcp_watch w;
        tcp_watch_begin(&w, fd);
        int at_mark = sockatmark(fd);
        trace_call_note("sockatmark", at_mark, tcp_watch_end(&w, fd), "fd=%d [step 8]", fd);
        if (at_mark != 0)
            return at_mark == 1 ? (ssize_t)got : -1;
        tcp_watch_begin(&w, fd);
        ssize_t n = recv(fd, (char *)buf + got, 1, 0); /* one byte: never past the mark */
        trace_call_note("recv", n, tcp_watch_end(&w, fd), "fd=%d, 1 byte [step 8]", fd);
        if (n == 0)
            break;
        if (n == 1)
            got++;
        else if (errno != EINTR)
            return -1;
    }
    return (ssize_t)got;
}
