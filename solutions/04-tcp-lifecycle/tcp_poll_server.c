/*
 * tcp_poll_server.c - lab 04 reference, step 6: determine when data arrives,
 * with one poll() over every socket (see tcp_lab.h for the contract).
 *
 * An iterative server (accept, serve until EOF, accept the next) makes every
 * client wait for the one before it. Here poll() says which sockets are
 * ready, and the server only makes calls that will not block: accept() on a
 * readable listening socket, recv() on a readable client.
 *
 * One simplification, on purpose: the echo is sent with tcp_send_all(), which
 * blocks if a client stops reading and its buffers fill up. A production
 * server would keep the bytes and wait for POLLOUT instead.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>

#include "sock_compat.h" /* poll() is WSAPoll() on Windows */
#include "tcp_lab.h"
#include "tcp_state.h"
#include "trace.h"

/* Serves one ready client. Returns false when it has ended and must go. */
static bool echo_once(int fd)
{
    char buf[4096];
    struct tcp_watch w;
    tcp_watch_begin(&w, fd);
    ssize_t n = recv(fd, buf, sizeof buf, 0); /* ready: this does not block */
    trace_call_note("recv", n, tcp_watch_end(&w, fd), "fd=%d, up to %zu bytes [step 6]", fd,
                    sizeof buf);
    if (n == -1 && errno == EINTR)
        return true; /* nothing lost: poll() will report it again */
    if (n <= 0)
        return false; /* 0: the client closed; -1: e.g. ECONNRESET. Only this client ends. */
    return tcp_send_all(fd, buf, (size_t)n) == n;
}

/* Closes every client still open; used when the server itself fails. */
static void close_all(const struct pollfd *clients, size_t count)
{
    int saved = errno;
    for (size_t i = 0; i < count; i++)
        tcp_close(clients[i].fd);
    errno = saved;
}

long tcp_poll_serve(int listen_fd, long clients)
{
    /* fds[0] is the listening socket, fds[1 .. open] the clients. */
    struct pollfd fds[1 + TCP_POLL_MAX_CLIENTS];
    size_t open = 0;
    long accepted = 0, ended = 0;
    while (clients == 0 || ended < clients) {
        /* Watch for new connections only while there is room and clients are
         * still to come; a negative fd is skipped by poll(). */
        bool want_more = (clients == 0 || accepted < clients) && open < TCP_POLL_MAX_CLIENTS;
        fds[0] = (struct pollfd){.fd = want_more ? listen_fd : -1, .events = POLLIN};
        struct tcp_watch w;
        tcp_watch_begin(&w, listen_fd);
        /* step 6: determine when data arrives, on every socket at once. */
        int ready = poll(fds, 1 + open, -1);
        trace_call_note("poll", ready, tcp_watch_end(&w, listen_fd),
                        "fd=%d + %zu clients, POLLIN [step 6]", listen_fd, open);
        if (ready == -1) {
            if (errno == EINTR)
                continue;
            close_all(fds + 1, open);
            return -1;
        }

        /* Serve the ready clients; drop the ones that ended, keeping the rest packed. */
        size_t kept = 0;
        for (size_t i = 1; i <= open; i++) {
            bool alive = true;
            if (fds[i].revents & (POLLIN | POLLHUP | POLLERR))
                alive = echo_once(fds[i].fd);
            if (alive) {
                fds[1 + kept++] = fds[i];
            } else {
                tcp_close(fds[i].fd);
                ended++;
            }
        }
        open = kept;

        if (fds[0].revents & POLLIN) {
            int conn = tcp_accept(listen_fd, NULL); /* ready: a connection is queued */
            if (conn == -1) {
                close_all(fds + 1, open);
                return -1;
            }
            fds[1 + open++] = (struct pollfd){.fd = conn, .events = POLLIN};
            accepted++;
        }
    }
    return ended;
}
