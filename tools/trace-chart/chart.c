/* chart.c - see chart.h. */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "grow.h"

/* Descriptors above this are not followed (a trace of one demo never gets there). */
#define FD_LIMIT 1024

/* One side's calls in time order, and what the chart learns about each. */
struct lane {
    const struct trace_event **ev;
    size_t n;
    long *conn;     /* the connection a call belongs to, or -1 */
    long *wait_for; /* the last call on the other side that must be drawn first, or -1 */
    size_t *row;    /* the row the call ended up on */
    long *opens;    /* opens[k]: the call that opened connection k here, or -1 */
};

/* An arrow while the chart is built: its ends are indexes into the lanes. */
struct draft {
    enum chart_arrow_kind kind;
    enum chart_side from_side;
    long from; /* -1: not in the trace */
    long to;
    char label[32];
};

struct builder {
    struct lane lane[2];
    long nconn;
    struct draft *drafts;
    size_t ndrafts;
    size_t cap_drafts;
};

static const char *const SEND_CALLS[] = {"send", "sendto", "sendmsg", "write", NULL};
static const char *const RECV_CALLS[] = {"recv", "recvfrom", "recvmsg", "read", NULL};

const char *chart_arrow_name(enum chart_arrow_kind kind)
{
    switch (kind) {
    case ARROW_SYN:
        return "SYN";
    case ARROW_DATA:
        return "data";
    case ARROW_URGENT:
        return "urgent";
    case ARROW_FIN:
        return "FIN";
    case ARROW_RST:
        return "RST";
    }
    return "?";
}

/* ---- what a call is ---------------------------------------------------- */

static bool call_in(const struct trace_event *ev, const char *const names[])
{
    for (size_t i = 0; names[i]; i++)
        if (strcmp(ev->call, names[i]) == 0)
            return true;
    return false;
}

static bool is_call(const struct trace_event *ev, const char *name)
{
    return strcmp(ev->call, name) == 0;
}

static bool is_urgent(const struct trace_event *ev)
{
    return trace_event_has_word(ev, "MSG_OOB");
}

/* Bytes moved by a send or recv that succeeded, else 0. */
static long bytes_moved(const struct trace_event *ev, const char *const names[])
{
    return (call_in(ev, names) && ev->has_ret && ev->ret > 0) ? ev->ret : 0;
}

/* The descriptor the call acted on, from the trace's "fd" field, or -1. */
static int arg_fd(const struct trace_event *ev)
{
    return ev->fd;
}

/* connect() on the client, accept() on the server; a non-blocking connect
 * that is under way (EINPROGRESS) counts too. */
static bool opens_connection(const struct trace_event *ev, enum chart_side side)
{
    if (!ev->has_ret)
        return false;
    if (side == CHART_CLIENT)
        return is_call(ev, "connect") && (ev->ret == 0 || strcmp(ev->err, "EINPROGRESS") == 0);
    return (is_call(ev, "accept") || is_call(ev, "accept4")) && ev->ret >= 0;
}

/* The descriptor of the connection an opening call made. */
static int opened_fd(const struct trace_event *ev, enum chart_side side)
{
    if (side == CHART_CLIENT)
        return arg_fd(ev);
    return ev->ret <= INT_MAX ? (int)ev->ret : -1;
}

/* setsockopt(SO_LINGER) with l_onoff 1 and l_linger 0: the next close()
 * sends RST instead of FIN. Lab 04 writes "SO_LINGER {1, 0}" or
 * "onoff=1 linger=0"; any other SO_LINGER counts as not aborting. */
static bool sets_abortive_linger(const struct trace_event *ev)
{
    if (!is_call(ev, "setsockopt") || ev->ret != 0 || !trace_event_has_word(ev, "SO_LINGER"))
        return false;
    return trace_event_has_word(ev, "{1, 0}") || trace_event_has_word(ev, "{1,0}") ||
           (trace_event_has_word(ev, "onoff=1") && trace_event_has_word(ev, "linger=0"));
}

static bool shuts_down_writing(const struct trace_event *ev)
{
    return is_call(ev, "shutdown") && ev->ret == 0 &&
           (trace_event_has_word(ev, "SHUT_WR") || trace_event_has_word(ev, "SHUT_RDWR"));
}

