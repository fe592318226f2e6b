/*
 * us_serve.c - lab 03 reference, the server loop (see us_serve.h).
 *
 * Each client is served by a child process of its own, so one that is
 * idle, slow or never reads holds up nobody else. A child that has a time
 * limit arms an interval timer for each frame; its SIGALRM means the
 * client stalled: the handler logs that (with write(), which is
 * async-signal-safe, unlike stdio) and ends the child.
 */
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "err.h"
#include "trace.h"
#include "us_cred.h"
#include "us_frame.h"
#include "us_serve.h"

/* In a child with a time limit: the limit per frame, and what to log when
 * it passes (prepared beforehand: the handler may not format). */
static int frame_limit_ms;
static int stall_log_fd = -1;
static char stall_line[200];

static void on_stall(int sig)
{
    (void)sig;
    if (stall_log_fd >= 0 && write(stall_log_fd, stall_line, strlen(stall_line)) < 0) {
        /* nothing more to do: the child ends either way */
    }
    _exit(EXIT_FATAL);
}

/* Starts (ms > 0) or stops (0) the timer for one frame and its answer. */
static void frame_timer(int ms)
{
    struct itimerval t = {.it_value = {.tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000}};
    setitimer(ITIMER_REAL, &t, NULL); /* cannot fail with these arguments */
}

long us_serve_client(int conn)
{
    /* A fixed buffer of the largest allowed size: what a client announces
     * never decides how much memory we take. */
    char buf[US_MAX_MESSAGE];
    long answered = 0;
    for (;;) {
        size_t len;
        if (frame_limit_ms > 0)
            frame_timer(frame_limit_ms);
        int got = us_recv_frame(conn, buf, sizeof buf, &len);
        if (got == 0)
            return answered; /* closed between frames: a clean goodbye */
        if (got == -1)
            return -1;
        for (size_t i = 0; i < len; i++)
            buf[i] = (char)toupper((unsigned char)buf[i]);
        if (us_send_frame(conn, buf, len) == -1)
            return -1; /* EPIPE: it left without waiting for the answer */
        if (frame_limit_ms > 0)
            frame_timer(0);
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
    if (opts != NULL && opts->timeout_ms > 0) {
        frame_limit_ms = opts->timeout_ms;
        stall_log_fd = opts->log ? fileno(opts->log) : -1;
        snprintf(stall_line, sizeof stall_line,
                 "client %ld: dropped: ETIMEDOUT: it stalled (no whole frame and answer within "
                 "%d ms); closing this connection only\n",
                 number, opts->timeout_ms);
        struct sigaction sa = {.sa_handler = on_stall};
        sigemptyset(&sa.sa_mask);
        if (sigaction(SIGALRM, &sa, NULL) == -1)
            frame_limit_ms = 0; /* no timer then: serve it without a limit */
    }
    long answered = us_serve_client(conn);
    if (answered >= 0)
        log_line(opts, "client %ld: answered %ld message(s), then it closed", number, answered);
    else
        log_line(opts, "client %ld: dropped: %s (%s): %s; closing this connection only", number,
                 errno_name(errno), strerror(errno), explain(errno));
}

/* Collects ended children; with `block`, waits until one has ended.
 * Returns how many were collected. */
static long collect(bool block)
{
    long collected = 0;
    for (;;) {
        int status;
        pid_t pid = waitpid(-1, &status, block && collected == 0 ? 0 : WNOHANG);
        if (pid == -1 && errno == EINTR)
            continue;
        if (pid <= 0)
            return collected; /* none ended yet (0), or none left (ECHILD) */
        collected++;
    }
}

long us_serve(int listen_fd, long max_clients, const struct us_serve_options *opts)
{
    long accepted = 0, running = 0;
    long result = 0;
    while (max_clients <= 0 || accepted < max_clients) {
        running -= collect(running >= US_MAX_CLIENTS); /* full: wait for a place */
        int conn = accept(listen_fd, NULL, NULL);
        trace_call("accept", conn, "fd=%d", listen_fd);
        if (conn == -1) {
            /* EINTR: a signal; ECONNABORTED: the client gave up while it
             * waited in the backlog. Neither is the server's problem. */
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            result = -1;
            break;
        }
        accepted++;
        if (opts != NULL && opts->log != NULL)
            fflush(opts->log); /* the child must not write our buffered lines again */
        pid_t pid = fork();
        trace_call("fork", pid, "a child for client %ld", accepted);
        if (pid == 0) {
            close(listen_fd); /* the child serves this one client only */
            handle(conn, accepted, opts);
            int rc = close(conn);
            trace_call("close", rc, "fd=%d", conn);
            _exit(0);
        }
        int saved = errno;
        int rc = close(conn); /* every path: the child has its own copy */
        trace_call("close", rc, "fd=%d", conn);
        if (pid == -1) {
            errno = saved;
            result = -1;
            break;
        }
        running++;
    }
    int saved = errno;
    while (running > 0) {
        long n = collect(true); /* no child outlives the loop */
        if (n == 0)
            break;
        running -= n;
    }
    errno = saved;
    return result == -1 ? -1 : accepted;
}
