/*
 * trace_chart - draw a TCP message sequence chart from two real traces.
 *
 * usage: trace_chart [-c [-H PX]] [-k] [-o OUT.svg] [-t TITLE] CLIENT_TRACE SERVER_TRACE
 *        trace_chart -w TRACE...
 *
 * The traces are the JSON Lines files that IPC_TRACE_FILE writes (see
 * common/trace.h): one from the client, one from the server. The chart
 * (see chart.h) shows both lifelines, every traced call in time order with
 * the TCP state it left, and arrows for the handshake, data, FIN and RST.
 *
 *   IPC_TRACE_FILE=server.jsonl tcp_server -p 0         (prints "port N")
 *   IPC_TRACE_FILE=client.jsonl tcp_client 127.0.0.1 N
 *   trace_chart -o chart.svg client.jsonl server.jsonl
 *
 * `make trace-chart MODE=echo|halfclose|abort` does all three steps
 * (slides/slides.mk, tools/trace-chart/run_demo.sh).
 *
 * trace_chart -w TRACE... draws nothing: it prints, for each trace, what
 * its calls say went over the wire, for scripts that compare two runs
 * (tests/windows/test_windows.sh), read with the one trace reader.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chart.h"
#include "chart_svg.h"
#include "cli.h"
#include "err.h"
#include "trace_read.h"

static const struct cli_spec CLI = {
    .usage = "usage: trace_chart [-c [-H PX]] [-k] [-o OUT.svg] [-t TITLE] CLIENT_TRACE "
             "SERVER_TRACE\n"
             "       trace_chart -w TRACE...\n"
             "Draws a TCP sequence chart (SVG) from the JSON Lines traces that\n"
             "IPC_TRACE_FILE=path makes a client and a server write.\n",
    .options =
        {
            {'c', "compact", NULL,
             "for slides: every call on the connection (sends, receives,\n"
             "SO_LINGER, lifecycle steps), no lookups, no times, no title,\n"
             "no legend; text at least 18 px on a 1280x720 slide that shows\n"
             "the chart -H px tall"},
            {'H', "height", "PX", "how tall the slide shows the compact chart (default 610)"},
            {'k', "check", NULL,
             "draw nothing; exit 1 if an arrow would point back in time\n"
             "or a lifeline would leave the order its calls returned in"},
            {'w', "wire", NULL,
             "draw nothing; for each TRACE given (one or more), print a line\n"
             "sent=N received=N urgent_sent=N urgent_received=N eof=yes|no\n"
             "reset=yes|no: the bytes its calls sent and received"},
            {'o', "output", "OUT", "write the chart there (default: standard output)"},
            {'t', "title", "TEXT", "the chart's heading ('' for none)"},
        },
    .more = "Examples:\n"
            "  make trace-chart MODE=halfclose\n"
            "  trace_chart -c -o chart.svg client.jsonl server.jsonl\n",
};

/* Loads one trace or dies saying which line is wrong. */
static struct trace_event *load_or_die(const char *path, size_t *count)
{
    struct trace_event *events;
    size_t bad_line;
    if (trace_events_load(path, &events, count, &bad_line) == -1) {
        if (errno == EINVAL)
            die("%s:%zu: not a trace line (expected one JSON object per line, "
                "as IPC_TRACE_FILE writes)",
                path, bad_line);
        die_errno("read %s", path);
    }
    return events;
}

/*
 * What one trace's calls say went over the wire, on one line: the bytes
 * sent and received (urgent ones, sent or received with MSG_OOB, apart),
 * whether a recv() saw end of stream (0) and whether a call failed with a
 * connection reset. Only lines with a result count: a call's start line
 * (trace_call_begin) has none.
 */
static void print_wire_summary(const struct trace_event *events, size_t count)
{
    long sent = 0, received = 0, urgent_sent = 0, urgent_received = 0;
    bool eof = false, reset = false;
    for (size_t i = 0; i < count; i++) {
        const struct trace_event *ev = &events[i];
        if (!ev->has_ret || ev->phase == TRACE_PHASE_START)
            continue;
        bool urgent = trace_event_has_word(ev, "MSG_OOB");
        bool is_send = strcmp(ev->call, "send") == 0, is_recv = strcmp(ev->call, "recv") == 0;
        if (is_send && ev->ret > 0 && urgent)
            urgent_sent += ev->ret;
        else if (is_send && ev->ret > 0)
            sent += ev->ret;
        if (is_recv && ev->ret > 0 && urgent)
            urgent_received += ev->ret;
        else if (is_recv && ev->ret > 0)
            received += ev->ret;
        if (is_recv && ev->ret == 0)
            eof = true;
        /* A Windows program's trace names WinSock's code. */
        if (strcmp(ev->err, "ECONNRESET") == 0 || strcmp(ev->err, "WSAECONNRESET") == 0)
            reset = true;
    }
    printf("sent=%ld received=%ld urgent_sent=%ld urgent_received=%ld eof=%s reset=%s\n", sent,
           received, urgent_sent, urgent_received, eof ? "yes" : "no", reset ? "yes" : "no");
}

