/*
 * tcp_poll_server.c - lab 04, an alternative correct solution of step 6
 * (see tcp_lab.h). Graded by `make test-alternatives`.
 *
 * The reference's server, with one change of design: the echo is sent at
 * once, in the same round as the recv() that brought it, instead of one
 * poll() later. Only what the client's socket does not take waits in its
 * buffer for POLLOUT. Here MSG_DONTWAIT is what keeps the server from
 * blocking: nothing said the socket had room. (The mutant
 * tools/instructor/mutants/04-tcp-lifecycle/poll_send_blocking.sed takes it away.)
 *
 * An iterative server (accept, serve until EOF, accept the next) makes every
 * client wait for the one before it. Here poll() says which sockets are
 * ready, and the server only makes calls that will not block: accept() on a
 * readable listening socket, recv() and send() with MSG_DONTWAIT.
 *
 * No client can hold up another:
 *   - each client has one buffer of TCP_POLL_BUFFER bytes. Bytes read wait
 *     there until the client takes its echo; while they wait, the server
 *     reads nothing more from it (POLLOUT instead of POLLIN), so a client
 *     that never reads costs one buffer, not the server's memory;
 *   - a client that makes no progress for TCP_POLL_IDLE_MS (sends nothing,
 *     or takes none of its echo) is dropped with a message on stderr.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "clock.h"
#include "err.h"
#include "sock_compat.h" /* poll() is WSAPoll() on Windows */
#include "tcp_lab.h"
#include "tcp_state.h"
#include "trace.h"

/* One client: its socket, and the echo it has not taken yet. */
struct client {
    int fd;
    size_t len, sent; /* buf[sent .. len) is still to be sent */
    uint64_t last_ns; /* when it last made progress */
    char buf[TCP_POLL_BUFFER];
};

/* Reads what the client sent, into its empty buffer. Returns false when it
 * has ended and must go. */
static bool read_from(struct client *c)
{
    struct tcp_watch w;
    tcp_watch_begin(&w, c->fd);
    ssize_t n = recv(c->fd, c->buf, sizeof c->buf, MSG_DONTWAIT); /* ready: no wait */
    trace_call_note("recv", n, tcp_watch_end(&w, c->fd), "fd=%d, up to %zu bytes [step 6]", c->fd,
                    sizeof c->buf);
    if (n == -1)
        return errno == EINTR || errno == EAGAIN; /* nothing lost: poll() says it again */
    if (n == 0)
        return false; /* the client closed; -1 (e.g. ECONNRESET) ends only this client */
    c->len = (size_t)n;
    c->sent = 0;
    return true;
}

/* Sends as much of the echo as the client's socket takes now. */
static bool write_to(struct client *c)
{
    struct tcp_watch w;
    tcp_watch_begin(&w, c->fd);
    /* MSG_NOSIGNAL: a client that left is EPIPE, not a SIGPIPE for the server. */
    ssize_t n = send(c->fd, c->buf + c->sent, c->len - c->sent, MSG_DONTWAIT | MSG_NOSIGNAL);
    trace_call_note("send", n, tcp_watch_end(&w, c->fd), "fd=%d, %zu bytes [step 6]", c->fd,
                    c->len - c->sent);
    if (n == -1)
        return errno == EINTR || errno == EAGAIN;
    c->sent += (size_t)n;
    if (c->sent == c->len)
        c->len = c->sent = 0;
    return true;
}

/* What poll() should wait for on c: its echo to leave, or else new bytes. */
static short wanted(const struct client *c)
{
    return c->len > c->sent ? POLLOUT : POLLIN;
}

/* The poll() timeout: until the first client's deadline, at least 1 ms. */
static int next_timeout(const struct client *clients, size_t open, uint64_t now)
{
    if (open == 0)
        return -1;
    uint64_t first = UINT64_MAX;
    for (size_t i = 0; i < open; i++) {
        uint64_t deadline = clients[i].last_ns + (uint64_t)TCP_POLL_IDLE_MS * 1000000u;
        if (deadline < first)
            first = deadline;
    }
    return first <= now ? 1 : (int)((first - now) / 1000000u + 1);
}