static bool is_reset(const struct trace_event *ev)
{
    return strcmp(ev->err, "ECONNRESET") == 0;
}

/* ---- lanes ------------------------------------------------------------- */

static int by_time(const void *a, const void *b)
{
    const struct trace_event *x = *(const struct trace_event *const *)a;
    const struct trace_event *y = *(const struct trace_event *const *)b;
    if (x->mono_ns != y->mono_ns)
        return x->mono_ns < y->mono_ns ? -1 : 1;
    return x < y ? -1 : (x > y); /* equal times keep the file's order */
}

static void lane_free(struct lane *lane)
{
    free(lane->ev);
    free(lane->conn);
    free(lane->wait_for);
    free(lane->row);
    free(lane->opens);
    memset(lane, 0, sizeof *lane);
}

/* The calls of one trace (narration lines left out), sorted by time. */
static int lane_init(struct lane *lane, const struct trace_event *events, size_t count)
{
    memset(lane, 0, sizeof *lane);
    size_t alloc = count ? count : 1;
    lane->ev = calloc(alloc, sizeof *lane->ev);
    lane->conn = calloc(alloc, sizeof *lane->conn);
    lane->wait_for = calloc(alloc, sizeof *lane->wait_for);
    lane->row = calloc(alloc, sizeof *lane->row);
    if (!lane->ev || !lane->conn || !lane->wait_for || !lane->row) {
        lane_free(lane);
        errno = ENOMEM;
        return -1;
    }
    /* A start line (phase "start", from a trace of stderr) is not a call of
     * its own: its call's record carries the start. */
    for (size_t i = 0; i < count; i++)
        if (events[i].call[0] != '\0' && events[i].phase != TRACE_PHASE_START)
            lane->ev[lane->n++] = &events[i];
    qsort(lane->ev, lane->n, sizeof *lane->ev, by_time);
    for (size_t i = 0; i < lane->n; i++) {
        lane->conn[i] = -1;
        lane->wait_for[i] = -1;
    }
    return 0;
}

/* Tags each call with its connection: the k-th opening call on a side
 * opens connection k, and later calls name it by its descriptor. A call
 * with no "fd=" belongs to the connection opened last. */
static int tag_connections(struct lane *lane, enum chart_side side, long nconn)
{
    lane->opens = malloc((size_t)(nconn ? nconn : 1) * sizeof *lane->opens);
    if (lane->opens == NULL)
        return -1;
    for (long k = 0; k < nconn; k++)
        lane->opens[k] = -1;
    long fd_conn[FD_LIMIT];
    for (int fd = 0; fd < FD_LIMIT; fd++)
        fd_conn[fd] = -1;
    long next = 0;
    long last_opened = -1;
    for (size_t i = 0; i < lane->n; i++) {
        const struct trace_event *ev = lane->ev[i];
        if (opens_connection(ev, side)) {
            int fd = opened_fd(ev, side);
            if (fd >= 0 && fd < FD_LIMIT)
                fd_conn[fd] = next;
            lane->opens[next] = (long)i;
            lane->conn[i] = last_opened = next++;
            continue;
        }
        int fd = arg_fd(ev);
        if (fd < 0)
            lane->conn[i] = last_opened;
        else if (fd < FD_LIMIT)
            lane->conn[i] = fd_conn[fd];
        if (is_call(ev, "close") && fd >= 0 && fd < FD_LIMIT)
            fd_conn[fd] = -1; /* the number may be reused for another socket */
    }
    return 0;
}

static long count_openings(const struct lane *lane, enum chart_side side)
{
    long n = 0;
    for (size_t i = 0; i < lane->n; i++)
        n += opens_connection(lane->ev[i], side);
    return n;
}

/* ---- arrows ------------------------------------------------------------ */

static int add_arrow(struct builder *b, enum chart_arrow_kind kind, enum chart_side from_side,
                     long from, long to, const char *label)
{
    struct draft *drafts = grow_array(b->drafts, b->ndrafts, &b->cap_drafts, sizeof *drafts);
    if (drafts == NULL)
        return -1;
    b->drafts = drafts;
    struct draft *d = &b->drafts[b->ndrafts++];
    d->kind = kind;
    d->from_side = from_side;
    d->from = from;
    d->to = to;
    snprintf(d->label, sizeof d->label, "%s", label ? label : chart_arrow_name(kind));
    return 0;
}

