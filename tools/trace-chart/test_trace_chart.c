/*
 * test_trace_chart - unit tests of the trace-chart tool, on small traces.
 *
 * usage: test_trace_chart              run the tests (make test-slides does)
 *        test_trace_chart --xml FILE...  only check that each FILE is
 *                                        well-formed XML (where xmllint is
 *                                        not installed)
 *
 * Three layers, each on hand-made traces whose right answer is known:
 * reading trace lines (trace_event.c), building the chart: rows, order and
 * arrows (chart.c), and writing SVG that is well-formed whatever the
 * traced programs printed (chart_svg.c). Whole files from real runs are
 * checked with xmllint by slides/scripts/test-slides.sh.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chart.h"
#include "chart_svg.h"
#include "trace_read.h"

/* ---- helpers: traces in a few lines ------------------------------------- */

/* A trace under construction: the test appends calls in any time order. */
struct trace {
    struct trace_event ev[64];
    size_t n;
};

/*
 * Fills the fields that common/trace.c writes beside args and note, from
 * the same conventions ("fd=N" first, "[step N]", "state A -> B (then C)"),
 * so that these small traces read as the writer would have written them.
 */
static void writer_fields(struct trace_event *ev)
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
static size_t add(struct trace *t, uint64_t mono_ns, const char *call, const char *args, long ret,
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
static size_t row_of(const struct chart *c, const struct trace_event *ev)
{
    for (size_t i = 0; i < c->nrows; i++)
        if (c->rows[i].ev == ev)
            return i;
    ck_abort_msg("event %s(%s) is missing from the chart's rows", ev->call, ev->args);
    return CHART_NO_ROW;
}

/* Finds the arrow of a kind that leaves from_ev (NULL: from no call) and
 * arrives at to_ev (NULL: at no call). */
static const struct chart_arrow *find_arrow(const struct chart *c, enum chart_arrow_kind kind,
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

static size_t count_arrows(const struct chart *c, enum chart_arrow_kind kind)
{
    size_t n = 0;
    for (size_t i = 0; i < c->narrows; i++)
        n += c->arrows[i].kind == kind;
    return n;
}

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

static void make_echo(struct echo *e)
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

static void build(struct chart *c, const struct trace *client, const struct trace *server)
{
    ck_assert_msg(chart_build(c, client->ev, client->n, server->ev, server->n) == 0,
                  "chart_build failed: %s", strerror(errno));
}

/* ---- reading trace lines ------------------------------------------------- */

START_TEST(parses_a_call_line_as_trace_c_writes_it)
{
    const char *line = "{\"t\":0.000153,\"mono_ns\":123456789012,\"pid\":4242,\"role\":\"server\","
                       "\"call\":\"bind\",\"args\":\"fd=3, 127.0.0.1:27015\",\"ret\":-1,"
                       "\"errno\":\"EADDRINUSE\",\"note\":\"state CLOSE\"}\n";
    struct trace_event ev;
    ck_assert_int_eq(trace_event_parse(line, &ev), 0);
    ck_assert_uint_eq(ev.mono_ns, 123456789012u);
    ck_assert_int_eq(ev.pid, 4242);
    ck_assert_str_eq(ev.role, "server");
    ck_assert_str_eq(ev.call, "bind");
    ck_assert_str_eq(ev.args, "fd=3, 127.0.0.1:27015");
    ck_assert(ev.has_ret);
    ck_assert_int_eq(ev.ret, -1);
    ck_assert_str_eq(ev.err, "EADDRINUSE");
    ck_assert_str_eq(ev.note, "state CLOSE");
}
END_TEST

START_TEST(parses_a_narration_line_as_a_line_without_a_call)
{
    const char *line = "{\"t\":1.5,\"mono_ns\":9,\"pid\":7,\"role\":\"client\",\"call\":null,"
                       "\"args\":null,\"ret\":null,\"errno\":null,\"note\":\"-- hello\"}";
    struct trace_event ev;
    ck_assert_int_eq(trace_event_parse(line, &ev), 0);
    ck_assert_str_eq(ev.call, "");
    ck_assert_msg(!ev.has_ret, "a narration line has no result");
    ck_assert_str_eq(ev.note, "-- hello");
}
END_TEST

START_TEST(decodes_json_escapes_and_unicode)
{
    const char *line = "{\"mono_ns\":1,\"call\":\"send\",\"args\":\"q\\\"b\\\\n\\n\\u00e9"
                       "\\ud83d\\ude00\\/\",\"ret\":3}";
    struct trace_event ev;
    ck_assert_int_eq(trace_event_parse(line, &ev), 0);
    ck_assert_str_eq(ev.args, "q\"b\\n\n\xc3\xa9\xf0\x9f\x98\x80/");
}
END_TEST

START_TEST(rejects_lines_that_are_not_trace_objects)
{
    static const char *const bad[] = {
        "",
        "[]",
        "{",
        "{\"mono_ns\":1",
        "{\"call\":\"bind\"}",                /* no time */
        "{\"mono_ns\":-1}",                   /* negative time */
        "{\"mono_ns\":1.5}",                  /* not a whole number */
        "{\"mono_ns\":1,\"args\":{}}",        /* nested object */
        "{\"mono_ns\":1} trailing",           /* text after the object */
        "{\"mono_ns\":1,\"args\":\"a\tb\"}",  /* raw control character */
        "{\"mono_ns\":1,\"args\":\"\\x41\"}", /* not a JSON escape */
        "{\"mono_ns\":1,,\"pid\":2}",
        "{\"mono_ns\":1,\"pid\":nul}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct trace_event ev;
        errno = 0;
        ck_assert_msg(trace_event_parse(bad[i], &ev) == -1 && errno == EINVAL,
                      "trace_event_parse accepted a bad line: %s", bad[i]);
    }
}
END_TEST

START_TEST(cuts_long_text_at_a_character_boundary)
{
    /* 300 two-byte characters: far more than the 256-byte args field. */
    char line[1024] = "{\"mono_ns\":1,\"call\":\"send\",\"args\":\"";
    for (int i = 0; i < 300; i++)
        strcat(line, "\xc3\xa9");
    strcat(line, "\"}");
    struct trace_event ev;
    ck_assert_int_eq(trace_event_parse(line, &ev), 0);
    size_t len = strlen(ev.args);
    ck_assert_uint_lt(len, sizeof ev.args);
    ck_assert_uint_gt(len, 200);
    ck_assert_msg(len % 2 == 0 && (unsigned char)ev.args[len - 1] == 0xa9,
                  "the cut split a character (field_put in trace_event.c)");
}
END_TEST

/* A private directory for the files tests write, made and emptied by main():
 * a test that fails half-way (its forked process ends at once) leaves its
 * file to main(), which removes it. */
static char scratch_dir[256];

START_TEST(loads_a_file_and_names_the_bad_line)
{
    char path[sizeof scratch_dir + 16];
    snprintf(path, sizeof path, "%s/trace-XXXXXX", scratch_dir);
    int fd = mkstemp(path);
    ck_assert_int_ne(fd, -1);
    FILE *f = fdopen(fd, "w");
    ck_assert_ptr_nonnull(f);
    fputs("{\"mono_ns\":2,\"call\":\"socket\",\"args\":\"\",\"ret\":3}\n"
          "\n"
          "{\"mono_ns\":1,\"call\":null,\"note\":\"narration\"}\n",
          f);
    ck_assert_int_eq(fflush(f), 0);

    struct trace_event *events;
    size_t count, bad_line;
    ck_assert_int_eq(trace_events_load(path, &events, &count, &bad_line), 0);
    ck_assert_uint_eq(count, 2);
    ck_assert_str_eq(events[0].call, "socket");
    free(events);

    fputs("this is not json\n", f);
    ck_assert_int_eq(fclose(f), 0);
    errno = 0;
    ck_assert_int_eq(trace_events_load(path, &events, &count, &bad_line), -1);
    ck_assert_int_eq(errno, EINVAL);
    ck_assert_uint_eq(bad_line, 4);
    ck_assert_ptr_null(events);
    unlink(path);

    ck_assert_int_eq(trace_events_load(path, &events, &count, &bad_line), -1);
    ck_assert_int_eq(errno, ENOENT);
}
END_TEST

/* ---- building the chart -------------------------------------------------- */

/* The facts of a call are fields (trace.h), read as such; an old line without them reads as
 * "none". */
START_TEST(reads_fd_step_phase_and_states_as_fields)
{
    const char *line =
        "{\"t\":0.1,\"mono_ns\":900,\"start_ns\":800,\"pid\":7,\"role\":\"client\","
        "\"call\":\"shutdown\",\"args\":\"fd=3, SHUT_WR [step 9]\",\"ret\":0,\"errno\":null,"
        "\"note\":\"state ESTABLISHED -> FIN_WAIT1 (then FIN_WAIT2)\",\"phase\":\"end\",\"fd\":3,"
        "\"step\":9,\"state_before\":\"ESTABLISHED\",\"state_after\":\"FIN_WAIT1\","
        "\"state_then\":\"FIN_WAIT2\"}";
    struct trace_event ev;
    ck_assert_int_eq(trace_event_parse(line, &ev), 0);
    ck_assert_int_eq(ev.phase, TRACE_PHASE_END);
    ck_assert_int_eq(ev.fd, 3);
    ck_assert_int_eq(ev.step, 9);
    ck_assert_uint_eq(ev.start_ns, 800);
    ck_assert_str_eq(ev.state_before, "ESTABLISHED");
    ck_assert_str_eq(ev.state_after, "FIN_WAIT1");
    ck_assert_str_eq(ev.state_then, "FIN_WAIT2");
    ck_assert_msg(trace_event_has_word(&ev, "SHUT_WR"), "SHUT_WR is a word of the args");
    ck_assert_msg(!trace_event_has_word(&ev, "SHUT"), "SHUT is only part of a word");
    const char *old = "{\"mono_ns\":5,\"pid\":7,\"role\":\"r\",\"call\":\"close\","
                      "\"args\":\"fd=4\",\"ret\":0,\"errno\":null,\"note\":null}";
    ck_assert_int_eq(trace_event_parse(old, &ev), 0);
    ck_assert_int_eq(ev.fd, -1);
    ck_assert_int_eq(ev.step, 0);
    ck_assert_int_eq(ev.phase, TRACE_PHASE_CALL);
    ck_assert_str_eq(ev.state_after, "");
}
END_TEST

/* The listening socket is a lane of its own: from its socket() to its close(); accept()
 * and the connection it returns are the server's lane. */
START_TEST(listening_socket_has_a_lane_of_its_own)
{
    struct echo e;
    make_echo(&e);
    struct chart c;
    build(&c, &e.client, &e.server);
    ck_assert_msg(c.has_listener, "the chart should know it has a listening socket");
    for (size_t i = 0; i < c.nrows; i++) {
        const struct chart_row *r = &c.rows[i];
        bool on_listener = r->side == CHART_SERVER && strcmp(r->ev->call, "accept") != 0 &&
                           (r->ev->fd == 3 || strcmp(r->ev->call, "socket") == 0);
        ck_assert_msg(r->listener == on_listener, "row %zu, %s(%s): listener is %d", i, r->ev->call,
                      r->ev->args, r->listener);
    }
    ck_assert_msg(!c.rows[row_of(&c, &e.server.ev[e.s_accept])].listener,
                  "accept() belongs to the connection it returns");
    chart_free(&c);
}
END_TEST

/* A recv that was waiting when the send happened: its start row is above the send, its end
 * below; a call that waited for nothing keeps one row. */
START_TEST(a_call_that_waited_has_a_start_above_the_send)
{
    struct echo e;
    make_echo(&e);
    struct trace_event *recv = &e.server.ev[e.s_recv];
    recv->phase = TRACE_PHASE_END;
    recv->start_ns = 350; /* entered before the client's send (400) */
    struct trace_event *send = &e.client.ev[e.c_send];
    send->phase = TRACE_PHASE_END;
    send->start_ns = 395; /* a send does not wait for the peer: no start row */
    struct chart c;
    build(&c, &e.client, &e.server);
    size_t start = CHART_NO_ROW, starts = 0;
    for (size_t i = 0; i < c.nrows; i++) {
        if (!c.rows[i].start)
            continue;
        starts++;
        start = i;
    }
    ck_assert_uint_eq(starts, 1);
    ck_assert_msg(c.rows[start].ev == recv, "the start row is the recv's");
    size_t send_row = row_of(&c, send), end = chart_end_of(&c, start);
    ck_assert_msg(start < send_row && send_row < end,
                  "rows: recv starts %zu, send %zu, recv returns %zu", start, send_row, end);
    chart_compact(&c);
    starts = 0;
    for (size_t i = 0; i < c.nrows; i++)
        starts += c.rows[i].start;
    ck_assert_uint_eq(starts, 1); /* the send still stands between: the start stays */
    chart_free(&c);
}
END_TEST

START_TEST(echo_exchange_has_handshake_data_and_two_fins)
{
    struct echo e;
    make_echo(&e);
    struct chart c;
    build(&c, &e.client, &e.server);
    ck_assert_uint_eq(c.nrows, e.client.n + e.server.n);
    const struct trace_event *cl = e.client.ev, *sv = e.server.ev;
    REQUIRE_ARROW(&c, ARROW_SYN, &cl[e.c_connect], &sv[e.s_accept], "connect -> accept");
    REQUIRE_ARROW(&c, ARROW_DATA, &cl[e.c_send], &sv[e.s_recv], "client send -> server recv");
    REQUIRE_ARROW(&c, ARROW_DATA, &sv[e.s_send], &cl[e.c_recv], "server send -> client recv");
    REQUIRE_ARROW(&c, ARROW_FIN, &cl[e.c_shutdown], &sv[e.s_eof], "shutdown -> server EOF");
    REQUIRE_ARROW(&c, ARROW_FIN, &sv[e.s_close_conn], &cl[e.c_eof], "close -> client EOF");
    ck_assert_msg(c.narrows == 5,
                  "expected 5 arrows, got %zu: closing the listening socket "
                  "sends nothing to the client",
                  c.narrows);
    ck_assert_uint_eq(count_arrows(&c, ARROW_RST), 0);
    ck_assert_str_eq(c.rows[row_of(&c, &cl[e.c_shutdown])].state, "FIN_WAIT2");
    ck_assert_str_eq(c.rows[row_of(&c, &sv[e.s_eof])].state, "CLOSE_WAIT");
    ck_assert(c.rows[row_of(&c, &cl[e.c_shutdown])].state_changed);
    ck_assert_msg(!c.rows[row_of(&c, &cl[e.c_send])].state_changed,
                  "send() left the socket ESTABLISHED: no change");
    ck_assert_int_eq(c.pid[CHART_CLIENT], 100);
    ck_assert_uint_eq(c.start_ns, 10);
    chart_free(&c);
}
END_TEST

START_TEST(a_message_is_never_drawn_before_it_is_sent)
{
    struct echo e;
    make_echo(&e);
    struct chart c;
    build(&c, &e.client, &e.server);
    for (size_t i = 0; i < c.narrows; i++) {
        const struct chart_arrow *a = &c.arrows[i];
        if (a->from_row != CHART_NO_ROW && a->to_row != CHART_NO_ROW)
            ck_assert_msg(a->from_row < a->to_row,
                          "%s arrow goes up: row %zu -> row %zu (place_rows in chart.c)", a->label,
                          a->from_row, a->to_row);
    }
    /* accept() was logged at 290, before connect() at 300: it moves below it. */
    ck_assert_uint_lt(row_of(&c, &e.client.ev[e.c_connect]), row_of(&c, &e.server.ev[e.s_accept]));
    chart_free(&c);
}
END_TEST

START_TEST(rows_keep_time_order_within_each_lifeline)
{
    struct echo e;
    make_echo(&e);
    struct chart c;
    build(&c, &e.client, &e.server);
    uint64_t last[2] = {0, 0};
    for (size_t i = 0; i < c.nrows; i++) {
        const struct chart_row *r = &c.rows[i];
        ck_assert_msg(r->ev->mono_ns >= last[r->side],
                      "row %zu (%s) is out of order on its "
                      "lifeline",
                      i, r->ev->call);
        last[r->side] = r->ev->mono_ns;
    }
    /* With no message between them, rows follow the clock: bind before listen
     * before the client's socket(). */
    ck_assert_uint_lt(row_of(&c, &e.server.ev[1]), row_of(&c, &e.server.ev[2]));
    ck_assert_uint_lt(row_of(&c, &e.server.ev[2]), row_of(&c, &e.client.ev[0]));
    chart_free(&c);
}
END_TEST

START_TEST(stream_bytes_match_sends_to_the_recv_that_completes_them)
{
    struct trace client = {0}, server = {0};
    size_t conn = add(&client, 10, "connect", "fd=3, 127.0.0.1:9", 0, "", NULL);
    size_t acc = add(&server, 20, "accept", "fd=5", 6, "", NULL);
    size_t s1 = add(&client, 30, "send", "fd=3, 3", 3, "", NULL);
    size_t s2 = add(&client, 40, "send", "fd=3, 4", 4, "", NULL);
    size_t r1 = add(&server, 50, "recv", "fd=6, 4096", 7, "", NULL); /* both, merged */
    size_t s3 = add(&client, 60, "send", "fd=3, 10", 10, "", NULL);
    add(&server, 70, "recv", "fd=6, 4", 4, "", NULL); /* split: 4 + 6 */
    size_t r3 = add(&server, 80, "recv", "fd=6, 4096", 6, "", NULL);
    size_t s4 = add(&client, 90, "send", "fd=3, 2", 2, "", NULL); /* never read */
    struct chart c;
    build(&c, &client, &server);
    REQUIRE_ARROW(&c, ARROW_SYN, &client.ev[conn], &server.ev[acc], "connect -> accept");
    REQUIRE_ARROW(&c, ARROW_DATA, &client.ev[s1], &server.ev[r1], "3 B arrive merged");
    REQUIRE_ARROW(&c, ARROW_DATA, &client.ev[s2], &server.ev[r1], "4 B arrive merged");
    REQUIRE_ARROW(&c, ARROW_DATA, &client.ev[s3], &server.ev[r3], "10 B complete at the 2nd recv");
    REQUIRE_ARROW(&c, ARROW_DATA, &client.ev[s4], NULL, "2 B nobody read");
    ck_assert_str_eq(find_arrow(&c, ARROW_DATA, &client.ev[s3], &server.ev[r3])->label, "10 B");
    ck_assert_uint_eq(count_arrows(&c, ARROW_DATA), 4);
    chart_free(&c);
}
END_TEST

START_TEST(abort_with_so_linger_zero_sends_rst_not_fin)
{
    struct trace client = {0}, server = {0};
    add(&client, 10, "connect", "fd=3, 127.0.0.1:9", 0, "", NULL);
    add(&server, 20, "accept", "fd=5", 6, "", NULL);
    add(&server, 30, "setsockopt", "fd=6, SOL_SOCKET, SO_LINGER {1, 0}", 0, "", NULL);
    size_t close = add(&server, 40, "close", "fd=6", 0, "", NULL);
    size_t reset = add(&client, 50, "recv", "fd=3, 4096", -1, "ECONNRESET", NULL);
    add(&client, 60, "close", "fd=3", 0, "", NULL);
    struct chart c;
    build(&c, &client, &server);
    REQUIRE_ARROW(&c, ARROW_RST, &server.ev[close], &client.ev[reset], "close after SO_LINGER");
    ck_assert_msg(count_arrows(&c, ARROW_FIN) == 0,
                  "no FIN: the server aborts, and the client's socket was reset before its close");
    chart_free(&c);

    /* The client never reads again: only SO_LINGER says the close was an abort. */
    client.n = 1;
    build(&c, &client, &server);
    REQUIRE_ARROW(&c, ARROW_RST, &server.ev[close], NULL, "close after SO_LINGER, unseen");
    ck_assert_uint_eq(count_arrows(&c, ARROW_FIN), 0);
    chart_free(&c);
}
END_TEST

START_TEST(close_with_unread_data_resets_and_unknown_resets_come_from_nowhere)
{
    struct trace client = {0}, server = {0};
    add(&client, 10, "connect", "fd=3, 127.0.0.1:9", 0, "", NULL);
    add(&server, 20, "accept", "fd=5", 6, "", NULL);
    size_t close = add(&server, 40, "close", "fd=6", 0, "", NULL);
    size_t reset = add(&client, 50, "send", "fd=3, 5", -1, "ECONNRESET", NULL);
    struct chart c;
    build(&c, &client, &server);
    REQUIRE_ARROW(&c, ARROW_RST, &server.ev[close], &client.ev[reset],
                  "a close that the peer saw as a reset, with no EOF before it");
    chart_free(&c);

    /* The server's close is not in its trace (it exited): the RST has no sender. */
    server.n = 1;
    build(&c, &client, &server);
    REQUIRE_ARROW(&c, ARROW_RST, NULL, &client.ev[reset], "a reset with no traced close");
    chart_free(&c);
}
END_TEST

START_TEST(a_refused_connect_gets_an_rst_from_the_server)
{
    struct trace client = {0}, server = {0};
    size_t refused = add(&client, 10, "connect", "fd=3, 127.0.0.1:9", -1, "ECONNREFUSED", NULL);
    struct chart c;
    build(&c, &client, &server);
    REQUIRE_ARROW(&c, ARROW_RST, NULL, &client.ev[refused], "RST answers a SYN to a closed port");
    ck_assert_uint_eq(count_arrows(&c, ARROW_SYN), 0);
    chart_free(&c);
}
END_TEST

START_TEST(urgent_bytes_travel_apart_from_the_stream)
{
    struct trace client = {0}, server = {0};
    add(&client, 10, "connect", "fd=3, 127.0.0.1:9", 0, "", NULL);
    add(&server, 20, "accept", "fd=5", 6, "", NULL);
    size_t oob = add(&client, 30, "send", "fd=3, 3, MSG_OOB", 3, "", NULL);
    size_t got_oob = add(&server, 40, "recv", "fd=6, 1, MSG_OOB", 1, "", NULL);
    size_t got = add(&server, 50, "recv", "fd=6, 4096", 2, "", NULL);
    struct chart c;
    build(&c, &client, &server);
    REQUIRE_ARROW(&c, ARROW_URGENT, &client.ev[oob], &server.ev[got_oob], "the urgent byte");
    REQUIRE_ARROW(&c, ARROW_DATA, &client.ev[oob], &server.ev[got],
                  "the 2 bytes before the urgent one are ordinary data");
    chart_free(&c);
}
END_TEST

START_TEST(narration_lines_and_other_sockets_are_left_out)
{
    struct trace client = {0}, server = {0};
    add(&client, 10, "connect", "fd=3, 127.0.0.1:9", 0, "", NULL);
    size_t narration = add(&client, 15, "", "", 0, "", "-- sending now");
    client.ev[narration].has_ret = false;
    add(&server, 20, "accept", "fd=5", 6, "", NULL);
    add(&server, 30, "send", "fd=9, 5", 5, "", NULL); /* another socket: no arrow */
    struct chart c;
    build(&c, &client, &server);
    ck_assert_uint_eq(c.nrows, 3);
    ck_assert_uint_eq(count_arrows(&c, ARROW_DATA), 0);
    chart_free(&c);
}
END_TEST

START_TEST(compact_keeps_arrow_ends_and_state_changes_only)
{
    struct echo e;
    make_echo(&e);
    struct chart c;
    build(&c, &e.client, &e.server);
    size_t arrows = c.narrows;
    chart_compact(&c);
    ck_assert_uint_eq(c.narrows, arrows);
    /* getsockname() is a helper that moved nothing and changed no state: it
     * goes. bind() is a step of the lifecycle: it stays (row_of checks). */
    for (size_t i = 0; i < c.nrows; i++)
        ck_assert_msg(strcmp(c.rows[i].ev->call, "getsockname") != 0,
                      "getsockname() should be left out of a compact chart");
    ck_assert_uint_eq(c.nrows, e.client.n + e.server.n - 1);
    ck_assert_uint_lt(row_of(&c, &e.server.ev[1]), c.nrows);
    const struct trace_event *cl = e.client.ev, *sv = e.server.ev;
    REQUIRE_ARROW(&c, ARROW_SYN, &cl[e.c_connect], &sv[e.s_accept], "kept after compacting");
    REQUIRE_ARROW(&c, ARROW_FIN, &sv[e.s_close_conn], &cl[e.c_eof], "kept after compacting");
    chart_free(&c);
}
END_TEST

/* A framed message: the receiver reads the 4-byte header, then the body.
 * Both recv()s are logged before the send() returned (loopback delivers
 * during the call); both must still be drawn after it, and a compact chart
 * keeps the header read and the SO_LINGER that makes the close an abort. */
START_TEST(header_reads_are_drawn_after_the_send_and_kept_when_compact)
{
    struct trace client = {0}, server = {0};
    add(&server, 10, "socket", "AF_INET, SOCK_STREAM", 3, "", NULL);
    add(&server, 20, "listen", "fd=3, backlog=8", 0, "", NULL);
    add(&client, 30, "socket", "AF_INET, SOCK_STREAM", 3, "", NULL);
    size_t conn = add(&client, 50, "connect", "fd=3, 127.0.0.1:9", 0, "", NULL);
    size_t acc = add(&server, 60, "accept", "fd=3", 4, "", NULL);
    size_t header = add(&server, 95, "recv", "fd=4, 4 bytes", 4, "", NULL);
    size_t body = add(&server, 98, "recv", "fd=4, 10 bytes", 10, "", NULL);
    size_t send = add(&client, 100, "send", "fd=3, 14 bytes", 14, "", NULL);
    size_t linger = add(&server, 110, "setsockopt", "fd=4, SO_LINGER {1, 0}", 0, "", NULL);
    size_t close_s = add(&server, 120, "close", "fd=4", 0, "", NULL);
    add(&client, 130, "recv", "fd=3, 4 bytes", -1, "ECONNRESET", NULL);
    (void)conn;
    (void)acc;
    struct chart c;
    build(&c, &client, &server);
    chart_compact(&c);
    size_t sent_at = row_of(&c, &client.ev[send]);
    ck_assert_msg(row_of(&c, &server.ev[header]) > sent_at,
                  "the 4-byte header recv() is drawn above the send() its bytes came from "
                  "(add_stream must make every recv holding bytes of a send wait for it)");
    ck_assert_uint_gt(row_of(&c, &server.ev[body]), row_of(&c, &server.ev[header]));
    ck_assert_uint_lt(row_of(&c, &server.ev[linger]), row_of(&c, &server.ev[close_s]));
    REQUIRE_ARROW(&c, ARROW_DATA, &client.ev[send], &server.ev[body], "the send's 14 bytes");
    chart_free(&c);
}
END_TEST

/* A state reached between two calls (the peer's ACK arrived after connect()
 * returned) is a change on the next row of that socket, not on another's. */
START_TEST(a_state_reached_between_calls_shows_on_the_next_row)
{
    struct trace client = {0}, server = {0};
    add(&server, 10, "socket", "AF_INET, SOCK_STREAM", 3, "", "state - -> CLOSED");
    add(&server, 20, "listen", "fd=3, backlog=8", 0, "", "state CLOSED -> LISTEN");
    add(&client, 30, "socket", "AF_INET, SOCK_STREAM", 3, "", "state - -> CLOSED");
    add(&client, 50, "connect", "fd=3, 127.0.0.1:9", -1, "EINPROGRESS",
        "state CLOSED -> SYN_SENT (then ESTABLISHED)");
    size_t poll = add(&client, 60, "poll", "fd=3, POLLOUT, 100 ms", 1, "",
                      "state ESTABLISHED -> ESTABLISHED");
    size_t send =
        add(&client, 70, "send", "fd=3, 5 bytes", 5, "", "state ESTABLISHED -> ESTABLISHED");
    add(&server, 80, "accept", "fd=3", 4, "", "state - -> ESTABLISHED");
    size_t recv =
        add(&server, 90, "recv", "fd=4, 5 bytes", 5, "", "state ESTABLISHED -> ESTABLISHED");
    struct chart c;
    build(&c, &client, &server);
    ck_assert_msg(c.rows[row_of(&c, &client.ev[poll])].state_changed,
                  "poll() is the first row to see ESTABLISHED after SYN_SENT: a change");
    ck_assert_msg(!c.rows[row_of(&c, &client.ev[send])].state_changed,
                  "send() saw the same state as the row before it on its socket");
    ck_assert_msg(!c.rows[row_of(&c, &server.ev[recv])].state_changed,
                  "fd 4's state is compared with fd 4's last row, not with the listener's");
    chart_free(&c);
}
END_TEST

/* ---- writing SVG --------------------------------------------------------- */

/* Enough of XML to catch what a careless writer gets wrong: unbalanced or
 * crossed tags, unquoted attributes, stray '<' or '&', text outside the
 * root. Returns NULL when well-formed, else what is wrong. */
static const char *xml_problem(const char *s)
{
    const char *stack[64];
    size_t stack_len[64];
    size_t depth = 0;
    int roots = 0;
    while (*s) {
        if (*s == '&') {
            const char *end = strchr(s, ';');
            if (!end || end - s > 8 ||
                !(strncmp(s, "&amp;", 5) == 0 || strncmp(s, "&lt;", 4) == 0 ||
                  strncmp(s, "&gt;", 4) == 0 || strncmp(s, "&quot;", 6) == 0 ||
                  strncmp(s, "&apos;", 6) == 0 || s[1] == '#'))
                return "a bare '&'";
            s = end + 1;
            continue;
        }
        if (*s != '<') {
            if (depth == 0 && *s != ' ' && *s != '\n')
                return "text outside the root element";
            s++;
            continue;
        }
        if (strncmp(s, "<!--", 4) == 0) {
            s = strstr(s + 4, "-->");
            if (!s)
                return "an unclosed comment";
            s += 3;
            continue;
        }
        if (strncmp(s, "<?", 2) == 0) {
            s = strstr(s, "?>");
            if (!s)
                return "an unclosed <?";
            s += 2;
            continue;
        }
        if (s[1] == '/') {
            size_t len = strcspn(s + 2, ">");
            if (depth == 0 || len != stack_len[depth - 1] || strncmp(s + 2, stack[depth - 1], len))
                return "a closing tag that does not match";
            depth--;
            s += 2 + len + 1;
            continue;
        }
        const char *name = s + 1;
        size_t len = strcspn(name, " />\n");
        if (len == 0)
            return "a '<' that starts no tag";
        s = name + len;
        for (;;) { /* attributes: name="value" */
            while (*s == ' ' || *s == '\n')
                s++;
            if (*s == '>' || (s[0] == '/' && s[1] == '>'))
                break;
            size_t alen = strcspn(s, "= >");
            if (alen == 0 || s[alen] != '=' || s[alen + 1] != '"')
                return "an attribute without a quoted value";
            const char *end = strchr(s + alen + 2, '"');
            if (!end || memchr(s, '<', (size_t)(end - s)))
                return "an unclosed attribute value";
            s = end + 1;
        }
        if (depth == 0 && ++roots > 1)
            return "more than one root element";
        if (*s == '/') {
            s += 2;
            continue;
        }
        if (depth == 64)
            return "nesting too deep";
        stack[depth] = name;
        stack_len[depth++] = len;
        s++;
    }
    return depth == 0 && roots == 1 ? NULL : "unclosed elements at the end";
}

/* The SVG for a chart, in memory. The caller frees it. */
static char *render(const struct chart *c, const char *title, bool legend)
{
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    ck_assert_ptr_nonnull(out);
    ck_assert_int_eq(chart_svg_write(out, c, title, legend), 0);
    ck_assert_int_eq(fclose(out), 0);
    return text;
}

static size_t count_substrings(const char *text, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(text, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

START_TEST(the_xml_checker_catches_broken_xml)
{
    ck_assert_ptr_null(
        xml_problem("<?xml version=\"1.0\"?>\n<a x=\"1\"><!-- <c> --><b/>t &amp; u</a>\n"));
    ck_assert_ptr_nonnull(xml_problem("<a><b></a></b>"));
    ck_assert_ptr_nonnull(xml_problem("<a>x < y</a>"));
    ck_assert_ptr_nonnull(xml_problem("<a>fish & chips</a>"));
    ck_assert_ptr_nonnull(xml_problem("<a x=1></a>"));
    ck_assert_ptr_nonnull(xml_problem("<a></a><b></b>"));
    ck_assert_ptr_nonnull(xml_problem("<a>"));
}
END_TEST

START_TEST(svg_is_well_formed_with_one_line_per_arrow)
{
    struct echo e;
    make_echo(&e);
    struct chart c;
    build(&c, &e.client, &e.server);
    char *svg = render(&c, "echo & <friends>", true);
    const char *problem = xml_problem(svg);
    ck_assert_msg(problem == NULL, "the SVG is not well-formed: %s", problem);
    ck_assert_msg(strstr(svg, "echo &amp; &lt;friends&gt;") != NULL, "the title is not escaped");
    /* One marker line per arrow, plus one per legend entry. */
    ck_assert_uint_eq(count_substrings(svg, "marker-end="), c.narrows + 5);
    ck_assert_msg(strstr(svg, ">client<") && strstr(svg, ">server<"), "two lifelines, named");
    ck_assert_msg(strstr(svg, ">FIN_WAIT2<") != NULL, "the state after shutdown() is drawn");
    free(svg);
    /* Without the legend: only the arrows' own marker lines remain. */
    svg = render(&c, "", false);
    ck_assert_uint_eq(count_substrings(svg, "marker-end="), c.narrows);
    ck_assert_msg(xml_problem(svg) == NULL, "the SVG without legend or title is not well-formed");
    free(svg);
    chart_free(&c);
}
END_TEST

START_TEST(svg_escapes_trace_text_and_replaces_invalid_utf8)
{
    struct trace client = {0}, server = {0};
    add(&client, 10, "send", "fd=3, \"<b>&'\" \xff\xfe \x01 caf\xc3\xa9", 5, "", NULL);
    add(&server, 20, "recv", "fd=4, \xed\xa0\x80 \xc0\xaf", 5, "", NULL); /* surrogate, overlong */
    struct chart c;
    build(&c, &client, &server);
    char *svg = render(&c, "t", false);
    const char *problem = xml_problem(svg);
    ck_assert_msg(problem == NULL, "the SVG is not well-formed: %s", problem);
    ck_assert_msg(strstr(svg, "&quot;&lt;b&gt;&amp;&apos;&quot;") != NULL, "markup is escaped");
    ck_assert_msg(strstr(svg, "caf\xc3\xa9") != NULL, "valid UTF-8 is kept");
    ck_assert_msg(strstr(svg, "\xff") == NULL && strstr(svg, "\x01") == NULL &&
                      strstr(svg, "\xed\xa0\x80") == NULL && strstr(svg, "\xc0\xaf") == NULL,
                  "bytes XML cannot carry must become '?' (chart_svg_put_text)");
    free(svg);
    chart_free(&c);
}
END_TEST

START_TEST(call_text_is_cut_but_keeps_name_and_result)
{
    struct trace t = {0};
    add(&t, 1, "setsockopt", "fd=3, SOL_SOCKET, SO_REUSEADDR, 1, [step 2] \xc3\xa9\xc3\xa9\xc3\xa9",
        -1, "EINVAL", NULL);
    char text[256];
    chart_svg_call_text(&t.ev[0], 36, text, sizeof text);
    ck_assert_msg(strncmp(text, "setsockopt(fd=3", 15) == 0, "starts with the call: %s", text);
    const char *tail = ") = -1 EINVAL";
    ck_assert_msg(strlen(text) > strlen(tail) &&
                      strcmp(text + strlen(text) - strlen(tail), tail) == 0,
                  "ends with the result: %s", text);
    ck_assert_msg(strstr(text, "\xe2\x80\xa6") != NULL, "a cut is shown with an ellipsis");
    size_t chars = 0;
    for (const char *p = text; *p; p++)
        chars += ((unsigned char)*p & 0xC0) != 0x80;
    ck_assert_uint_eq(chars, 36);

    chart_svg_call_text(&t.ev[0], 200, text, sizeof text);
    ck_assert_str_eq(text,
                     "setsockopt(fd=3, SOL_SOCKET, SO_REUSEADDR, 1, \xc3\xa9\xc3\xa9\xc3\xa9) = "
                     "-1 EINVAL");
    ck_assert_int_eq(t.ev[0].step, 2);
}
END_TEST

/* --xml FILE...: the small checker above, on whole files. */
static int check_xml_files(int count, char **paths)
{
    int bad = 0;
    for (int i = 0; i < count; i++) {
        FILE *in = fopen(paths[i], "r");
        char *text = NULL;
        size_t size = 0;
        if (in == NULL || getdelim(&text, &size, '\0', in) == -1) {
            fprintf(stderr, "%s: cannot read: %s\n", paths[i], strerror(errno));
            bad = 1;
        } else {
            const char *problem = xml_problem(text);
            if (problem) {
                fprintf(stderr, "%s: not well-formed XML: %s\n", paths[i], problem);
                bad = 1;
            }
        }
        free(text);
        if (in)
            fclose(in);
    }
    return bad ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* Removes scratch_dir and whatever the tests left in it. */
static void remove_scratch_dir(void)
{
    DIR *dir = opendir(scratch_dir);
    if (dir) {
        struct dirent *entry;
        while ((entry = readdir(dir)) != NULL) {
            if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
                continue;
            char path[sizeof scratch_dir + 256];
            snprintf(path, sizeof path, "%s/%s", scratch_dir, entry->d_name);
            unlink(path);
        }
        closedir(dir);
    }
    rmdir(scratch_dir);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--xml") == 0)
        return check_xml_files(argc - 2, argv + 2);

    const char *tmp = getenv("TMPDIR");
    snprintf(scratch_dir, sizeof scratch_dir, "%s/test_trace_chart-XXXXXX",
             tmp && tmp[0] ? tmp : "/tmp");
    if (mkdtemp(scratch_dir) == NULL) {
        perror("test_trace_chart: mkdtemp");
        return EXIT_FAILURE;
    }

    const TTest *tests[] = {
        parses_a_call_line_as_trace_c_writes_it,
        parses_a_narration_line_as_a_line_without_a_call,
        decodes_json_escapes_and_unicode,
        rejects_lines_that_are_not_trace_objects,
        cuts_long_text_at_a_character_boundary,
        loads_a_file_and_names_the_bad_line,
        reads_fd_step_phase_and_states_as_fields,
        listening_socket_has_a_lane_of_its_own,
        a_call_that_waited_has_a_start_above_the_send,
        echo_exchange_has_handshake_data_and_two_fins,
        a_message_is_never_drawn_before_it_is_sent,
        rows_keep_time_order_within_each_lifeline,
        stream_bytes_match_sends_to_the_recv_that_completes_them,
        abort_with_so_linger_zero_sends_rst_not_fin,
        close_with_unread_data_resets_and_unknown_resets_come_from_nowhere,
        a_refused_connect_gets_an_rst_from_the_server,
        urgent_bytes_travel_apart_from_the_stream,
        narration_lines_and_other_sockets_are_left_out,
        compact_keeps_arrow_ends_and_state_changes_only,
        header_reads_are_drawn_after_the_send_and_kept_when_compact,
        a_state_reached_between_calls_shows_on_the_next_row,
        the_xml_checker_catches_broken_xml,
        svg_is_well_formed_with_one_line_per_arrow,
        svg_escapes_trace_text_and_replaces_invalid_utf8,
        call_text_is_cut_but_keeps_name_and_result,
    };
    Suite *suite = suite_create("trace-chart");
    TCase *tc = tcase_create("trace-chart");
    tcase_set_timeout(tc, 10);
    for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++)
        tcase_add_test(tc, tests[i]);
    suite_add_tcase(suite, tc);
    SRunner *runner = srunner_create(suite);
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    remove_scratch_dir();
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
