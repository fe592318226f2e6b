/*
 * trace_chart - draw a TCP message sequence chart from two real traces.
 *
 * usage: trace_chart [-c] [-o OUT.svg] [-t TITLE] CLIENT_TRACE SERVER_TRACE
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
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "chart.h"
#include "chart_svg.h"
#include "cli.h"
#include "err.h"
#include "trace_event.h"

static const char USAGE[] =
    "usage: trace_chart [-c] [-o OUT.svg] [-t TITLE] CLIENT_TRACE SERVER_TRACE\n"
    "Draws a TCP sequence chart (SVG) from the JSON Lines traces that\n"
    "IPC_TRACE_FILE=path makes a client and a server write.\n"
    "  -c          compact, for slides: only the calls that send, receive,\n"
    "              change the TCP state or are lifecycle steps; no legend\n"
    "  -o OUT.svg  write the chart there (default: standard output)\n"
    "  -t TITLE    the chart's heading ('' for none)\n"
    "  -h          show this help\n"
    "Example: make trace-chart MODE=halfclose\n";

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

static void write_or_die(const struct chart *chart, const char *title, bool legend,
                         const char *out_path)
{
    FILE *out = stdout;
    if (out_path) {
        out = fopen(out_path, "w");
        if (out == NULL)
            die_errno("open %s", out_path);
    }
    int rc = chart_svg_write(out, chart, title, legend);
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

int main(int argc, char **argv)
{
    err_set_progname(argv[0]);
    const char *out_path = NULL;
    const char *title = "TCP sequence chart, drawn from a real trace";
    bool compact = false;
    int opt;
    opterr = 0; /* cli_bad_option() says what was wrong */
    while ((opt = getopt(argc, argv, ":cho:t:")) != -1) {
        switch (opt) {
        case 'c':
            compact = true;
            break;
        case 'h':
            cli_help(USAGE);
        case 'o':
            out_path = optarg;
            break;
        case 't':
            title = optarg;
            break;
        default:
            cli_bad_option(opt, argv);
        }
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
    if (compact)
        chart_compact(&chart);
    write_or_die(&chart, title, !compact, out_path);
    chart_free(&chart);
    free(client);
    free(server);
    return 0;
}