/* The first call of connection k on a lane that matches, or -1. */
static long first_where(const struct lane *lane, long k, bool (*match)(const struct trace_event *))
{
    for (size_t i = 0; i < lane->n; i++)
        if (lane->conn[i] == k && match(lane->ev[i]))
            return (long)i;
    return -1;
}

static bool is_eof(const struct trace_event *ev)
{
    return call_in(ev, RECV_CALLS) && ev->has_ret && ev->ret == 0;
}

static bool is_close(const struct trace_event *ev)
{
    return is_call(ev, "close") && ev->ret == 0;
}

static int add_handshakes(struct builder *b)
{
    for (long k = 0; k < b->nconn; k++)
        if (add_arrow(b, ARROW_SYN, CHART_CLIENT, b->lane[CHART_CLIENT].opens[k],
                      b->lane[CHART_SERVER].opens[k], NULL) == -1)
            return -1;
    /* A refused connect: the server's kernel answered the SYN with RST. */
    const struct lane *client = &b->lane[CHART_CLIENT];
    for (size_t i = 0; i < client->n; i++)
        if (is_call(client->ev[i], "connect") && strcmp(client->ev[i]->err, "ECONNREFUSED") == 0)
            if (add_arrow(b, ARROW_RST, CHART_SERVER, -1, (long)i, "RST: refused") == -1)
                return -1;
    return 0;
}

/* The bytes that side s wrote into connection k, send by send: each send's
 * arrow ends at the recv that received its last byte. An urgent send puts
 * all but its last byte in the stream; the last byte travels apart. */
static int add_stream(struct builder *b, long k, enum chart_side s)
{
    const struct lane *tx = &b->lane[s];
    struct lane *rx = &b->lane[!s];
    long sent = 0;
    long received = 0;
    long received_at = -1; /* the recv that brought the total to 'received' */
    size_t j = 0;
    for (size_t i = 0; i < tx->n; i++) {
        long n = tx->conn[i] == k ? bytes_moved(tx->ev[i], SEND_CALLS) : 0;
        if (n > 0 && is_urgent(tx->ev[i]))
            n -= 1;
        if (n <= 0)
            continue;
        sent += n;
        while (received < sent && j < rx->n) {
            const struct trace_event *r = rx->ev[j];
            long got = (rx->conn[j] == k && !is_urgent(r)) ? bytes_moved(r, RECV_CALLS) : 0;
            if (got > 0) {
                received += got;
                received_at = (long)j;
                /* Every recv that holds bytes of this send, a 4-byte header
                 * read too, is drawn after it: bytes never arrive early. */
                if (rx->wait_for[j] < (long)i)
                    rx->wait_for[j] = (long)i;
            }
            j++;
        }
        char label[32];
        snprintf(label, sizeof label, "%ld B", n);
        if (add_arrow(b, ARROW_DATA, s, (long)i, received >= sent ? received_at : -1, label) == -1)
            return -1;
    }
    return 0;
}

/* Urgent bytes pair up in order: the m-th send(MSG_OOB) with the m-th recv(MSG_OOB). */
static int add_urgent(struct builder *b, long k, enum chart_side s)
{
    const struct lane *tx = &b->lane[s];
    const struct lane *rx = &b->lane[!s];
    size_t j = 0;
    for (size_t i = 0; i < tx->n; i++) {
        if (tx->conn[i] != k || !is_urgent(tx->ev[i]) || bytes_moved(tx->ev[i], SEND_CALLS) == 0)
            continue;
        while (j < rx->n && !(rx->conn[j] == k && is_urgent(rx->ev[j]) &&
                              bytes_moved(rx->ev[j], RECV_CALLS) > 0))
            j++;
        long to = j < rx->n ? (long)j++ : -1;
        if (add_arrow(b, ARROW_URGENT, s, (long)i, to, "urgent 1 B") == -1)
            return -1;
    }
    return 0;
}

