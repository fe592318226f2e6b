/*
 * wire_view - one timeline of a lab 04 run: the calls the client and the
 * server made, and the TCP segments those calls put on the wire.
 *
 * usage: wire_view [-a] [-k MODE] [-s OUT.svg [-c] [-r FROM,TO | -p PART] [-t TITLE]]
 *                  CLIENT_TRACE SERVER_TRACE [CAPTURE]
 *
 * CLIENT_TRACE and SERVER_TRACE are the JSON Lines files IPC_TRACE_FILE
 * makes the programs write; CAPTURE is wire_capture's file of the same run
 * (without it, the calls only). Each segment is shown when it left its
 * sender, with its flags, seq and ack relative to each side's first
 * sequence number, window, urgent pointer and payload length; a
 * retransmission and a segment the wire lost are marked (see timeline.h).
 *
 *   -a        also show when each segment arrived (useful with DELAY)
 *   -k MODE   check what TCP must have sent in MODE (see wire_check.h),
 *             after the timeline; exit 1 when a check fails
 *   -s OUT.svg  draw the sequence chart of observed segments (wire_chart.h)
 *             there instead of printing the timeline; -c keeps only the
 *             lifecycle's calls (for slides), -r FROM,TO (ms) a slice of
 *             the run, -p PART the slice of one part (wire_chart_part),
 *             -t TITLE a heading
 *
 * `make wire MODE=halfclose` records a run and shows it (tools/wire/run_wire.sh).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "err.h"
#include "grow.h"
#include "segment.h"
#include "timeline.h"
#include "trace_read.h"
#include "wire_chart.h"
#include "wire_check.h"

static const struct cli_spec CLI = {
    .usage = "usage: wire_view [-a] [-k MODE] [-s OUT.svg [-c] [-r FROM,TO | -p PART] [-t TITLE]]\n"
             "                 CLIENT_TRACE SERVER_TRACE [CAPTURE]\n"
             "Shows the traced calls of a lab 04 client and server and the TCP segments\n"
             "captured on the wire between them, on one timeline.\n",
    .options =
        {
            {'a', "arrivals", NULL, "also show when each segment reached the other side"},
            {'k', "check", "MODE",
             "check the segments TCP must send in MODE (echo, halfclose,\n"
             "oob, abort, poll); exit 1 when one is missing or out of place"},
            {'s', "svg", "OUT.svg", "draw the sequence chart of the segments there instead"},
            {'c', "compact", NULL, "with -s: only the lifecycle's calls (for a slide)"},
            {'r', "range", "A,B", "with -s: only what happened from A to B ms"},
            {'p', "part", "PART", "with -s: only handshake, halfclose, urgent or abort"},
            {'t', "title", "TEXT", "with -s: the chart's heading"},
        },
    .more = "Examples:\n"
            "  sudo make wire MODE=halfclose DELAY=50ms\n"
            "  wire_view -s hs.svg -c -p handshake client.jsonl server.jsonl capture.wire\n",
};

/* Parses "A,B" (milliseconds, B may be empty: to the end) or dies. */
static void parse_range(const char *text, struct wire_chart_options *opt)
{
    char *end;
    errno = 0;
    opt->from_ms = strtod(text, &end);
    if (errno || end == text || *end != ',')
        die_usage("-r '%s': expected FROM,TO in milliseconds, e.g. 0,5", text);
    const char *to = end + 1;
    opt->to_ms = *to ? strtod(to, &end) : -1;
    if (errno || (*to && *end != '\0'))
        die_usage("-r '%s': expected FROM,TO in milliseconds, e.g. 0,5", text);
}

static void write_chart_or_die(const char *path, const struct timeline *tl,
                               const struct wire_chart_options *opt)
{
    FILE *out = fopen(path, "w");
    if (out == NULL)
        die_errno("open %s", path);
    int rc = wire_chart_svg(out, tl, opt);
    if (fclose(out) == EOF)
        rc = -1;
    if (rc == -1) {
        int saved = errno;
        unlink(path); /* never leave half a picture behind */
        errno = saved;
        die_errno("write %s", path);
    }
}

