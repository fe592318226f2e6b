/* test_chart_fixtures.c - see test_chart_fixtures.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_chart_fixtures.h"

char scratch_dir[256];

/*
 * Fills the fields that common/trace.c writes beside args and note, from
 * the same conventions ("fd=N" first, "[step N]", "state A -> B (then C)"),
 * so that these small traces read as the writer would have written them.
 */
void writer_fields(struct trace_event *ev)
{
    ev->fd = -1;
    if (sscanf(ev->args, "fd=%d", &ev->fd) != 1)
        ev->fd = -1;
    const char *tag = strstr(ev->args, "[step ");
    ev->step = tag ? atoi(tag + 6) : 0;
    char before[16] = "", after[16] = "", then[16] = "";
    int n = sscanf(ev->note, "state %15s -> %15s (then %15[A-Z_0-9]", before, after, then);
    if (n >= 2) {
        snprintf(ev->state_before, sizeof ev->state_before, "%s", before);
        snprintf(ev->state_after, sizeof ev->state_after, "%s", after);
        snprintf(ev->state_then, sizeof ev->state_then, "%s", then);
    } else if (n == 1) {
        snprintf(ev->state_after, sizeof ev->state_after, "%s", before); /* "state LISTEN" */
    }
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
    writer_fields(ev);
    return t->n++;
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
    add(s, 10, "socket", "AF_INET, SOCK_STREAM", 3, "", "state CLOSE");
    add(s, 20, "bind", "fd=3, 127.0.0.1:0", 0, "", NULL);
    add(s, 30, "listen", "fd=3, backlog=8", 0, "", "state CLOSE -> LISTEN");
    add(s, 35, "getsockname", "fd=3 -> 127.0.0.1:41234", 0, "", "state LISTEN -> LISTEN");
    add(c, 100, "socket", "AF_INET, SOCK_STREAM", 3, "", NULL);
    e->s_accept = add(s, 290, "accept", "fd=3", 4, "", "state ESTABLISHED");
    e->c_connect =
        add(c, 300, "connect", "fd=3, 127.0.0.1:41234", 0, "", "state CLOSE -> ESTABLISHED");
    e->s_recv = add(s, 390, "recv", "fd=4, 4096", 5, "", NULL);
    e->c_send = add(c, 400, "send", "fd=3, 5", 5, "", "state ESTABLISHED -> ESTABLISHED");
    e->s_send = add(s, 600, "send", "fd=4, 5", 5, "", NULL);
    e->c_recv = add(c, 700, "recv", "fd=3, 4096", 5, "", NULL);
    e->c_shutdown =
        add(c, 800, "shutdown", "fd=3, SHUT_WR", 0, "", "state ESTABLISHED -> FIN_WAIT2");
    e->s_eof = add(s, 900, "recv", "fd=4, 4096", 0, "", "state CLOSE_WAIT");
    e->s_close_conn = add(s, 1000, "close", "fd=4", 0, "", NULL);
    e->s_close_listen = add(s, 1050, "close", "fd=3", 0, "", NULL);
    e->c_eof = add(c, 1100, "recv", "fd=3, 4096", 0, "", "state TIME_WAIT");
    e->c_close = add(c, 1200, "close", "fd=3", 0, "", NULL);
}

void build(struct chart *c, const struct trace *client, const struct trace *server)
{
    ck_assert_msg(chart_build(c, client->ev, client->n, server->ev, server->n) == 0,
                  "chart_build failed: %s", strerror(errno));
}