/* How side s ended connection k, and what the peer saw of it. */
static int add_ending(struct builder *b, long k, enum chart_side s)
{
    const struct lane *me = &b->lane[s];
    const struct lane *peer = &b->lane[!s];
    long shutdown_at = first_where(me, k, shuts_down_writing);
    long close_at = first_where(me, k, is_close);
    long eof_at = first_where(peer, k, is_eof);
    long reset_at = first_where(peer, k, is_reset);

    bool abort_armed = false;
    for (long i = 0; close_at >= 0 && i < close_at; i++)
        if (me->conn[i] == k && sets_abortive_linger(me->ev[i]))
            abort_armed = true;

    /* FIN goes out with the first shutdown(SHUT_WR), else with close(),
     * unless that close is an abort or threw away unread data (RST). */
    long fin_at = shutdown_at >= 0 ? shutdown_at : close_at;
    /* A socket that was reset has no connection left to send a FIN on. */
    long reset_here = first_where(me, k, is_reset);
    if (reset_here >= 0 && reset_here < fin_at)
        fin_at = -1;
    bool close_resets =
        close_at >= 0 && shutdown_at < 0 && (abort_armed || (reset_at >= 0 && eof_at < 0));
    if (close_resets)
        return add_arrow(b, ARROW_RST, s, close_at, reset_at, NULL);
    if (fin_at >= 0 || eof_at >= 0)
        if (add_arrow(b, ARROW_FIN, s, fin_at, eof_at, NULL) == -1)
            return -1;
    /* An abort after a half-close still resets. Any other reset came from
     * the kernel, e.g. for data that reached a socket already closed. */
    if (abort_armed && close_at >= 0)
        return add_arrow(b, ARROW_RST, s, close_at, reset_at, NULL);
    if (reset_at >= 0)
        return add_arrow(b, ARROW_RST, s, -1, reset_at, NULL);
    return 0;
}

static int add_arrows(struct builder *b)
{
    if (add_handshakes(b) == -1)
        return -1;
    for (long k = 0; k < b->nconn; k++)
        for (int s = 0; s < 2; s++)
            if (add_stream(b, k, (enum chart_side)s) == -1 ||
                add_urgent(b, k, (enum chart_side)s) == -1 ||
                add_ending(b, k, (enum chart_side)s) == -1)
                return -1;
    return 0;
}

/* ---- rows -------------------------------------------------------------- */

/* A receiving call waits for the sending call of every arrow ending there. */
static void note_dependencies(struct builder *b)
{
    for (size_t i = 0; i < b->ndrafts; i++) {
        const struct draft *d = &b->drafts[i];
        if (d->from < 0 || d->to < 0)
            continue;
        struct lane *receiver = &b->lane[!d->from_side];
        if (receiver->wait_for[d->to] < d->from)
            receiver->wait_for[d->to] = d->from;
    }
}

/* The socket a row is about: the new one for socket() and accept(),
 * else the "fd=N" of its arguments; -1 when there is none. */
static int row_fd(const struct trace_event *ev)
{
    if ((is_call(ev, "socket") || is_call(ev, "accept") || is_call(ev, "accept4")) && ev->has_ret &&
        ev->ret >= 0 && ev->ret <= INT_MAX)
        return (int)ev->ret;
    return arg_fd(ev);
}

/* Merges the two lanes by time, but never draws a call before a call it
 * waits for (see chart.h). */
