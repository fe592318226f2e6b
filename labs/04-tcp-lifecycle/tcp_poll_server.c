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
    /* TODO(lab04) step 6: keep struct pollfd fds[1 + TCP_POLL_MAX_CLIENTS]:
     * fds[0] the listening socket, then one per client, all with POLLIN.
     * Loop until `clients` clients have ended (forever when clients is 0):
     * - poll(fds, 1 + open, -1); retry EINTR;
     * - each client with POLLIN, POLLHUP or POLLERR: recv() up to 4096
     *   bytes; > 0: tcp_send_all() them back; 0 or an error: tcp_close() it
     *   and drop it (only that client ends: ECONNRESET is not fatal);
     * - listening socket readable: tcp_accept() and add the new client.
     *   Stop watching it (fd -1) while full or once `clients` were accepted;
     * - return the number of clients served. On a failure of poll() or
     *   accept(), close every client and return -1. */
    (void)listen_fd;
    (void)clients;
    errno = ENOSYS;
    return -1;
}