static struct trace_event *load_trace_or_die(const char *path, size_t *count)
{
    struct trace_event *events;
    size_t bad_line;
    if (trace_events_load(path, &events, count, &bad_line) == -1) {
        if (errno == EINVAL)
            die("%s:%zu: not a trace line (expected one JSON object per line)", path, bad_line);
        die_errno("read %s", path);
    }
    return events;
}

/* Reads a capture file; dies naming the first line that is not a segment. */
static struct wire_segment *load_capture_or_die(const char *path, size_t *count)
{
    FILE *in = fopen(path, "re");
    if (in == NULL)
        die_errno("open %s", path);
    struct wire_segment *segs = NULL;
    size_t n = 0, cap = 0, lineno = 0;
    char line[512];
    while (fgets(line, sizeof line, in)) {
        lineno++;
        if (line[0] == '#' || line[0] == '\n')
            continue;
        struct wire_segment *grown = grow_array(segs, n, &cap, sizeof *grown);
        if (grown == NULL)
            die_errno("read %s", path);
        segs = grown;
        if (segment_parse(line, &segs[n]) == -1)
            die("%s:%zu: not a capture line (wire_capture writes them)", path, lineno);
        n++;
    }
    if (ferror(in))
        die_errno("read %s", path);
    fclose(in);
    *count = n;
    return segs;
}

int main(int argc, char **argv)
{
    err_set_progname(argv[0]);
    bool arrivals = false;
    const char *mode = NULL, *svg = NULL;
    struct wire_chart_options chart = {
        .title = NULL, .compact = false, .from_ms = -1e18, .to_ms = -1};
    int opt;
    const char *part = NULL;
    while ((opt = cli_next_option(&CLI, argc, argv)) != -1) {
        switch (opt) {
        case 'p':
            part = optarg;
            break;
        case 'c':
            chart.compact = true;
            break;
        case 'r':
            parse_range(optarg, &chart);
            break;
        case 's':
            svg = optarg;
            break;
        case 't':
            chart.title = optarg;
            break;
        case 'a':
            arrivals = true;
            break;
        case 'k':
            mode = optarg;
            break;
        }
    }
    int left = argc - optind;
    if (left < 2 || left > 3)
        die_usage("expected CLIENT_TRACE SERVER_TRACE [CAPTURE]");

    size_t nclient, nserver, nsegs = 0;
    struct trace_event *client = load_trace_or_die(argv[optind], &nclient);
    struct trace_event *server = load_trace_or_die(argv[optind + 1], &nserver);
    struct wire_segment *segs = left == 3 ? load_capture_or_die(argv[optind + 2], &nsegs) : NULL;
    struct timeline tl;
    if (timeline_build(&tl, client, nclient, server, nserver, left == 3 ? segs : NULL, nsegs) == -1)
        die_errno("build the timeline");
    if (left == 3 && tl.nitems == 0)
        warn_msg("%s holds no TCP connection (no SYN): showing the calls only", argv[optind + 2]);
    if (part && wire_chart_part(&tl, part, &chart) == -1)
        die_usage("-p %s: no such part in these traces (handshake, halfclose, urgent, abort)",
                  part);
    if (svg)
        write_chart_or_die(svg, &tl, &chart);
    else if (timeline_print(stdout, &tl, arrivals) == -1)
        die_errno("write the timeline");

    int status = 0;
    if (mode) {
        printf("\nwhat TCP must send in %s mode:\n", mode);
        int failed = wire_check(stdout, &tl, mode);
        if (failed == -1)
            die_usage("unknown mode '%s': use echo, halfclose, oob, abort or poll", mode);
        printf("%s: %d check%s failed\n", failed ? "FAIL" : "PASS", failed, failed == 1 ? "" : "s");
        status = failed ? 1 : 0;
    }
    if (fflush(stdout) == EOF)
        die_errno("write the timeline");
    timeline_free(&tl);
    free(segs);
    free(client);
    free(server);
    return status;
}
