/*
 * tcp_teardown.c - lab 04, an alternative correct solution of steps 9 to 13
 * (see tcp_lab.h). Graded by `make test-alternatives`.
 *
 * The reference's code, except that tcp_wait_peer_close() reads with read(),
 * traced as "read": on a connected socket read() is recv() without flags, and
 * the tests accept either name for the job (tests/grader, trace_call_is).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h> /* read(): this file is for Linux only */

#include "clock.h"
#include "err.h"
#include "sock_compat.h" /* shutdown(), closesocket(), poll(): Linux or WinSock */
#include "tcp_lab.h"
#include "tcp_state.h"
#include "trace.h"

/* ---- 9. graceful termination -------------------------------------------------- */

int tcp_shutdown_write(int fd)
{
    struct tcp_watch w;
    tcp_watch_begin(&w, fd);
    /* step 9: FIN goes out after any data still queued; we can still read.
     * SHUT_WR is SD_SEND in WinSock. */
    int rc = shutdown(fd, SHUT_WR);
    trace_call_note("shutdown", rc, tcp_watch_end(&w, fd), "fd=%d, SHUT_WR [step 9]", fd);
    return rc;
}

/* ---- 10. termination by the remote side ---------------------------------------- */

/* Milliseconds left until deadline_ns, for poll(); -1 (no limit) stays -1. */
static int ms_left(int timeout_ms, uint64_t deadline_ns)
{
    if (timeout_ms < 0)
        return -1;
    uint64_t now = clock_now_ns();
    return now >= deadline_ns ? 0 : (int)((deadline_ns - now + 999999) / 1000000);
}

ssize_t tcp_wait_peer_close(int fd, int timeout_ms)
{
    uint64_t deadline = clock_now_ns() + (uint64_t)(timeout_ms < 0 ? 0 : timeout_ms) * 1000000u;
    size_t discarded = 0;
    char buf[4096];
    for (;;) {
        int wait_ms = ms_left(timeout_ms, deadline);
        struct tcp_watch w;
        tcp_watch_begin(&w, fd);
        int ready = poll(&(struct pollfd){.fd = fd, .events = POLLIN}, 1, wait_ms);
        trace_call_note("poll", ready, tcp_watch_end(&w, fd), "fd=%d, POLLIN, %d ms [step 10]", fd,
                        wait_ms);
        if (ready == -1 && errno == EINTR)
            continue;
        if (ready == -1)
            return -1;
        if (ready == 0) {
            errno = ETIMEDOUT; /* the peer keeps its side open */
            return -1;
        }
        tcp_watch_begin(&w, fd);
        /* step 10: the remote side's termination shows as read() = 0. */
        ssize_t n = read(fd, buf, sizeof buf);
        trace_call_note("read", n, tcp_watch_end(&w, fd), "fd=%d, up to %zu bytes [step 10]", fd,
                        sizeof buf);
        if (n == -1 && errno == EINTR)
            continue;
        if (n == -1)
            return -1; /* ECONNRESET: the peer aborted instead */
        if (n == 0)
            return (ssize_t)discarded; /* recv() = 0 is the peer's FIN */
        discarded += (size_t)n;
    }
}

/* ---- 11. abort ------------------------------------------------------------------- */

int tcp_abort(int fd)
{
    struct tcp_watch w;
    /* step 11: abort. Linger on, for 0 seconds: close() drops unsent data
     * and sends RST. */
    struct linger linger = {.l_onoff = 1, .l_linger = 0};
    tcp_watch_begin(&w, fd);
    int rc = setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, sizeof linger);
    trace_call_note("setsockopt", rc, tcp_watch_end(&w, fd), "fd=%d, SO_LINGER {1, 0} [step 11]",
                    fd);
    int linger_errno = errno;
    tcp_watch_begin(&w, fd);
    int closed = closesocket(fd); /* released in every case: the caller must not close it again */
    trace_call_note("close", closed, tcp_watch_end(&w, fd), "fd=%d [step 11]", fd);
    if (rc == -1) {
        errno = linger_errno;
        return -1;
    }
    return closed;
}

/* ---- 12. errors ------------------------------------------------------------------- */

/* What to try, for the errors this lab's steps meet; NULL for the others. */
static const char *lab_hint(int err)
{
    switch (err) {
    case EADDRINUSE:
        return "another socket already uses this address and port: choose another port, or "
               "port 0 and let the kernel pick one (getsockname() tells which); a restarted "
               "server sets SO_REUSEADDR before bind() so its old TIME_WAIT connections do "
               "not block it";
    case ECONNREFUSED:
        return "nothing is listening on that address and port (the peer answered SYN with "
               "RST): start the server first, check the host and port, and that it called "
               "listen()";
    case ETIMEDOUT:
        return "no answer within the timeout: the host may be down or the address wrong, a "
               "firewall may drop the packets, or the server's listen backlog is full";
    case EINVAL:
        return "the socket is in the wrong state for this call: accept() needs listen() "
               "first, listen() and bind() need a socket that is not connected or bound yet";
    case ECONNRESET:
        return "the peer aborted the connection (RST): it closed with SO_LINGER {1, 0}, "
               "crashed, or closed with data it had not read";
    case EPIPE:
        return "the connection is closed for sending: stop sending once recv() returned 0 or "
               "a send failed (MSG_NOSIGNAL turned the SIGPIPE into this error)";
    case EAFNOSUPPORT:
        return "this address family is not available here (is IPv6 disabled?); try 127.0.0.1";
    default:
        return NULL;
    }
}

int tcp_describe_error(char *buf, size_t size, const char *what, int err)
{
    if (buf == NULL || size == 0 || what == NULL) {
        errno = EINVAL;
        return -1;
    }
    /* step 12: handle errors. The lab's own hints first, then the kit's
     * general ones. */
    const char *hint = lab_hint(err);
    if (hint == NULL)
        hint = errno_hint(err);
    if (hint != NULL)
        return snprintf(buf, size, "%s: %s (%s)\n  hint: %s", what, errno_name(err), strerror(err),
                        hint);
    return snprintf(buf, size, "%s: %s (%s)", what, errno_name(err), strerror(err));
}

/* ---- 13. release --------------------------------------------------------------- */

int tcp_close(int fd)
{
    struct tcp_watch w;
    tcp_watch_begin(&w, fd);
    /* step 13: release. Never retried: the descriptor is gone even after
     * EINTR. closesocket() is close() on Linux (sock_compat.h). */
    int rc = closesocket(fd);
    trace_call_note("close", rc, tcp_watch_end(&w, fd), "fd=%d [step 13]", fd);
    return rc;
}

int tcp_close_gracefully(int fd, int timeout_ms)
{
    int failed = 0;
    if (tcp_shutdown_write(fd) == -1)
        failed = errno; /* ENOTCONN: the peer has reset it already; just close */
    else if (tcp_wait_peer_close(fd, timeout_ms) == -1)
        failed = errno;
    if (tcp_close(fd) == -1 && failed == 0)
        failed = errno;
    if (failed != 0) {
        errno = failed;
        return -1;
    }
    return 0;
}
