/*
 * tcp_data.c - lab 04 reference, steps 5, 7 and 8: sending and receiving,
 * ordinary and urgent (see tcp_lab.h for the contract).
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
    const char *p = buf;
    size_t left = len;
    while (left > 0) {
        struct tcp_watch w;
        tcp_watch_begin(&w, fd);
        trace_call_begin("send", "fd=%d [step 5]", fd);
        /* step 5: send. MSG_NOSIGNAL: if the peer is gone, fail with EPIPE
         * instead of raising SIGPIPE, whose default action would kill us. */
        ssize_t n = send(fd, p, left, MSG_NOSIGNAL);
        trace_call_note("send", n, tcp_watch_end(&w, fd), "fd=%d, %zu bytes [step 5]", fd, left);
        if (n == -1) {
            if (errno == EINTR)
                continue; /* a signal came before any byte went: again */
            return -1;
        }
        p += n; /* a short send is normal: the rest goes next time round */
        left -= (size_t)n;
    }
    return (ssize_t)len;
}

/*
 * One recv() of at most len bytes into buf, traced as part of step `step`,
 * and tried again when a signal interrupts it before any byte came (EINTR).
 * `upto` is how the trace counts the bytes asked for: "" when every one is
 * due, "up to " when fewer is the normal case. Returns what recv() returned:
 * the number of bytes (it may be fewer than asked for), 0 at the end of the
 * stream, or -1 with errno.
 */
static ssize_t traced_recv(int fd, void *buf, size_t len, int step, const char *upto)
{
    ssize_t n;
    do {
        struct tcp_watch w;
        tcp_watch_begin(&w, fd);
        trace_call_begin("recv", "fd=%d [step %d]", fd, step);
        n = recv(fd, buf, len, 0);
        trace_call_note("recv", n, tcp_watch_end(&w, fd), "fd=%d, %s%zu bytes [step %d]", fd, upto,
                        len, step);
    } while (n == -1 && errno == EINTR);
    return n;
}

ssize_t tcp_recv_exact(int fd, void *buf, size_t len)
{
    char *p = buf;
    size_t got = 0;
    while (got < len) {
        /* step 5: receive. It may return fewer bytes than asked for: loop. */
        ssize_t n = traced_recv(fd, p + got, len - got, 5, "");
        if (n == -1)
            return -1;
        if (n == 0)
            break; /* the peer sent FIN: no more bytes will ever come */
        got += (size_t)n;
    }
    return (ssize_t)got;
}

ssize_t tcp_send_frame(int fd, const void *msg, size_t len)
{
    if (len == 0 || len > TCP_FRAME_MAX) {
        errno = EMSGSIZE;
        return -1;
    }
    /* Header and body in one buffer, sent by one tcp_send_all(): two small
     * sends could meet Nagle's algorithm, which holds the second back until
     * the first is acknowledged. */
    unsigned char *frame = malloc(4 + len);
    if (frame == NULL)
        return -1;
    uint32_t header = htonl((uint32_t)len); /* network byte order: big-endian */
    memcpy(frame, &header, 4);
    memcpy(frame + 4, msg, len);
    ssize_t sent = tcp_send_all(fd, frame, 4 + len);
    int saved = errno;
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
        trace_call_begin("send", "fd=%d [step 7]", fd);
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
        trace_call_begin("poll", "fd=%d [step 8]", fd);
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
    do {
        tcp_watch_begin(&w, fd);
        trace_call_begin("recv", "fd=%d [step 8]", fd);
        /* The urgent byte is kept apart from the stream (unless SO_OOBINLINE). */
        n = recv(fd, byte, 1, MSG_OOB);
        trace_call_note("recv", n, tcp_watch_end(&w, fd), "fd=%d, 1 byte, MSG_OOB [step 8]", fd);
    } while (n == -1 && errno == EINTR);
    if (n == 0) {
        errno = ENODATA; /* the connection ended with no urgent byte */
        return -1;
    }
    return n == -1 ? -1 : 1;
}

ssize_t tcp_recv_to_mark(int fd, void *buf, size_t cap)
{
    char *p = buf;
    size_t got = 0;
    while (got < cap) {
        struct tcp_watch w;
        tcp_watch_begin(&w, fd);
        /* 1 when the next byte to read is where the urgent byte was sent. */
        int at_mark = sockatmark(fd);
        trace_call_note("sockatmark", at_mark, tcp_watch_end(&w, fd), "fd=%d [step 8]", fd);
        if (at_mark == -1)
            return -1;
        if (at_mark == 1)
            break;
        /* recv() stops at the mark by itself, so no byte after it is taken. */
        ssize_t n = traced_recv(fd, p + got, cap - got, 8, "up to ");
        if (n == -1)
            return -1;
        if (n == 0)
            break; /* the peer sent FIN: the stream ended before any mark */
        got += (size_t)n;
    }
    return (ssize_t)got;
}
