/*
 * tcp_scenario.c - lab 04: the conversations of tcp_server and tcp_client
 * (see tcp_scenario.h). Given to you, complete: it only calls your steps.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "cli.h"
#include "sock_compat.h"
#include "tcp_lab.h"
#include "tcp_scenario.h"
#include "tcp_state.h"
#include "err.h"
#include "term.h"
#include "trace.h"

static const char *const MODE_NAMES[] = {
    [TCP_MODE_ECHO] = "echo",   [TCP_MODE_HALFCLOSE] = "halfclose", [TCP_MODE_OOB] = "oob",
    [TCP_MODE_ABORT] = "abort", [TCP_MODE_POLL] = "poll",
};

void tcp_fail(const char *what)
{
    int err = errno;
    char text[1024];
    if (tcp_describe_error(text, sizeof text, what, err) < 0) {
        errno = err;
        die_errno("%s", what);
    }
    warn_msg("%s", text);
    exit(EXIT_FATAL);
}

const char *tcp_scenario_why(enum tcp_mode mode, int err)
{
    switch (err) {
    case EAGAIN:
        return "the client sent nothing, or read nothing, within the timeout (-t): dropped, "
               "so that it cannot hold the server";
    case ENODATA:
        return "the client closed without sending the urgent byte this mode waits for";
    case EBADMSG:
        return "the client sent a frame of length 0: frames hold 1 byte or more, so it does "
               "not speak this protocol";
    case EMSGSIZE:
        return "the client announced a frame longer than the limit; nothing of it was read";
    case EPROTO:
        return "the client closed in the middle of a frame";
    case ECONNRESET:
    case EPIPE:
        return mode == TCP_MODE_ABORT ? NULL : "the client went away before the conversation ended";
    default:
        return NULL;
    }
}

int tcp_mode_parse(const char *text)
{
    for (int m = 0; m < (int)(sizeof MODE_NAMES / sizeof MODE_NAMES[0]); m++) {
        if (strcmp(text, MODE_NAMES[m]) == 0)
            return m;
    }
    return -1;
}

const char *tcp_mode_name(enum tcp_mode mode)
{
    return MODE_NAMES[mode];
}

void tcp_play_option(int opt, const char *arg, struct tcp_play_options *o)
{
    if (opt == 'm') {
        o->mode = tcp_mode_parse(arg);
        if (o->mode == -1)
            die_usage("unknown mode '%s': use %s", arg, TCP_MODE_LIST);
    } else if (opt == 't') {
        o->timeout_ms = cli_parse_long(arg, 0, 3600000, "timeout");
    }
}

/* Releases fd after a failure, keeping the failure's errno; returns -1. */
static int give_up(int fd)
{
    int saved = errno;
    tcp_close(fd);
    errno = saved;
    return -1;
}

/* What catch_sigurg() replaced, for restore_sigurg(). */
struct sigurg_saved {
#ifdef SIGURG
    struct sigaction old;
#else
    int none;
#endif
};

/* The server tells the oob client when SIGURG can reach it (see serve_oob). */
static const char GO_AHEAD[] = "go\n";

/* ---- the server's side ----------------------------------------------------- */

/* Frames back until the client closes; then close too (CLOSE_WAIT -> LAST_ACK). */
static int serve_echo(int conn)
{
    char *buf = malloc(TCP_FRAME_MAX);
    if (buf == NULL)
        return give_up(conn);
    ssize_t n;
    while ((n = tcp_recv_frame(conn, buf, TCP_FRAME_MAX)) > 0) {
        if (tcp_send_frame(conn, buf, (size_t)n) == -1)
            break;
    }
    free(buf);
    if (n != 0) /* 0 is the client's FIN between frames: the good end */
        return give_up(conn);
    return tcp_close(conn);
}

/* Reads to end of stream, then replies on the half that is still open. */
static int serve_halfclose(int conn)
{
    char buf[4096], first[64] = "";
    size_t total = 0;
    ssize_t n;
    /* tcp_recv_exact() comes back short only at the end of the stream. */
    do {
        n = tcp_recv_exact(conn, buf, sizeof buf);
        if (n == -1)
            return give_up(conn);
        if (total == 0)
            snprintf(first, sizeof first, "%.*s", (int)n, buf);
        total += (size_t)n;
    } while ((size_t)n == sizeof buf);
    char reply[160];
    int len = snprintf(reply, sizeof reply,
                       "after your FIN I still reply: received %zu bytes (\"%s\")\n", total, first);
    if (tcp_send_all(conn, reply, (size_t)len) == -1)
        return give_up(conn);
    return tcp_close(conn);
}

