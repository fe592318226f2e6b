/*
 * chart_spans.c - a call that waited, drawn as a start and an end.
 *
 * A call announced with trace_call_begin() (trace.h) carries when it began
 * (start_ns) beside when it returned (mono_ns). When the other side did
 * something in between (the server's recv() waited while the client sent),
 * the chart shows the call twice: a start row where it began and its own
 * row where it returned, so that the send is seen to happen while the
 * receiver waits, never after. A call that returned before anything else
 * happened keeps one row: its start would only repeat it. So does a call
 * that does not wait for the peer (send, shutdown, close): its row is
 * already above every effect it has (chart.h), and a slide has few rows.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"

/* When the row's moment happened: a start row's call began, any other returned. */
static uint64_t row_time(const struct chart_row *row)
{
    return row->start ? row->ev->start_ns : row->ev->mono_ns;
}

/* The calls that wait for the other side: data, a connection, readiness. */
static bool waits_for_peer(const struct trace_event *ev)
{
    static const char *const WAITING[] = {"recv",    "recvfrom", "recvmsg", "read",   "accept",
                                          "accept4", "poll",     "select",  "connect"};
    for (size_t i = 0; i < sizeof WAITING / sizeof WAITING[0]; i++)
        if (strcmp(ev->call, WAITING[i]) == 0)
            return true;
    return false;
}

/* Where the start of row r goes: above the rows of the other side that
 * came after the call began, below this side's row before it. r itself
 * when nothing came in between. */
static size_t start_position(const struct chart *chart, size_t r)
{
    const struct chart_row *end = &chart->rows[r];
    const struct trace_event *ev = end->ev;
    if (end->start || ev->phase != TRACE_PHASE_END || ev->start_ns == 0 ||
        ev->start_ns >= ev->mono_ns || !waits_for_peer(ev))
        return r;
    size_t p = r;
    while (p > 0 && chart->rows[p - 1].side != end->side &&
           row_time(&chart->rows[p - 1]) > ev->start_ns)
        p--;
    return p;
}

void chart_move_arrows(struct chart *chart, const size_t *moved_to)
{
    for (size_t i = 0; i < chart->narrows; i++) {
        struct chart_arrow *a = &chart->arrows[i];
        if (a->from_row != CHART_NO_ROW)
            a->from_row = moved_to[a->from_row];
        if (a->to_row != CHART_NO_ROW)
            a->to_row = moved_to[a->to_row];
    }
}

int chart_add_starts(struct chart *chart)
{
    size_t n = chart->nrows;
    if (n == 0)
        return 0;
    size_t *at = malloc(n * sizeof *at);
    size_t *moved_to = malloc(n * sizeof *moved_to);
    if (at == NULL || moved_to == NULL) {
        free(at);
        free(moved_to);
        errno = ENOMEM;
        return -1;
    }
    size_t extra = 0;
    for (size_t r = 0; r < n; r++) {
        at[r] = start_position(chart, r);
        extra += at[r] != r;
    }
    struct chart_row *rows = extra ? calloc(n + extra, sizeof *rows) : NULL;
    if (extra && rows == NULL) {
        free(at);
        free(moved_to);
        errno = ENOMEM;
        return -1;
    }
    size_t out = 0;
    for (size_t k = 0; extra && k < n; k++) {
        /* The starts that go just above row k, earliest first. */
        for (;;) {
            size_t first = n;
            for (size_t r = k; r < n; r++)
                if (at[r] == k && r != k &&
                    (first == n || chart->rows[r].ev->start_ns < chart->rows[first].ev->start_ns))
                    first = r;
            if (first == n)
                break;
            rows[out] = chart->rows[first];
            rows[out].start = true;
            rows[out].state[0] = '\0'; /* the state is told where the call returned */
            rows[out].state_changed = false;
            out++;
            at[first] = first; /* placed */
        }
        moved_to[k] = out;
        rows[out++] = chart->rows[k];
    }
    if (extra) {
        free(chart->rows);
        chart->rows = rows;
        chart->nrows = out;
        chart_move_arrows(chart, moved_to);
    }
    free(at);
    free(moved_to);
    return 0;
}

size_t chart_end_of(const struct chart *chart, size_t start_row)
{
    for (size_t i = start_row + 1; i < chart->nrows; i++)
        if (chart->rows[i].ev == chart->rows[start_row].ev && !chart->rows[i].start)
            return i;
    return CHART_NO_ROW;
}
