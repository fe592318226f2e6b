/* test_chart_fixtures.c - see test_chart_fixtures.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_chart_fixtures.h"

char scratch_dir[256];

/*
 * The descriptor, as common/trace.c lifts it where the line is made: args
 * that start with "fd=N" name it (the convention every lab follows). The
 * step and the TCP states are never in the text: a test gives them as
 * fields (with_step, with_states).
 */
static void writer_fd(struct trace_event *ev)
{
    if (sscanf(ev->args, "fd=%d", &ev->fd) != 1)
        ev->fd = -1;
}

/* Adds one call; err is "" for success. Returns its index in the trace. */
size_t add(struct trace *t, uint64_t mono_ns, const char *call, const char *args, long ret,
           const char *err, const char *note)
{
    ck_assert_uint_lt(t->n, sizeof t->ev / sizeof t->ev[0]);
    struct trace_event *ev = &t->ev[t->n];
    memset(ev, 0, sizeof *ev);
    ev->mono_ns = mono_ns;
    ev->pid = 100;
    snprintf(ev->call, sizeof ev->call, "%s", call);
    snprintf(ev->args, sizeof ev->args, "%s", args);
    ev->has_ret = true;
    ev->ret = ret;
    snprintf(ev->err, sizeof ev->err, "%s", err);
    snprintf(ev->note, sizeof ev->note, "%s", note ? note : "");
    writer_fd(ev);
    return t->n++;
}

size_t with_states(struct trace *t, size_t i, const char *before, const char *after,
                   const char *then)
{
    struct trace_event *ev = &t->ev[i];
    snprintf(ev->state_before, sizeof ev->state_before, "%s", before ? before : "");
    snprintf(ev->state_after, sizeof ev->state_after, "%s", after);
    snprintf(ev->state_then, sizeof ev->state_then, "%s", then ? then : "");
    /* The note a person reads, as tcp_watch_end() words it. */
    if (then)
        snprintf(ev->note, sizeof ev->note, "state %s -> %s (then %s)", before ? before : "", after,
                 then);
    else if (before)
        snprintf(ev->note, sizeof ev->note, "state %s -> %s", before, after);
    else
        snprintf(ev->note, sizeof ev->note, "state %s", after);
    return i;
}

size_t with_step(struct trace *t, size_t i, int step)
{
    t->ev[i].step = step;
    return i;
}

/* The row that shows event ev of a trace. */
size_t row_of(const struct chart *c, const struct trace_event *ev)
{
    for (size_t i = 0; i < c->nrows; i++)
        if (c->rows[i].ev == ev)
            return i;
    ck_abort_msg("event %s(%s) is missing from the chart's rows", ev->call, ev->args);
    return CHART_NO_ROW;
}

/* Finds the arrow of a kind that leaves from_ev (NULL: from no call) and
 * arrives at to_ev (NULL: at no call). */
const struct chart_arrow *find_arrow(const struct chart *c, enum chart_arrow_kind kind,
                                     const struct trace_event *from_ev,
                                     const struct trace_event *to_ev)
{
    size_t from = from_ev ? row_of(c, from_ev) : CHART_NO_ROW;
    size_t to = to_ev ? row_of(c, to_ev) : CHART_NO_ROW;
    for (size_t i = 0; i < c->narrows; i++)
        if (c->arrows[i].kind == kind && c->arrows[i].from_row == from && c->arrows[i].to_row == to)
            return &c->arrows[i];
    return NULL;
}

size_t count_arrows(const struct chart *c, enum chart_arrow_kind kind)
{
    size_t n = 0;
    for (size_t i = 0; i < c->narrows; i++)
        n += c->arrows[i].kind == kind;
    return n;
}

void make_echo(struct echo *e)
{
    memset(e, 0, sizeof *e);
    struct trace *s = &e->server;
    struct trace *c = &e->client;
    with_states(s, add(s, 10, "socket", "AF_INET, SOCK_STREAM", 3, "", NULL), NULL, "CLOSE", NULL);
    add(s, 20, "bind", "fd=3, 127.0.0.1:0", 0, "", NULL);
    with_states(s, add(s, 30, "listen", "fd=3, backlog=8", 0, "", NULL), "CLOSE", "LISTEN", NULL);
    with_states(s, add(s, 35, "getsockname", "fd=3 -> 127.0.0.1:41234", 0, "", NULL), "LISTEN",
                "LISTEN", NULL);
    add(c, 100, "socket", "AF_INET, SOCK_STREAM", 3, "", NULL);
    e->s_accept =
        with_states(s, add(s, 290, "accept", "fd=3", 4, "", NULL), NULL, "ESTABLISHED", NULL);
    e->c_connect = with_states(c, add(c, 300, "connect", "fd=3, 127.0.0.1:41234", 0, "", NULL),
                               "CLOSE", "ESTABLISHED", NULL);
    e->s_recv = add(s, 390, "recv", "fd=4, 4096", 5, "", NULL);
    e->c_send = with_states(c, add(c, 400, "send", "fd=3, 5", 5, "", NULL), "ESTABLISHED",
                            "ESTABLISHED", NULL);
    e->s_send = add(s, 600, "send", "fd=4, 5", 5, "", NULL);
    e->c_recv = add(c, 700, "recv", "fd=3, 4096", 5, "", NULL);
    e->c_shutdown = with_states(c, add(c, 800, "shutdown", "fd=3, SHUT_WR", 0, "", NULL),
                                "ESTABLISHED", "FIN_WAIT2", NULL);
    e->s_eof =
        with_states(s, add(s, 900, "recv", "fd=4, 4096", 0, "", NULL), NULL, "CLOSE_WAIT", NULL);
    e->s_close_conn = add(s, 1000, "close", "fd=4", 0, "", NULL);
    e->s_close_listen = add(s, 1050, "close", "fd=3", 0, "", NULL);
    e->c_eof =
        with_states(c, add(c, 1100, "recv", "fd=3, 4096", 0, "", NULL), NULL, "TIME_WAIT", NULL);
    e->c_close = add(c, 1200, "close", "fd=3", 0, "", NULL);
}

void build(struct chart *c, const struct trace *client, const struct trace *server)
{
    ck_assert_msg(chart_build(c, client->ev, client->n, server->ev, server->n) == 0,
                  "chart_build failed: %s", strerror(errno));
}
