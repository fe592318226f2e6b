/*
 * test_chart_build.c - building the chart (chart.c, chart_spans.c): rows,
 * order, lanes and arrows. The trace-chart tool's unit tests, second part
 * (test_trace_chart.c runs them).
 */
#include <check.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chart.h"
#include "chart_svg.h"
#include "test_chart_fixtures.h"
#include "trace_read.h"

/* ---- building the chart -------------------------------------------------- */

/* The facts of a call are fields (trace.h), read as such; an old line without them reads as
 * "none". */
START_TEST(reads_fd_step_phase_and_states_as_fields)
{
    const char *line =
        "{\"t\":0.1,\"mono_ns\":900,\"start_ns\":800,\"pid\":7,\"role\":\"client\","
        "\"call\":\"shutdown\",\"args\":\"fd=3, SHUT_WR\",\"ret\":0,\"errno\":null,"
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

/* The connection most tests start from: the client's connect() on fd 3 at
 * t=10, and the server's accept() at t=20 on listening fd 5, which returns
 * fd 6. Each is the first event of its trace (client.ev[0], server.ev[0]). */
static void connected(struct trace *client, struct trace *server)
{
    add(client, 10, "connect", "fd=3, 127.0.0.1:9", 0, "", NULL);
    add(server, 20, "accept", "fd=5", 6, "", NULL);
}

START_TEST(stream_bytes_match_sends_to_the_recv_that_completes_them)
{
    struct trace client = {0}, server = {0};
    connected(&client, &server);
    size_t s1 = add(&client, 30, "send", "fd=3, 3", 3, "", NULL);
    size_t s2 = add(&client, 40, "send", "fd=3, 4", 4, "", NULL);
    size_t r1 = add(&server, 50, "recv", "fd=6, 4096", 7, "", NULL); /* both, merged */
    size_t s3 = add(&client, 60, "send", "fd=3, 10", 10, "", NULL);
    add(&server, 70, "recv", "fd=6, 4", 4, "", NULL); /* split: 4 + 6 */
    size_t r3 = add(&server, 80, "recv", "fd=6, 4096", 6, "", NULL);
    size_t s4 = add(&client, 90, "send", "fd=3, 2", 2, "", NULL); /* never read */
    struct chart c;
    build(&c, &client, &server);
    REQUIRE_ARROW(&c, ARROW_SYN, &client.ev[0], &server.ev[0], "connect -> accept");
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
    connected(&client, &server);
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
    connected(&client, &server);
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
    connected(&client, &server);
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
    connected(&client, &server);
    size_t narration = add(&client, 15, "", "", 0, "", "-- sending now");
    client.ev[narration].has_ret = false;
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
    add(&client, 50, "connect", "fd=3, 127.0.0.1:9", 0, "", NULL);
    add(&server, 60, "accept", "fd=3", 4, "", NULL);
    size_t header = add(&server, 95, "recv", "fd=4, 4 bytes", 4, "", NULL);
    size_t body = add(&server, 98, "recv", "fd=4, 10 bytes", 10, "", NULL);
    size_t send = add(&client, 100, "send", "fd=3, 14 bytes", 14, "", NULL);
    size_t linger = add(&server, 110, "setsockopt", "fd=4, SO_LINGER {1, 0}", 0, "", NULL);
    size_t close_s = add(&server, 120, "close", "fd=4", 0, "", NULL);
    add(&client, 130, "recv", "fd=3, 4 bytes", -1, "ECONNRESET", NULL);
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
    with_states(&server, add(&server, 10, "socket", "AF_INET, SOCK_STREAM", 3, "", NULL), "-",
                "CLOSED", NULL);
    with_states(&server, add(&server, 20, "listen", "fd=3, backlog=8", 0, "", NULL), "CLOSED",
                "LISTEN", NULL);
    with_states(&client, add(&client, 30, "socket", "AF_INET, SOCK_STREAM", 3, "", NULL), "-",
                "CLOSED", NULL);
    with_states(&client, add(&client, 50, "connect", "fd=3, 127.0.0.1:9", -1, "EINPROGRESS", NULL),
                "CLOSED", "SYN_SENT", "ESTABLISHED");
    size_t poll =
        with_states(&client, add(&client, 60, "poll", "fd=3, POLLOUT, 100 ms", 1, "", NULL),
                    "ESTABLISHED", "ESTABLISHED", NULL);
    size_t send = with_states(&client, add(&client, 70, "send", "fd=3, 5 bytes", 5, "", NULL),
                              "ESTABLISHED", "ESTABLISHED", NULL);
    with_states(&server, add(&server, 80, "accept", "fd=3", 4, "", NULL), "-", "ESTABLISHED", NULL);
    size_t recv = with_states(&server, add(&server, 90, "recv", "fd=4, 5 bytes", 5, "", NULL),
                              "ESTABLISHED", "ESTABLISHED", NULL);
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

void add_build_tests(TCase *tc)
{
    tcase_add_test(tc, reads_fd_step_phase_and_states_as_fields);
    tcase_add_test(tc, listening_socket_has_a_lane_of_its_own);
    tcase_add_test(tc, a_call_that_waited_has_a_start_above_the_send);
    tcase_add_test(tc, echo_exchange_has_handshake_data_and_two_fins);
    tcase_add_test(tc, a_message_is_never_drawn_before_it_is_sent);
    tcase_add_test(tc, rows_keep_time_order_within_each_lifeline);
    tcase_add_test(tc, stream_bytes_match_sends_to_the_recv_that_completes_them);
    tcase_add_test(tc, abort_with_so_linger_zero_sends_rst_not_fin);
    tcase_add_test(tc, close_with_unread_data_resets_and_unknown_resets_come_from_nowhere);
    tcase_add_test(tc, a_refused_connect_gets_an_rst_from_the_server);
    tcase_add_test(tc, urgent_bytes_travel_apart_from_the_stream);
    tcase_add_test(tc, narration_lines_and_other_sockets_are_left_out);
    tcase_add_test(tc, compact_keeps_arrow_ends_and_state_changes_only);
    tcase_add_test(tc, header_reads_are_drawn_after_the_send_and_kept_when_compact);
    tcase_add_test(tc, a_state_reached_between_calls_shows_on_the_next_row);
}