static void place_rows(struct builder *b, struct chart *chart)
{
    size_t next[2] = {0, 0};
    const size_t n[2] = {b->lane[0].n, b->lane[1].n};
    /* The state each socket (side, descriptor) was last seen in. */
    static char last_state[2][FD_LIMIT][sizeof chart->rows[0].state];
    memset(last_state, 0, sizeof last_state);
    for (size_t row = 0; row < n[0] + n[1]; row++) {
        bool ready[2];
        for (int s = 0; s < 2; s++)
            ready[s] = next[s] < n[s] && b->lane[s].wait_for[next[s]] < (long)next[!s];
        bool earlier[2];
        for (int s = 0; s < 2; s++)
            earlier[s] = next[s] < n[s] &&
                         (next[!s] >= n[!s] ||
                          b->lane[s].ev[next[s]]->mono_ns <= b->lane[!s].ev[next[!s]]->mono_ns);
        int s;
        if (ready[0] != ready[1])
            s = ready[0] ? 0 : 1;
        else /* both ready, or (in a trace that contradicts itself) neither */
            s = earlier[0] ? 0 : 1;
        struct chart_row *r = &chart->rows[row];
        r->ev = b->lane[s].ev[next[s]];
        r->side = (enum chart_side)s;
        snprintf(r->state, sizeof r->state, "%s", r->ev->state_after);
        const char *before = r->ev->state_before;
        /* Changed by the call, or since the last call on this socket (the
         * peer's ACK or FIN moved it in between): either way a new state. */
        int fd = row_fd(r->ev);
        const char *last = fd >= 0 && fd < FD_LIMIT ? last_state[s][fd] : "";
        r->state_changed = r->state[0] && (strcmp(before, r->state) != 0 ||
                                           (last[0] && strcmp(last, r->state) != 0));
        if (r->state[0] && fd >= 0 && fd < FD_LIMIT)
            snprintf(last_state[s][fd], sizeof last_state[s][fd], "%s", r->state);
        b->lane[s].row[next[s]] = row;
        next[s]++;
    }
}

/* The life of one socket: a descriptor number from the call that made it
 * (socket, accept) to its close. Two rows are on the same socket when they
 * are on one side, name the same descriptor, and no call made it anew in
 * between. */
struct socket_life {
    int fd;
    int born; /* how many times that descriptor was made before this row's */
};

static struct socket_life life_of(const struct chart *chart, size_t r)
{
    const struct chart_row *row = &chart->rows[r];
    struct socket_life life = {row_fd(row->ev), 0};
    for (size_t i = 0; i <= r && life.fd >= 0; i++) {
        const struct trace_event *ev = chart->rows[i].ev;
        bool makes = (is_call(ev, "socket") || is_call(ev, "accept") || is_call(ev, "accept4"));
        if (chart->rows[i].side == row->side && makes && row_fd(ev) == life.fd)
            life.born++;
    }
    return life;
}

/* Marks every row on a socket that listened at some time in its life. */
static void mark_listeners(struct chart *chart)
{
    for (size_t r = 0; r < chart->nrows; r++) {
        const struct chart_row *row = &chart->rows[r];
        if (strcmp(row->ev->state_before, "LISTEN") != 0 &&
            strcmp(row->ev->state_after, "LISTEN") != 0)
            continue;
        struct socket_life life = life_of(chart, r);
        if (life.fd < 0)
            continue;
        for (size_t i = 0; i < chart->nrows; i++) {
            if (chart->rows[i].side != row->side || row_fd(chart->rows[i].ev) != life.fd)
                continue;
            struct socket_life other = life_of(chart, i);
            if (other.born == life.born) {
                chart->rows[i].listener = true;
                chart->has_listener = true;
            }
        }
    }
}

static size_t row_of(const struct builder *b, enum chart_side side, long index)
{
    return index < 0 ? CHART_NO_ROW : b->lane[side].row[index];
}

static void builder_free(struct builder *b)
{
    lane_free(&b->lane[0]);
    lane_free(&b->lane[1]);
    free(b->drafts);
}

static int fill_chart(struct builder *b, struct chart *chart)
{
    size_t nrows = b->lane[0].n + b->lane[1].n;
    chart->rows = calloc(nrows ? nrows : 1, sizeof *chart->rows);
    chart->arrows = calloc(b->ndrafts ? b->ndrafts : 1, sizeof *chart->arrows);
    if (chart->rows == NULL || chart->arrows == NULL)
        return -1;
    chart->nrows = nrows;
    place_rows(b, chart);
    mark_listeners(chart);
    for (size_t i = 0; i < b->ndrafts; i++) {
        const struct draft *d = &b->drafts[i];
        struct chart_arrow *a = &chart->arrows[i];
        a->kind = d->kind;
        a->from_side = d->from_side;
        a->from_row = row_of(b, d->from_side, d->from);
        a->to_row = row_of(b, !d->from_side, d->to);
        snprintf(a->label, sizeof a->label, "%s", d->label);
    }
    chart->narrows = b->ndrafts;
    if (chart_add_starts(chart) == -1)
        return -1;
    nrows = chart->nrows;
    for (int s = 0; s < 2; s++)
        chart->pid[s] = b->lane[s].n ? b->lane[s].ev[0]->pid : 0;
    chart->start_ns = 0;
    if (nrows)
        chart->start_ns = chart->rows[0].ev->mono_ns;
    for (size_t i = 0; i < nrows; i++)
        if (chart->rows[i].ev->mono_ns < chart->start_ns)
            chart->start_ns = chart->rows[i].ev->mono_ns;
    return 0;
}

