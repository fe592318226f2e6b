/*
 * test_chart_fixtures.h - small traces for the trace-chart tool's unit tests,
 * written in a few lines each, and what the tests ask of the chart built from
 * them. Shared by test_trace_read.c, test_chart_build.c and
 * test_trace_chart.c (the runner, and the SVG tests).
 */
#ifndef IPC_KIT_TEST_CHART_FIXTURES_H
#define IPC_KIT_TEST_CHART_FIXTURES_H

#include <check.h>
#include <stddef.h>
#include <stdint.h>

#include "chart.h"
#include "trace_read.h"

/* A trace under construction: the test appends calls in any time order. */
struct trace {
    struct trace_event ev[64];
    size_t n;
};

/* Adds one call; err is "" for success; note may be NULL. Fills fd as the
 * writer does (args that start with "fd=N"). Returns its index. */
size_t add(struct trace *t, uint64_t mono_ns, const char *call, const char *args, long ret,
           const char *err, const char *note);

/* Gives call i its TCP states as fields (before and then may be NULL), and
 * the note that tcp_watch_end() would write beside them. Returns i. */
size_t with_states(struct trace *t, size_t i, const char *before, const char *after,
                   const char *then);

/* Gives call i lab 04's step as its field. Returns i. */
size_t with_step(struct trace *t, size_t i, int step);

/* The row that shows event ev of a trace. */
size_t row_of(const struct chart *c, const struct trace_event *ev);

/* The arrow of a kind from from_ev to to_ev (NULL: no call there), or NULL. */
const struct chart_arrow *find_arrow(const struct chart *c, enum chart_arrow_kind kind,
                                     const struct trace_event *from_ev,
                                     const struct trace_event *to_ev);

size_t count_arrows(const struct chart *c, enum chart_arrow_kind kind);

#define REQUIRE_ARROW(c, kind, from, to, why)                                                      \
    ck_assert_msg(find_arrow((c), (kind), (from), (to)) != NULL,                                   \
                  "expected a %s arrow: %s (see add_stream/add_ending in chart.c)",                \
                  chart_arrow_name(kind), (why))

/* The echo exchange of lab 04, with the timing quirks real traces have:
 * accept() and the first recv() are logged a little before the client's
 * connect() and send() return. */
struct echo {
    struct trace client, server;
    size_t c_connect, c_send, c_recv, c_shutdown, c_eof, c_close;
    size_t s_accept, s_recv, s_send, s_eof, s_close_conn, s_close_listen;
};

void make_echo(struct echo *e);

/* Builds the chart of two traces, or fails the test. */
void build(struct chart *c, const struct trace *client, const struct trace *server);

/* A private folder for the tests that write files (made and removed by main). */
extern char scratch_dir[256];

/* The tests of each part, for the runner (test_trace_chart.c). */
void add_read_tests(TCase *tc);
void add_build_tests(TCase *tc);

#endif
