/*
 * tcp_setup.c - lab 04 reference, steps 1 to 4: allocate, endpoints,
 * initiate, wait (see tcp_lab.h for the contract).
 *
 * Every call on a socket is wrapped the same way, so the trace shows what it
 * did to the TCP state:
 *     tcp_watch_begin(&w, fd);  CALL;  trace_call_note("call", rc, tcp_watch_end(&w, fd), ...);
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "err.h"
#include "sock_compat.h" /* socket(), getaddrinfo(), poll(), fcntl(): Linux or WinSock */
#include "tcp_lab.h"
#include "tcp_state.h"
#include "trace.h"

/* ---- 1. allocate --------------------------------------------------------- */

int tcp_socket(int family)
{
    char name[32];
    if (family == AF_INET || family == AF_INET6)
        snprintf(name, sizeof name, "%s", family == AF_INET ? "AF_INET" : "AF_INET6");
    else
        snprintf(name, sizeof name, "family %d", family);
    struct tcp_watch w;
    tcp_watch_begin(&w, -1);
    /* step 1: allocate. The kernel creates the socket (CLOSED) and gives us
     * the lowest free descriptor; WinSock returns INVALID_SOCKET instead of -1. */
    int fd = socket(family, SOCK_STREAM, IPPROTO_TCP);
    trace_call_note("socket", fd, tcp_watch_end(&w, fd), "%s, SOCK_STREAM [step 1]", name);
    return fd;
}

/* ---- 2. endpoints --------------------------------------------------------- */

/* getaddrinfo() reports its own EAI_* codes; the lab reports errno. */
static int errno_from_gai(int gai_error)
{
    switch (gai_error) {
    case EAI_SYSTEM:
        return errno; /* the system call that failed set it */
    case EAI_AGAIN:
        return EAGAIN;
    case EAI_MEMORY:
        return ENOMEM;
    case EAI_FAMILY:
        return EAFNOSUPPORT;
    case EAI_SERVICE:
        return EINVAL;
    default:
        return ENOENT; /* EAI_NONAME and friends: no such host */
    }
}

/* A port is 1 to 5 digits with a value up to 65535. getaddrinfo() alone
 * would take "99999" and quietly use 99999 % 65536. */
static int valid_port(const char *port)
{
    size_t len = strlen(port);
    if (len == 0 || len > 5 || strspn(port, "0123456789") != len)
        return 0;
    return atol(port) <= 65535; /* five digits always fit in a long */
}

int tcp_resolve(const char *host, const char *port, int passive, struct tcp_endpoint *out,
                size_t max)
{
    if (host == NULL || port == NULL || out == NULL || max == 0 || !valid_port(port)) {
        errno = EINVAL;
        return -1;
    }
    /* step 2: endpoints. AF_UNSPEC: whatever families the host has, so the
     * same code serves "127.0.0.1", "::1" and "localhost". */
    struct addrinfo hints = {
        .ai_family = AF_UNSPEC,
        .ai_socktype = SOCK_STREAM,
        .ai_protocol = IPPROTO_TCP,
        .ai_flags = AI_NUMERICSERV | (passive ? AI_PASSIVE : 0),
    };
    struct addrinfo *list;
    int gai = getaddrinfo(host, port, &hints, &list);
    if (gai != 0) {
        errno = errno_from_gai(gai);
        trace_call_note("getaddrinfo", -1, gai_strerror(gai), "%s, port %s [step 2]", host, port);
        return -1;
    }
    size_t count = 0;
    for (const struct addrinfo *ai = list; ai != NULL && count < max; ai = ai->ai_next) {
        if (ai->ai_addrlen > sizeof out[count].addr)
            continue;
        memcpy(&out[count].addr, ai->ai_addr, ai->ai_addrlen);
        out[count].len = ai->ai_addrlen;
        count++;
    }
    freeaddrinfo(list); /* we keep copies, so the list can go now */
    char first[TCP_ENDPOINT_TEXT_MAX] = "none";
    if (count > 0)
        tcp_endpoint_text(&out[0], first, sizeof first);
    trace_call("getaddrinfo", (long)count, "%s, port %s -> %s%s [step 2]", host, port, first,
               count > 1 ? " ..." : "");
    if (count == 0) {
        errno = EAFNOSUPPORT;
        return -1;
    }
    return (int)count;
}

