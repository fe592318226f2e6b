/*
 * tcp_poll_server.c - lab 04: YOUR implementation of step 6: determine when
 * data arrives, with one poll() over every socket (see tcp_lab.h).
 *
 * An iterative server (accept, serve until EOF, accept the next) makes every
 * client wait for the one before it. Here poll() says which sockets are
 * ready, and the server only makes calls that will not block.
 */
#include <errno.h>

#include "tcp_lab.h"
#include "tcp_state.h"
#include "trace.h"

long tcp_poll_serve(int listen_fd, long clients)
{
    /* TODO(lab04) step 6: keep struct pollfd fds[1 + TCP_POLL_MAX_CLIENTS]
     * (on the heap: it is large) and, per client, its fd, a TCP_POLL_BUFFER
     * buffer with the echo not yet sent, and when it last made progress:
     * fds[0] the listening socket, then one per client.
     * Loop until `clients` clients have ended (forever when clients is 0):
     * - each client waits for POLLOUT while its echo is unsent, else POLLIN;
     * - poll() with a timeout up to the first client's TCP_POLL_IDLE_MS
     *   deadline; retry EINTR;
     * - POLLIN (or POLLHUP, POLLERR): recv(MSG_DONTWAIT) up to the buffer;
     *   0 or an error (not EAGAIN): tcp_close() it and drop it (only that
     *   client ends: ECONNRESET is not fatal);
     * - POLLOUT: send(MSG_DONTWAIT | MSG_NOSIGNAL) what is left of the echo;
     * - no progress for TCP_POLL_IDLE_MS (clock_now_ns() in clock.h tells
     *   the time): warn_msg() (err.h) why, close and drop it;
     * - listening socket readable: tcp_accept() and add the new client.
     *   Stop watching it (fd -1) while full or once `clients` were accepted;
     * - return the number of clients served. On a failure of poll() or
     *   accept(), close every client and return -1. */
    (void)listen_fd;
    (void)clients;
    errno = ENOSYS;
    return -1;
}
