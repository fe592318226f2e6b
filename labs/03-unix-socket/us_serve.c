/*
 * us_serve.c - lab 03, part 2 (continued): YOUR server loop (us_serve.h).
 *
 * Every function below is a TODO(lab03): it sets errno = ENOSYS and
 * returns -1 until you fill it in. errno_name() from err.h gives the
 * symbolic name ("EMSGSIZE") the log must show.
 */
#include <errno.h>

#include "err.h"
#include "trace.h"
#include "us_cred.h"
#include "us_frame.h"
#include "us_serve.h"

long us_serve_client(int conn)
{
    /* TODO(lab03): with a char buf[US_MAX_MESSAGE] (never a size the client
     * chose), loop: us_recv_frame(); 0 -> return the count answered;
     * -1 -> return -1; else toupper() every byte and us_send_frame() it. */
    (void)conn;
    errno = ENOSYS;
    return -1;
}

long us_serve(int listen_fd, long max_clients, const struct us_serve_options *opts)
{
    /* TODO(lab03): until max_clients connections were accepted (forever if
     * max_clients <= 0):
     * - conn = accept(listen_fd, NULL, NULL); retry EINTR and ECONNABORTED;
     * - fork(); in the child: close(listen_fd);
     *   us_peer_credentials(conn); log "client N: pid=P uid=U gid=G";
     *   with opts->same_uid and another uid: log "client N: refused: ...";
     *   else us_serve_client(conn) (with opts->timeout_ms > 0, an interval
     *   timer (setitimer) per frame: its SIGALRM ends a stalled client),
     *   and log errno_name(errno) if it failed; then _exit();
     * - in the parent: close(conn) at once, and collect ended children
     *   with waitpid(-1, ..., WNOHANG); at most US_MAX_CLIENTS at once;
     * - before returning, wait for every child.
     * Write each log line to opts->log (if not NULL) and fflush() it. */
    (void)listen_fd;
    (void)max_clients;
    (void)opts;
    errno = ENOSYS;
    return -1;
}