static volatile sig_atomic_t sigurg_seen;

#ifdef SIGURG
static void on_sigurg(int sig)
{
    (void)sig;
    sigurg_seen++;
}
#endif

/* Counts SIGURGs from now on; 0, or -1 with errno. Windows has no SIGURG
 * (nor signals between processes): there, urgent data is seen only through
 * poll()'s POLLPRI, and the count stays "none". */
static int catch_sigurg(struct sigurg_saved *saved)
{
    sigurg_seen = 0;
#ifdef SIGURG
    struct sigaction sa = {.sa_handler = on_sigurg, .sa_flags = SA_RESTART};
    sigemptyset(&sa.sa_mask);
    return sigaction(SIGURG, &sa, &saved->old);
#else
    (void)saved;
    return 0;
#endif
}

static void restore_sigurg(const struct sigurg_saved *saved)
{
#ifdef SIGURG
    sigaction(SIGURG, &saved->old, NULL);
#else
    (void)saved;
#endif
}

/* "SIGURG seen 1 time", for the reply. */
static const char *sigurg_text(char *buf, size_t size)
{
#ifdef SIGURG
    snprintf(buf, size, "SIGURG seen %d time%s", (int)sigurg_seen, sigurg_seen == 1 ? "" : "s");
#else
    snprintf(buf, size, "no SIGURG on Windows");
#endif
    return buf;
}

/*
 * Urgent data three ways: SIGURG (needs F_SETOWN first, which is why the
 * client waits for GO_AHEAD), POLLPRI with recv(MSG_OOB), and sockatmark()
 * to split the ordinary data at the mark.
 */
static int serve_oob(int conn, int timeout_ms)
{
    struct sigurg_saved saved;
    if (catch_sigurg(&saved) == -1)
        return give_up(conn);
    int rc = -1;
    char urgent = '?', before[1024], after[1024];
    ssize_t nb = -1, na = -1;
    if (tcp_urgent_owner(conn) == 0 &&
        tcp_send_all(conn, GO_AHEAD, strlen(GO_AHEAD)) == (ssize_t)strlen(GO_AHEAD)) {
        int got = tcp_recv_urgent(conn, &urgent, timeout_ms);
        if (got == 0)
            errno = EAGAIN; /* no urgent byte within the timeout */
        if (got == 1)
            nb = tcp_recv_to_mark(conn, before, sizeof before);
        if (nb >= 0)
            na = tcp_recv_exact(conn, after, sizeof after); /* the rest, to end of stream */
    }
    if (na >= 0) {
        /* At most SHOWN bytes of each part, so the reply stays one line. */
        enum { SHOWN = 100 };
        char reply[400], how[64];
        int len = snprintf(reply, sizeof reply,
                           "before the mark \"%.*s\", urgent byte '%c' (%s), "
                           "after the mark \"%.*s\"\n",
                           (int)(nb < SHOWN ? nb : SHOWN), before, urgent,
                           sigurg_text(how, sizeof how), (int)(na < SHOWN ? na : SHOWN), after);
        if (tcp_send_all(conn, reply, (size_t)len) == len)
            rc = 0;
    }
    int err = errno;
    restore_sigurg(&saved);
    errno = err;
    if (rc == -1)
        return give_up(conn);
    return tcp_close(conn);
}

/* Reads one frame, then aborts: RST instead of FIN. */
static int serve_abort(int conn)
{
    char buf[1024];
    ssize_t n = tcp_recv_frame(conn, buf, sizeof buf);
    int saved = errno;
    if (tcp_abort(conn) == -1)
        return -1;
    errno = saved;
    return n > 0 ? 0 : -1;
}

/*
 * A client that sends nothing, or never reads its answer, must not hold its
 * server for ever: every blocking recv() and send() on conn gives up after
 * timeout_ms with EAGAIN (SO_RCVTIMEO, SO_SNDTIMEO).
 */
static int limit_waits(int conn, int timeout_ms)
{
    if (timeout_ms <= 0)
        return 0;
    struct timeval tv = {.tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000};
    static const struct {
        int option;
        const char *name;
    } LIMITS[] = {{SO_RCVTIMEO, "SO_RCVTIMEO"}, {SO_SNDTIMEO, "SO_SNDTIMEO"}};
    for (size_t i = 0; i < sizeof LIMITS / sizeof LIMITS[0]; i++) {
        struct tcp_watch w;
        tcp_watch_begin(&w, conn);
        int rc = setsockopt(conn, SOL_SOCKET, LIMITS[i].option, &tv, sizeof tv);
        trace_call_note("setsockopt", rc, tcp_watch_end(&w, conn), "fd=%d, %s %d ms [step 5]", conn,
                        LIMITS[i].name, timeout_ms);
        if (rc == -1)
            return -1;
    }
    return 0;
}