int tcp_bind(int fd, const struct tcp_endpoint *ep)
{
    char text[TCP_ENDPOINT_TEXT_MAX];
    tcp_endpoint_text(ep, text, sizeof text);
    struct tcp_watch w;
    /* Without SO_REUSEADDR a restarted server could not bind its port while
     * connections of its last run sit in TIME_WAIT. It does not let two
     * sockets listen on one port. */
    int on = 1;
    tcp_watch_begin(&w, fd);
    int rc = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    trace_call_note("setsockopt", rc, tcp_watch_end(&w, fd), "fd=%d, SO_REUSEADDR=1 [step 2]", fd);
    if (rc == -1)
        return -1;
    tcp_watch_begin(&w, fd);
    rc = bind(fd, (const struct sockaddr *)&ep->addr, ep->len);
    trace_call_note("bind", rc, tcp_watch_end(&w, fd), "fd=%d, %s [step 2]", fd, text);
    return rc;
}

int tcp_local_port(int fd)
{
    struct tcp_endpoint local = {.len = sizeof local.addr};
    struct tcp_watch w;
    tcp_watch_begin(&w, fd);
    int rc = getsockname(fd, (struct sockaddr *)&local.addr, &local.len);
    char text[TCP_ENDPOINT_TEXT_MAX] = "?";
    if (rc == 0)
        tcp_endpoint_text(&local, text, sizeof text);
    trace_call_note("getsockname", rc, tcp_watch_end(&w, fd), "fd=%d -> %s [step 2]", fd, text);
    if (rc == -1)
        return -1;
    return tcp_endpoint_port(&local);
}

/* ---- 3. initiate (client) --------------------------------------------------- */

/* Milliseconds left until deadline_ns, for poll(); -1 (no limit) stays -1. */
static int ms_left(int timeout_ms, uint64_t deadline_ns)
{
    if (timeout_ms < 0)
        return -1;
    uint64_t now = clock_now_ns();
    return now >= deadline_ns ? 0 : (int)((deadline_ns - now + 999999) / 1000000);
}

/* After connect() said EINPROGRESS: wait for the handshake, then ask how it went. */
static int finish_connect(int fd, int timeout_ms)
{
    uint64_t deadline = clock_now_ns() + (uint64_t)(timeout_ms < 0 ? 0 : timeout_ms) * 1000000u;
    struct tcp_watch w;
    struct pollfd p = {.fd = fd, .events = POLLOUT};
    int ready;
    do {
        /* Writable means the handshake is over, one way or the other. */
        int wait_ms = ms_left(timeout_ms, deadline);
        tcp_watch_begin(&w, fd);
        ready = poll(&p, 1, wait_ms);
        trace_call_note("poll", ready, tcp_watch_end(&w, fd), "fd=%d, POLLOUT, %d ms [step 3]", fd,
                        wait_ms);
    } while (ready == -1 && errno == EINTR);
    if (ready == -1)
        return -1;
    if (ready == 0) {
        errno = ETIMEDOUT; /* no SYN-ACK in time: no answer at all */
        return -1;
    }
    int err = 0;
    socklen_t len = sizeof err;
    tcp_watch_begin(&w, fd);
    int rc = getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
    trace_call_note("getsockopt", rc, tcp_watch_end(&w, fd), "fd=%d, SO_ERROR -> %s [step 3]", fd,
                    err ? errno_name(err) : "0");
    if (rc == -1)
        return -1;
    if (err != 0) {
        errno = err; /* ECONNREFUSED: the peer answered our SYN with RST */
        return -1;
    }
    return 0;
}

int tcp_connect(int fd, const struct tcp_endpoint *ep, int timeout_ms)
{
    char text[TCP_ENDPOINT_TEXT_MAX];
    tcp_endpoint_text(ep, text, sizeof text);
    /* A blocking connect() may wait minutes for an answer that never comes
     * (the kernel retries the SYN about six times). Non-blocking, we choose. */
    int flags = fcntl(fd, F_GETFL);
    if (flags == -1 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) == -1)
        return -1;
    struct tcp_watch w;
    tcp_watch_begin(&w, fd);
    trace_call_begin("connect", "fd=%d [step 3]", fd);
    /* step 3: initiate. Sends SYN; the state goes CLOSED -> SYN_SENT. */
    int rc = connect(fd, (const struct sockaddr *)&ep->addr, ep->len);
    trace_call_note("connect", rc, tcp_watch_end(&w, fd), "fd=%d, %s [step 3]", fd, text);
    if (rc == -1 && errno == EINPROGRESS)
        rc = finish_connect(fd, timeout_ms);
    int saved = errno;
    if (fcntl(fd, F_SETFL, flags) == -1 && rc == 0)
        return -1;
    errno = saved;
    return rc;
}