long tcp_poll_serve(int listen_fd, long clients)
{
    /* fds[0] is the listening socket, fds[1 .. open] the clients, in the
     * same order as client[0 .. open). Both on the heap: they are large. */
    struct pollfd *fds = calloc(1 + TCP_POLL_MAX_CLIENTS, sizeof *fds);
    struct client *client = calloc(TCP_POLL_MAX_CLIENTS, sizeof *client);
    if (fds == NULL || client == NULL) {
        free(fds);
        free(client);
        return -1; /* ENOMEM */
    }
    size_t open = 0;
    long accepted = 0, ended = 0;
    long result = -1;
    while (clients == 0 || ended < clients) {
        /* Watch for new connections only while there is room and clients are
         * still to come; a negative fd is skipped by poll(). */
        bool want_more = (clients == 0 || accepted < clients) && open < TCP_POLL_MAX_CLIENTS;
        fds[0] = (struct pollfd){.fd = want_more ? listen_fd : -1, .events = POLLIN};
        for (size_t i = 0; i < open; i++)
            fds[1 + i] = (struct pollfd){.fd = client[i].fd, .events = wanted(&client[i])};
        struct tcp_watch w;
        tcp_watch_begin(&w, listen_fd);
        /* step 6: determine when data arrives, on every socket at once. */
        int ready = poll(fds, 1 + open, next_timeout(client, open, clock_now_ns()));
        trace_call_note("poll", ready, tcp_watch_end(&w, listen_fd),
                        "fd=%d + %zu clients, POLLIN [step 6]", listen_fd, open);
        if (ready == -1) {
            if (errno == EINTR)
                continue;
            goto out;
        }

        /* Serve the ready clients; drop the ones that ended or stalled, keeping the rest packed. */
        uint64_t now = clock_now_ns();
        size_t kept = 0;
        for (size_t i = 0; i < open; i++) {
            struct client *c = &client[i];
            short revents = fds[1 + i].revents;
            bool alive = true;
            if (revents & POLLNVAL)
                alive = false;
            else if (c->len > c->sent && (revents & (POLLOUT | POLLERR | POLLHUP)))
                alive = write_to(c); /* a client that left fails here with EPIPE */
            else if (c->len == c->sent && (revents & (POLLIN | POLLERR | POLLHUP)))
                /* recv() says 0 (closed) or the error; the echo leaves at once */
                alive = read_from(c) && (c->len == 0 || write_to(c));
            if (revents != 0)
                c->last_ns = now;
            else if (now - c->last_ns >= (uint64_t)TCP_POLL_IDLE_MS * 1000000u) {
                warn_msg("poll server: dropped the client on fd %d: it %s for %d ms; the others "
                         "are still served",
                         c->fd, c->len > c->sent ? "took none of its echo" : "sent nothing",
                         TCP_POLL_IDLE_MS);
                alive = false;
            }
            if (alive) {
                if (kept != i)
                    client[kept] = *c;
                kept++;
            } else {
                tcp_close(c->fd);
                ended++;
            }
        }
        open = kept;

        if (fds[0].revents & POLLIN) {
            int conn = tcp_accept(listen_fd, NULL); /* ready: a connection is queued */
            if (conn == -1)
                goto out;
            client[open].fd = conn;
            client[open].len = client[open].sent = 0;
            client[open].last_ns = clock_now_ns();
            open++;
            accepted++;
        }
    }
    result = ended;
out:
    if (result == -1) { /* the server itself failed: close every client */
        int saved = errno;
        for (size_t i = 0; i < open; i++)
            tcp_close(client[i].fd);
        errno = saved;
    }
    free(fds);
    free(client);
    return result;
}
