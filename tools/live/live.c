/*
 * live - a live view of a traced run, drawn in the room's browser while the
 * lab programs run.
 *
 * usage: live [-p PORT] [-d PAGE_DIR] [-k KEYS_FIFO] TRACE_LIVE_FILE
 *
 * Serves, on 127.0.0.1 only:
 *   /            the page (PAGE_DIR/index.html, live.js, live.css: plain files,
 *                no build step, nothing fetched from elsewhere)
 *   /events      the trace as Server-Sent Events: every JSON line that the
 *                programs append to TRACE_LIVE_FILE (IPC_TRACE_LIVE, see
 *                common/trace.h), from the first, then each new one as it
 *                is written; a page opened late still sees the whole run
 *   POST /step   one key press for step mode: a byte into KEYS_FIFO, which
 *                the programs' step prompts read beside the terminal
 *                (IPC_STEP_KEYS, see common/step.c)
 *
 * `make live` (tools/live/run_live.sh) starts it with the demo.
 *
 * Why libmicrohttpd (Debian's libmicrohttpd-dev): HTTP looks simple and is
 * not (request smuggling, slow clients, half-closed connections, chunked
 * bodies). A well-kept library parses it; this file only says what to
 * serve. Server-Sent Events need nothing more than a response that never
 * ends, which the library streams from read_events(); the browser's
 * EventSource reconnects on its own.
 *
 * See also: tools/live/page/live.js (what the page draws), common/trace.h.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "cli.h"
#include "err.h"

static const struct cli_spec CLI = {
    .usage = "usage: live [-p PORT] [-d PAGE_DIR] [-k KEYS_FIFO] TRACE_LIVE_FILE\n"
             "Serves a live view of a traced run on http://127.0.0.1:PORT/ (loopback only):\n"
             "the page draws every line the programs append to TRACE_LIVE_FILE\n"
             "(IPC_TRACE_LIVE=TRACE_LIVE_FILE) as it is written. Stops on Ctrl-C.\n",
    .options =
        {
            {'p', "port", "PORT", "the port (default 0: one the kernel picks; printed)"},
            {'d', "page", "DIR", "the page's files (default tools/live/page)"},
            {'k', "keys", "FIFO",
             "step mode: a key pressed in the page is a byte written\n"
             "here (IPC_STEP_KEYS=FIFO for the programs)"},
        },
    .more = "Examples:\n"
            "  make live\n"
            "  live -p 8080 /tmp/run.jsonl & IPC_TRACE_LIVE=/tmp/run.jsonl tcp_demo\n",
};

/* What the server was told: read by the request threads, never changed. */
static struct {
    const char *trace;
    const char *page_dir;
    const char *keys;
} config = {NULL, "tools/live/page", NULL};

/* Set when the server is stopping: every event stream ends. */
static volatile sig_atomic_t stopping;

enum { POLL_MS = 40, KEEPALIVE_MS = 5000, LINE_MAX_BYTES = 8192 };

static void sleep_ms(long ms)
{
    struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&t, &t) == -1 && errno == EINTR)
        ;
}

/* ---- /events: the trace file, followed ------------------------------------ */

/* One page's stream: where it is in the file, and a line not complete yet. */
struct stream {
    int fd; /* -1 until the file exists */
    char line[LINE_MAX_BYTES];
    size_t used;
    long idle_ms; /* since the last bytes sent, for the keep-alive */
};

/* Moves the complete lines of s->line into buf as events ("data: LINE\n\n"),
 * as many as fit in max bytes. Returns the bytes written. */
static size_t take_lines(struct stream *s, char *buf, size_t max)
{
    size_t out = 0, start = 0;
    for (;;) {
        char *nl = memchr(s->line + start, '\n', s->used - start);
        if (nl == NULL)
            break;
        size_t len = (size_t)(nl - (s->line + start));
        if (out + len + 8 > max)
            break; /* the next call takes it */
        memcpy(buf + out, "data: ", 6);
        memcpy(buf + out + 6, s->line + start, len);
        memcpy(buf + out + 6 + len, "\n\n", 2);
        out += len + 8;
        start += len + 1;
    }
    memmove(s->line, s->line + start, s->used - start);
    s->used -= start;
    return out;
}

/*
 * libmicrohttpd asks for the next bytes of the stream. Each connection has
 * a thread of its own (MHD_USE_THREAD_PER_CONNECTION), so waiting here for
 * the file to grow blocks that page only.
 */
static ssize_t read_events(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)pos;
    struct stream *s = cls;
    while (!stopping) {
        if (s->fd == -1) {
            s->fd = open(config.trace, O_RDONLY | O_CLOEXEC);
            if (s->fd == -1 && errno != ENOENT)
                return MHD_CONTENT_READER_END_WITH_ERROR;
        }
        if (s->fd != -1 && s->used < sizeof s->line) {
            ssize_t n = read(s->fd, s->line + s->used, sizeof s->line - s->used);
            if (n == -1 && errno != EINTR)
                return MHD_CONTENT_READER_END_WITH_ERROR;
            if (n > 0)
                s->used += (size_t)n;
        }
        if (s->used == sizeof s->line && memchr(s->line, '\n', s->used) == NULL)
            s->used = 0; /* a line longer than any trace line: not a trace, drop it */
        size_t out = take_lines(s, buf, max);
        if (out > 0) {
            s->idle_ms = 0;
            return (ssize_t)out;
        }
        /* A comment now and then: a page that went away is noticed. */
        if ((s->idle_ms += POLL_MS) >= KEEPALIVE_MS && max >= 3) {
            s->idle_ms = 0;
            memcpy(buf, ":\n\n", 3);
            return 3;
        }
        sleep_ms(POLL_MS);
    }
    return MHD_CONTENT_READER_END_OF_STREAM;
}