int chart_build(struct chart *chart, const struct trace_event *client, size_t nclient,
                const struct trace_event *server, size_t nserver)
{
    memset(chart, 0, sizeof *chart);
    struct builder b;
    memset(&b, 0, sizeof b);
    int rc = -1;
    if (lane_init(&b.lane[CHART_CLIENT], client, nclient) == -1 ||
        lane_init(&b.lane[CHART_SERVER], server, nserver) == -1)
        goto out;
    long opened_client = count_openings(&b.lane[CHART_CLIENT], CHART_CLIENT);
    long opened_server = count_openings(&b.lane[CHART_SERVER], CHART_SERVER);
    b.nconn = opened_client > opened_server ? opened_client : opened_server;
    if (tag_connections(&b.lane[CHART_CLIENT], CHART_CLIENT, b.nconn) == -1 ||
        tag_connections(&b.lane[CHART_SERVER], CHART_SERVER, b.nconn) == -1 || add_arrows(&b) == -1)
        goto out;
    note_dependencies(&b);
    rc = fill_chart(&b, chart);
out:
    if (rc == -1) {
        chart_free(chart);
        errno = ENOMEM; /* the only way this can fail */
    }
    builder_free(&b);
    return rc;
}

void chart_compact(struct chart *chart)
{
    if (chart->nrows == 0)
        return;
    bool *keep = calloc(chart->nrows, sizeof *keep);
    size_t *moved_to = calloc(chart->nrows, sizeof *moved_to);
    if (keep == NULL || moved_to == NULL) {
        free(keep); /* no memory: the chart stays complete, which is still right */
        free(moved_to);
        return;
    }
    static const char *const LIFECYCLE[] = {"socket",  "bind",     "listen", "accept",
                                            "connect", "shutdown", "close",  NULL};
    /* Every byte moved is drawn, headers too, and so is the SO_LINGER that
     * turns a close into an abort: a row left out would hide a cause. */
    for (size_t i = 0; i < chart->nrows; i++) {
        const struct trace_event *ev = chart->rows[i].ev;
        keep[i] = chart->rows[i].state_changed || call_in(ev, LIFECYCLE) ||
                  call_in(ev, SEND_CALLS) || call_in(ev, RECV_CALLS) ||
                  (is_call(ev, "setsockopt") && trace_event_has_word(ev, "SO_LINGER"));
    }
    for (size_t i = 0; i < chart->narrows; i++) {
        const struct chart_arrow *a = &chart->arrows[i];
        if (a->from_row != CHART_NO_ROW)
            keep[a->from_row] = true;
        if (a->to_row != CHART_NO_ROW)
            keep[a->to_row] = true;
    }
    /* A start row stays while its call's row stays and something else
     * still stands between the two; otherwise that row says it all. */
    for (size_t i = 0; i < chart->nrows; i++) {
        if (!chart->rows[i].start)
            continue;
        size_t end = chart_end_of(chart, i);
        keep[i] = false;
        for (size_t k = i + 1; end != CHART_NO_ROW && keep[end] && k < end; k++)
            keep[i] = keep[i] || (keep[k] && !chart->rows[k].start);
    }
    size_t kept = 0;
    for (size_t i = 0; i < chart->nrows; i++) {
        moved_to[i] = kept;
        if (keep[i])
            chart->rows[kept++] = chart->rows[i];
    }
    chart->nrows = kept;
    chart_move_arrows(chart, moved_to);
    free(keep);
    free(moved_to);
}

void chart_free(struct chart *chart)
{
    free(chart->rows);
    free(chart->arrows);
    memset(chart, 0, sizeof *chart);
}