/* ---- 4. wait (server) ---------------------------------------------------------- */

int tcp_listen(int fd, int backlog)
{
    struct tcp_watch w;
    tcp_watch_begin(&w, fd);
    /* step 4: wait. From now on the kernel answers SYNs on this port itself
     * and queues the finished connections for accept(). */
    int rc = listen(fd, backlog);
    trace_call_note("listen", rc, tcp_watch_end(&w, fd), "fd=%d, backlog=%d [step 4]", fd, backlog);
    return rc;
}

int tcp_accept(int fd, struct tcp_endpoint *peer)
{
    struct tcp_watch w;
    int conn;
    for (;;) {
        tcp_watch_begin(&w, -1);
        trace_call_begin("accept", "fd=%d [step 4]", fd);
        conn = accept(fd, NULL, NULL);
        trace_call_note("accept", conn, tcp_watch_end(&w, conn), "fd=%d [step 4]", fd);
        if (conn != -1)
            break;
        /* A signal, or a client that gave up while queued: not our failure. */
        if (errno != EINTR && errno != ECONNABORTED)
            return -1;
    }
    struct tcp_endpoint who = {.len = sizeof who.addr};
    tcp_watch_begin(&w, conn);
    int rc = getpeername(conn, (struct sockaddr *)&who.addr, &who.len);
    char text[TCP_ENDPOINT_TEXT_MAX] = "?";
    if (rc == 0)
        tcp_endpoint_text(&who, text, sizeof text);
    trace_call_note("getpeername", rc, tcp_watch_end(&w, conn), "fd=%d -> %s [step 4]", conn, text);
    if (rc == -1) {
        /* ENOTCONN: the client reset the connection already. The socket is
         * still ours; its first recv() will report what happened. */
        memset(&who, 0, sizeof who);
        who.addr.ss_family = AF_UNSPEC;
    }
    if (peer != NULL)
        *peer = who;
    return conn;
}

/* ---- 1 + 2 + 4 and 1 + 2 + 3 together --------------------------------------- */

/* Enough for every address one host name has in practice. */
#define MAX_ENDPOINTS 8

/* What an open does with a fresh socket for one endpoint: bind and listen,
 * or connect. `arg` is the backlog or the timeout. 0, or -1 with errno. */
typedef int (*endpoint_use)(int fd, const struct tcp_endpoint *ep, int arg);

static int bind_and_listen(int fd, const struct tcp_endpoint *ep, int backlog)
{
    if (tcp_bind(fd, ep) == -1)
        return -1;
    return tcp_listen(fd, backlog);
}

/* Resolves host and port, then tries each endpoint on a socket of its own
 * until `use` works there. Returns that socket, or -1 with the errno of the
 * last failure and nothing left open. */
static int open_first_that_works(const char *host, const char *port, int passive, endpoint_use use,
                                 int arg)
{
    struct tcp_endpoint eps[MAX_ENDPOINTS];
    int count = tcp_resolve(host, port, passive, eps, MAX_ENDPOINTS);
    if (count == -1)
        return -1;
    for (int i = 0; i < count; i++) {
        int fd = tcp_socket(eps[i].addr.ss_family);
        if (fd == -1)
            continue;
        if (use(fd, &eps[i], arg) == 0)
            return fd;
        /* A socket whose bind() or connect() failed cannot try again:
         * close it, keeping the errno that says why it failed. */
        int saved = errno;
        tcp_close(fd);
        errno = saved;
    }
    return -1;
}

int tcp_open_server(const char *host, const char *port, int backlog)
{
    return open_first_that_works(host, port, 1, bind_and_listen, backlog);
}

int tcp_open_client(const char *host, const char *port, int timeout_ms)
{
    return open_first_that_works(host, port, 0, tcp_connect, timeout_ms);
}