static void free_stream(void *cls)
{
    struct stream *s = cls;
    if (s->fd != -1)
        close(s->fd);
    free(s);
}

static enum MHD_Result serve_events(struct MHD_Connection *conn)
{
    struct stream *s = calloc(1, sizeof *s);
    if (s == NULL)
        return MHD_NO;
    s->fd = -1;
    struct MHD_Response *r =
        MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16384, read_events, s, free_stream);
    if (r == NULL) {
        free(s);
        return MHD_NO;
    }
    MHD_add_response_header(r, "Content-Type", "text/event-stream; charset=utf-8");
    MHD_add_response_header(r, "Cache-Control", "no-store");
    enum MHD_Result ok = MHD_queue_response(conn, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    return ok;
}

/* ---- the page and the step key -------------------------------------------------- */

static enum MHD_Result reply_text(struct MHD_Connection *conn, unsigned status, const char *text)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_MUST_COPY);
    if (r == NULL)
        return MHD_NO;
    MHD_add_response_header(r, "Content-Type", "text/plain; charset=utf-8");
    enum MHD_Result ok = MHD_queue_response(conn, status, r);
    MHD_destroy_response(r);
    return ok;
}

/* The page's files, by the only names served: nothing else of the disk is. */
static const struct {
    const char *url, *file, *type;
} PAGE[] = {
    {"/", "index.html", "text/html; charset=utf-8"},
    {"/index.html", "index.html", "text/html; charset=utf-8"},
    {"/live.js", "live.js", "text/javascript; charset=utf-8"},
    {"/live.css", "live.css", "text/css; charset=utf-8"},
};

static enum MHD_Result serve_file(struct MHD_Connection *conn, const char *file, const char *type)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", config.page_dir, file);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd == -1)
        return reply_text(conn, MHD_HTTP_NOT_FOUND, "the page's files are not there\n");
    off_t size = lseek(fd, 0, SEEK_END);
    if (size == -1) {
        close(fd);
        return reply_text(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "cannot read the page\n");
    }
    /* The response owns fd now and closes it. */
    struct MHD_Response *r = MHD_create_response_from_fd((size_t)size, fd);
    if (r == NULL) {
        close(fd);
        return MHD_NO;
    }
    MHD_add_response_header(r, "Content-Type", type);
    MHD_add_response_header(r, "Cache-Control", "no-store");
    enum MHD_Result ok = MHD_queue_response(conn, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    return ok;
}

/* One key press for the programs' step prompts; none waits: nothing to do. */
static enum MHD_Result press_key(struct MHD_Connection *conn)
{
    if (config.keys == NULL)
        return reply_text(conn, MHD_HTTP_NOT_FOUND, "not in step mode\n");
    int fd = open(config.keys, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd == -1) /* ENXIO: no prompt is reading the FIFO right now */
        return reply_text(conn, MHD_HTTP_CONFLICT, "no step is waiting\n");
    ssize_t n = write(fd, "\n", 1);
    close(fd);
    return reply_text(conn, n == 1 ? MHD_HTTP_OK : MHD_HTTP_CONFLICT, n == 1 ? "ok\n" : "busy\n");
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **state)
{
    (void)cls;
    (void)version;
    (void)upload;
    static int first_call; /* its address marks "headers seen" */
    if (*state == NULL) {
        *state = &first_call;
        return MHD_YES; /* a body, if any, comes in the next calls */
    }
    if (*upload_size != 0) {
        *upload_size = 0; /* no request here has a body worth reading */
        return MHD_YES;
    }
    if (strcmp(method, "POST") == 0 && strcmp(url, "/step") == 0)
        return press_key(conn);
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
        return reply_text(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "GET, or POST /step\n");
    if (strcmp(url, "/events") == 0)
        return serve_events(conn);
    for (size_t i = 0; i < sizeof PAGE / sizeof PAGE[0]; i++)
        if (strcmp(url, PAGE[i].url) == 0)
            return serve_file(conn, PAGE[i].file, PAGE[i].type);
    return reply_text(conn, MHD_HTTP_NOT_FOUND, "not here: try /\n");
}

int main(int argc, char **argv)
{
    err_set_progname(argv[0]);
    long port = 0;
    int opt;
    while ((opt = cli_next_option(&CLI, argc, argv)) != -1) {
        switch (opt) {
        case 'p':
            port = cli_parse_long(optarg, 0, 65535, "port");
            break;
        case 'd':
            config.page_dir = optarg;
            break;
        case 'k':
            config.keys = optarg;
            break;
        }
    }
    if (argc - optind != 1)
        die_usage("expected TRACE_LIVE_FILE, the file IPC_TRACE_LIVE names");
    config.trace = argv[optind];

    /* The signals that stop the server are taken by sigwait() below, in
     * this thread; the server's threads inherit the mask and never see them. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGHUP);
    if (sigprocmask(SIG_BLOCK, &stop, NULL) == -1)
        die_errno("sigprocmask");
    if (signal(SIGPIPE, SIG_IGN) == SIG_ERR) /* a page that went away is an error, not a death */
        die_errno("signal(SIGPIPE)");

    /* Loopback only: the room's browser runs on this machine. */
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, 0,
        NULL, NULL, handle, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)32, MHD_OPTION_END);
    if (d == NULL)
        die("cannot listen on 127.0.0.1 port %ld (in use? try -p 0)", port);
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    printf("live: http://127.0.0.1:%u/\n", info ? (unsigned)info->port : 0u);
    fflush(stdout);

    int sig;
    if (sigwait(&stop, &sig) != 0)
        die("sigwait failed");
    stopping = 1; /* every stream ends at its next look at the file */
    MHD_stop_daemon(d);
    return 0;
}
