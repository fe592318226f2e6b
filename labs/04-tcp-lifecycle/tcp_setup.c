/*
 * tcp_setup.c - lab 04: YOUR implementation of steps 1 to 4: allocate,
 * endpoints, initiate, wait (see tcp_lab.h for each contract).
 *
 * Every function below is a TODO(lab04). Until you fill it in, it sets
 * errno = ENOSYS and returns -1, and the grader reports "not implemented
 * yet". README.md walks through the steps. Grade yourself with:
 *     make grade LAB=04
 *
 * Report every system call on a socket like this (tcp_state.h gives you the
 * "state BEFORE -> AFTER" note; the tests and the trace chart read it):
 *
 *     struct tcp_watch w;
 *     tcp_watch_begin(&w, fd);
 *     int rc = listen(fd, backlog);
 *     trace_call_note("listen", rc, tcp_watch_end(&w, fd), "fd=%d, backlog=%d [step 4]", fd,
 *                     backlog);
 *
 * For socket() and accept(), begin with -1 and end with the new descriptor.
 */
#include <errno.h>

#include "tcp_lab.h"
#include "tcp_state.h"
#include "trace.h"

/* ---- 1. allocate --------------------------------------------------------- */

int tcp_socket(int family)
{
    /* TODO(lab04) step 1: socket(family, SOCK_STREAM, IPPROTO_TCP).
     * Trace it as "socket" with args "AF_INET, SOCK_STREAM [step 1]" and
     * return what socket() returned: its -1 and errno are the answer too. */
    (void)family;
    errno = ENOSYS;
    return -1;
}

/* ---- 2. endpoints --------------------------------------------------------- */

int tcp_resolve(const char *host, const char *port, int passive, struct tcp_endpoint *out,
                size_t max)
{
    /* TODO(lab04) step 2: check that port is 1 to 5 digits worth at most
     * 65535 (EINVAL otherwise: getaddrinfo() would take "99999"), then
     * getaddrinfo(host, port) with the hints AF_UNSPEC, SOCK_STREAM,
     * IPPROTO_TCP and AI_NUMERICSERV (plus AI_PASSIVE when passive).
     * Copy up to max addresses into out (memcpy ai_addr, ai_addrlen), call
     * freeaddrinfo(), and return the count. getaddrinfo() reports EAI_*
     * codes, not errno: EAI_NONAME -> ENOENT, EAI_AGAIN -> EAGAIN,
     * EAI_SYSTEM -> errno as it is (gai_strerror() explains a code). */
    (void)host;
    (void)port;
    (void)passive;
    (void)out;
    (void)max;
    errno = ENOSYS;
    return -1;
}

int tcp_bind(int fd, const struct tcp_endpoint *ep)
{
    /* TODO(lab04) step 2: setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, 1), then
     * bind(fd, &ep->addr, ep->len). Trace both ("setsockopt" with
     * "fd=%d, SO_REUSEADDR=1 [step 2]", "bind" with "fd=%d, 127.0.0.1:0
     * [step 2]": tcp_endpoint_text() writes the address). */
    (void)fd;
    (void)ep;
    errno = ENOSYS;
    return -1;
}

int tcp_local_port(int fd)
{
    /* TODO(lab04) step 2: getsockname() into a struct tcp_endpoint (set its
     * len to sizeof addr first), then tcp_endpoint_port(). */
    (void)fd;
    errno = ENOSYS;
    return -1;
}

/* ---- 3. initiate (client) --------------------------------------------------- */

int tcp_connect(int fd, const struct tcp_endpoint *ep, int timeout_ms)
{
    /* TODO(lab04) step 3: a connect that never waits longer than timeout_ms.
     * - flags = fcntl(fd, F_GETFL); fcntl(fd, F_SETFL, flags | O_NONBLOCK);
     * - connect(): 0 means connected already; -1 with EINPROGRESS means the
     *   SYN is out; any other error is the answer;
     * - poll() for POLLOUT with the timeout (retry EINTR with the time
     *   left, see clock_now_ns() in common/clock.h); 0 ready: ETIMEDOUT;
     * - getsockopt(fd, SOL_SOCKET, SO_ERROR) gives the handshake's outcome
     *   (0, or e.g. ECONNREFUSED): put it in errno;
     * - fcntl(fd, F_SETFL, flags) to make fd blocking again, every time. */
    (void)fd;
    (void)ep;
    (void)timeout_ms;
    errno = ENOSYS;
    return -1;
}

/* ---- 4. wait (server) ---------------------------------------------------------- */

int tcp_listen(int fd, int backlog)
{
    /* TODO(lab04) step 4: listen(fd, backlog), traced (see the top). */
    (void)fd;
    (void)backlog;
    errno = ENOSYS;
    return -1;
}

int tcp_accept(int fd, struct tcp_endpoint *peer)
{
    /* TODO(lab04) step 4: accept(fd, NULL, NULL) in a loop that tries again
     * after EINTR and ECONNABORTED. Then getpeername() on the new socket
     * into *peer (when not NULL); if that fails (the client already left),
     * zero *peer, set its family to AF_UNSPEC, and still return the socket. */
    (void)fd;
    (void)peer;
    errno = ENOSYS;
    return -1;
}

/* ---- 1 + 2 + 4 and 1 + 2 + 3 together --------------------------------------- */

int tcp_open_server(const char *host, const char *port, int backlog)
{
    /* TODO(lab04): tcp_resolve(host, port, passive) into a small array; for
     * each endpoint: tcp_socket(its ss_family), tcp_bind, tcp_listen; return
     * the first socket that listens. Close the ones that failed (keep errno). */
    (void)host;
    (void)port;
    (void)backlog;
    errno = ENOSYS;
    return -1;
}

int tcp_open_client(const char *host, const char *port, int timeout_ms)
{
    /* TODO(lab04): tcp_resolve(host, port, active); for each endpoint:
     * tcp_socket, tcp_connect; return the first connected socket. A socket
     * whose connect failed cannot try again: close it (keep errno). */
    (void)host;
    (void)port;
    (void)timeout_ms;
    errno = ENOSYS;
    return -1;
}