/* shown_height > 0: the slide picture (chart_svg_write_slide). */
static void write_or_die(const struct chart *chart, const char *title, int shown_height,
                         const char *out_path)
{
    FILE *out = stdout;
    if (out_path) {
        out = fopen(out_path, "w");
        if (out == NULL)
            die_errno("open %s", out_path);
    }
    int rc = shown_height > 0 ? chart_svg_write_slide(out, chart, shown_height)
                              : chart_svg_write(out, chart, title, true);
    if (out_path) {
        if (fclose(out) == EOF)
            rc = -1;
    } else if (fflush(out) == EOF) {
        rc = -1;
    }
    if (rc == -1) {
        int saved = errno;
        if (out_path)
            unlink(out_path); /* never leave half a picture behind */
        errno = saved;
        die_errno("write %s", out_path ? out_path : "standard output");
    }
}

/*
 * The chart's promises, checked: every arrow goes down the page (a message
 * arrives after it was sent), and each lifeline keeps its calls in the
 * order they returned. Prints each breach; returns how many there were.
 */
static int check_order(const struct chart *chart)
{
    int bad = 0;
    for (size_t i = 0; i < chart->narrows; i++) {
        const struct chart_arrow *a = &chart->arrows[i];
        if (a->from_row == CHART_NO_ROW || a->to_row == CHART_NO_ROW || a->to_row > a->from_row)
            continue;
        const struct trace_event *from = chart->rows[a->from_row].ev;
        const struct trace_event *to = chart->rows[a->to_row].ev;
        printf("arrow %s points back in time: from %s(%s) on row %zu to %s(%s) on row %zu\n",
               a->label, from->call, from->args, a->from_row, to->call, to->args, a->to_row);
        bad++;
    }
    for (int side = 0; side < 2; side++) {
        const struct trace_event *last = NULL;
        for (size_t r = 0; r < chart->nrows; r++) {
            if ((int)chart->rows[r].side != side)
                continue;
            const struct trace_event *ev = chart->rows[r].ev;
            if (chart->rows[r].start) {
                /* A start row stands above its call's row. */
                if (chart_end_of(chart, r) == CHART_NO_ROW) {
                    printf("row %zu, the start of %s(%s), has no end below it\n", r, ev->call,
                           ev->args);
                    bad++;
                }
                continue;
            }
            if (last && ev->mono_ns < last->mono_ns) {
                printf("row %zu, %s(%s), returned before the row above it on its lifeline\n", r,
                       ev->call, ev->args);
                bad++;
            }
            last = ev;
        }
    }
    return bad;
}

int main(int argc, char **argv)
{
    err_set_progname(argv[0]);
    const char *out_path = NULL;
    const char *title = "TCP sequence chart, drawn from a real trace";
    bool compact = false, check = false, wire = false;
    long shown_height = 610; /* the decks show a chart h:610 */
    int opt;
    while ((opt = cli_next_option(&CLI, argc, argv)) != -1) {
        switch (opt) {
        case 'c':
            compact = true;
            break;
        case 'k':
            check = true;
            break;
        case 'H':
            shown_height = cli_parse_long(optarg, 200, 720, "height");
            break;
        case 'o':
            out_path = optarg;
            break;
        case 't':
            title = optarg;
            break;
        case 'w':
            wire = true;
            break;
        }
    }
    if (wire) {
        if (optind == argc)
            die_usage("expected one TRACE or more with -w");
        for (int i = optind; i < argc; i++) {
            size_t count;
            struct trace_event *events = load_or_die(argv[i], &count);
            print_wire_summary(events, count);
            free(events);
        }
        if (fflush(stdout) == EOF)
            die_errno("write standard output");
        return 0;
    }
    if (argc - optind != 2)
        die_usage("expected CLIENT_TRACE and SERVER_TRACE (two files)");

    size_t nclient, nserver;
    struct trace_event *client = load_or_die(argv[optind], &nclient);
    struct trace_event *server = load_or_die(argv[optind + 1], &nserver);
    struct chart chart;
    if (chart_build(&chart, client, nclient, server, nserver) == -1)
        die_errno("build the chart");
    if (chart.nrows == 0)
        die("no traced calls in %s or %s: were the programs run with IPC_TRACE_FILE set?",
            argv[optind], argv[optind + 1]);
    if (check) {
        int bad = check_order(&chart);
        if (bad == 0)
            printf("trace_chart: %zu calls, %zu arrows, none back in time\n", chart.nrows,
                   chart.narrows);
        chart_free(&chart);
        free(client);
        free(server);
        return bad == 0 ? 0 : 1;
    }
    if (compact)
        chart_compact(&chart);
    write_or_die(&chart, title, compact ? (int)shown_height : 0, out_path);
    chart_free(&chart);
    free(client);
    free(server);
    return 0;
}