int tcp_scenario_serve(int conn, enum tcp_mode mode, int timeout_ms)
{
    trace_note("serving one client in %s mode", tcp_mode_name(mode));
    if (limit_waits(conn, timeout_ms) == -1)
        return give_up(conn);
    switch (mode) {
    case TCP_MODE_ECHO:
    case TCP_MODE_POLL:
        return serve_echo(conn);
    case TCP_MODE_HALFCLOSE:
        return serve_halfclose(conn);
    case TCP_MODE_OOB:
        return serve_oob(conn, timeout_ms);
    case TCP_MODE_ABORT:
        return serve_abort(conn);
    }
    errno = EINVAL;
    return give_up(conn);
}

/* ---- the client's side ----------------------------------------------------- */

/* Reads what the server sends until its FIN and prints it. */
static int print_reply(int fd)
{
    char reply[1024];
    ssize_t n = tcp_recv_exact(fd, reply, sizeof reply - 1);
    if (n == -1)
        return -1;
    /* The server's bytes, escaped: they must not drive our terminal. */
    fputs("reply: ", stdout);
    term_write_escaped(stdout, reply, (size_t)n);
    if (n == 0 || reply[n - 1] != '\n')
        putchar('\n');
    fflush(stdout);
    return 0;
}

static int client_echo(int fd, const char *message, int timeout_ms)
{
    size_t len = strlen(message);
    char *back = malloc(TCP_FRAME_MAX);
    if (back == NULL)
        return give_up(fd);
    ssize_t n = -1;
    if (tcp_send_frame(fd, message, len) == (ssize_t)len)
        n = tcp_recv_frame(fd, back, TCP_FRAME_MAX);
    if (n > 0) {
        fputs("echo: ", stdout);
        term_write_escaped(stdout, back, (size_t)n);
        putchar('\n');
        fflush(stdout);
    }
    int same = n == (ssize_t)len && memcmp(back, message, len) == 0;
    free(back);
    if (n == 0)
        errno = EPROTO; /* the server closed instead of answering */
    if (!same)
        return give_up(fd);
    /* We close first, so this side is the one that enters TIME_WAIT. */
    return tcp_close_gracefully(fd, timeout_ms);
}

static int client_halfclose(int fd, const char *message)
{
    size_t len = strlen(message);
    if (tcp_send_all(fd, message, len) == -1 || tcp_shutdown_write(fd) == -1 ||
        print_reply(fd) == -1)
        return give_up(fd);
    return tcp_close(fd);
}

static int client_oob(int fd, const char *message)
{
    const char after[] = "after the mark";
    char go[sizeof GO_AHEAD - 1];
    ssize_t n = tcp_recv_exact(fd, go, sizeof go);
    if (n != (ssize_t)sizeof go) {
        if (n >= 0)
            errno = EPROTO;
        return give_up(fd);
    }
    if (tcp_send_all(fd, message, strlen(message)) == -1 || tcp_send_urgent(fd, '!') == -1 ||
        tcp_send_all(fd, after, strlen(after)) == -1 || tcp_shutdown_write(fd) == -1 ||
        print_reply(fd) == -1)
        return give_up(fd);
    return tcp_close(fd);
}

static int client_abort(int fd, const char *message)
{
    char buf[1024];
    ssize_t n = -1;
    if (tcp_send_frame(fd, message, strlen(message)) != -1)
        n = tcp_recv_frame(fd, buf, sizeof buf);
    int err = errno;
    tcp_close(fd);
    if (n == -1 && err == ECONNRESET) {
        printf("the server aborted: recv() failed with ECONNRESET, as it should\n");
        fflush(stdout);
        return 0;
    }
    errno = n == -1 ? err : EPROTO; /* an answer or a FIN: no abort seen */
    return -1;
}

int tcp_scenario_client(int fd, enum tcp_mode mode, const char *message, int timeout_ms)
{
    /* A server that says nothing, or reads nothing, must not hang us either. */
    if (limit_waits(fd, timeout_ms) == -1)
        return give_up(fd);
    switch (mode) {
    case TCP_MODE_ECHO:
    case TCP_MODE_POLL:
        return client_echo(fd, message, timeout_ms);
    case TCP_MODE_HALFCLOSE:
        return client_halfclose(fd, message);
    case TCP_MODE_OOB:
        return client_oob(fd, message);
    case TCP_MODE_ABORT:
        return client_abort(fd, message);
    }
    errno = EINVAL;
    return give_up(fd);
}
