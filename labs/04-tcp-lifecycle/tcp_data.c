/*
 * tcp_data.c - lab 04: YOUR implementation of steps 5, 7 and 8: sending and
 * receiving, ordinary and urgent (see tcp_lab.h for each contract).
 *
 * Every function below is a TODO(lab04) that fails with ENOSYS until you
 * fill it in. Trace each send() and recv() with its state note (see the top
 * of tcp_setup.c), e.g.
 *     trace_call_note("send", n, tcp_watch_end(&w, fd), "fd=%d, %zu bytes [step 5]", fd, left);
 */
#include <errno.h>

#include "tcp_lab.h"
#include "tcp_state.h"
#include "trace.h"

/* ---- 5. send and receive ---------------------------------------------------- */

ssize_t tcp_send_all(int fd, const void *buf, size_t len)
{
    /* TODO(lab04) step 5: loop until len bytes are sent.
     * - send(fd, p, left, MSG_NOSIGNAL): MSG_NOSIGNAL turns SIGPIPE into EPIPE;
     * - it may send fewer bytes than asked: advance and loop;
     * - -1 with EINTR: try again; any other -1: return -1. */
    (void)fd;
    (void)buf;
    (void)len;
    errno = ENOSYS;
    return -1;
}

ssize_t tcp_recv_exact(int fd, void *buf, size_t len)
{
    /* TODO(lab04) step 5: loop on recv() until len bytes, retrying EINTR;
     * recv() returning 0 is the end of the stream: return what you have. */
    (void)fd;
    (void)buf;
    (void)len;
    errno = ENOSYS;
    return -1;
}

ssize_t tcp_send_frame(int fd, const void *msg, size_t len)
{
    /* TODO(lab04) step 5: refuse len 0 or > TCP_FRAME_MAX (EMSGSIZE); malloc
     * 4 + len bytes, put htonl(len) in the first 4 (memcpy), the message
     * after it, tcp_send_all() it once, free it. Return len. */
    (void)fd;
    (void)msg;
    (void)len;
    errno = ENOSYS;
    return -1;
}

ssize_t tcp_recv_frame(int fd, void *buf, size_t cap)
{
    /* TODO(lab04) step 5: tcp_recv_exact() the 4-byte header: 0 bytes is a
     * clean end (return 0), 1 to 3 is EPROTO. ntohl() it; 0 is EBADMSG,
     * above TCP_FRAME_MAX or above cap EMSGSIZE (never trust the network);
     * then tcp_recv_exact() the body: short means EPROTO. */
    (void)fd;
    (void)buf;
    (void)cap;
    errno = ENOSYS;
    return -1;
}

/* ---- 7. urgent data, sending ------------------------------------------------- */

int tcp_send_urgent(int fd, char byte)
{
    /* TODO(lab04) step 7: send(fd, &byte, 1, MSG_OOB | MSG_NOSIGNAL), retry
     * EINTR, return 1. Trace args: "fd=%d, 1 byte, MSG_OOB [step 7]". */
    (void)fd;
    (void)byte;
    errno = ENOSYS;
    return -1;
}

/* ---- 8. urgent data, receiving ---------------------------------------------- */

int tcp_urgent_owner(int fd)
{
    /* TODO(lab04) step 8: fcntl(fd, F_SETOWN, getpid()), traced as "fcntl". */
    (void)fd;
    errno = ENOSYS;
    return -1;
}

int tcp_recv_urgent(int fd, char *byte, int timeout_ms)
{
    /* TODO(lab04) step 8: poll() for POLLPRI | POLLRDHUP with the timeout
     * (retry EINTR; POLLRDHUP needs #define _GNU_SOURCE at the top of
     * this file); 0 ready: return 0; no POLLPRI in revents: the peer
     * closed, ENODATA. Then recv(fd, byte, 1, MSG_OOB): return 1. */
    (void)fd;
    (void)byte;
    (void)timeout_ms;
    errno = ENOSYS;
    return -1;
}

ssize_t tcp_recv_to_mark(int fd, void *buf, size_t cap)
{
    /* TODO(lab04) step 8: loop: sockatmark(fd) == 1 means the next byte is
     * at the urgent mark: stop. Otherwise recv() into what is left of buf
     * (it never reads across the mark); stop at 0 (end) or when buf is full.
     * Return how many bytes you read. */
    (void)fd;
    (void)buf;
    (void)cap;
    errno = ENOSYS;
    return -1;
}
