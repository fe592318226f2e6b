/*
 * us_serve.c - lab 03 reference, the server loop (see us_serve.h).
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "err.h"
#include "trace.h"
#include "us_cred.h"
#include "us_frame.h"
#include "us_serve.h"

long us_serve_client(int conn)
{
    /* A fixed buffer of the largest allowed size: what a client announces
     * never decides how much memory we take. */
    char buf[US_MAX_MESSAGE];
    long answered = 0;
    for (;;) {
        size_t len;
        int got = us_recv_frame(conn, buf, sizeof buf, &len);
        if (got == 0)
            return answered; /* closed between frames: a clean goodbye */
        if (got == -1)
            return -1;
        for (size_t i = 0; i < len; i++)
            buf[i] = (char)toupper((unsigned char)buf[i]);
        if (us_send_frame(conn, buf, len) == -1)
            return -1; /* EPIPE: it left without waiting for the answer */
        answered++;
    }
}

/* One line to the log, if there is one; flushed so it shows at once. */
static void log_line(const struct us_serve_options *opts, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void log_line(const struct us_serve_options *opts, const char *fmt, ...)
{
    if (opts == NULL || opts->log == NULL)
        return;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(opts->log, fmt, ap);
    va_end(ap);
    fputc('\n', opts->log);
    fflush(opts->log);
}

/* Why a connection ended early, in words, for the log. */
static const char *explain(int err)
{
    switch (err) {
    case EMSGSIZE:
        return "its frame announced more than the limit; nothing was read for it";
    case EPROTO:
        return "it closed in the middle of a frame (truncated)";
    case EPIPE:
    case ECONNRESET:
        return "it left before reading the answer";
    default:
        return "the connection failed";
    }
}

/* Serves one accepted connection; the caller closes it. */
static void handle(int conn, long number, const struct us_serve_options *opts)
{
    struct us_peer peer;
    int known = us_peer_credentials(conn, &peer) == 0;
    if (known)
        log_line(opts, "client %ld: pid=%ld uid=%ld gid=%ld", number, (long)peer.pid,
                 (long)peer.uid, (long)peer.gid);
    else
        log_line(opts, "client %ld: credentials unknown: %s", number, errno_name(errno));

    if (opts != NULL && opts->same_uid && (!known || peer.uid != opts->allowed_uid)) {
        log_line(opts, "client %ld: refused: uid %ld is not %ld (--same-uid)", number,
                 known ? (long)peer.uid : -1L, (long)opts->allowed_uid);
        trace_note("client %ld refused by --same-uid; closing without an answer", number);
        return;
    }
    long answered = us_serve_client(conn);
    if (answered >= 0)
        log_line(opts, "client %ld: answered %ld message(s), then it closed", number, answered);
    else
        log_line(opts, "client %ld: dropped: %s (%s): %s; closing this connection only", number,
                 errno_name(errno), strerror(errno), explain(errno));
}

long us_serve(int listen_fd, long max_clients, const struct us_serve_options *opts)
{
    long accepted = 0;
    while (max_clients <= 0 || accepted < max_clients) {
        int conn = accept(listen_fd, NULL, NULL);
        trace_call("accept", conn, "fd=%d", listen_fd);
        if (conn == -1) {
            /* EINTR: a signal; ECONNABORTED: the client gave up while it
             * waited in the backlog. Neither is the server's problem. */
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            return -1;
        }
        accepted++;
        handle(conn, accepted, opts);
        int rc = close(conn); /* every path: one descriptor per client, returned */
        trace_call("close", rc, "fd=%d", conn);
    }
    return accepted;
}
