/*
 * bench - lab 05: shared memory vs message passing, measured on the same work.
 *
 * usage: bench [-m MECHS] [-s SIZES] [-n COUNT] [-t TRIALS] [-c A,B] [--same-core]
 *              [--quick | --full] [-o DIR]
 *
 * For every mechanism and message size: one-way throughput (MB/s and
 * messages/s at the reader), ping-pong round trips (median and p99), and the
 * CPU time both processes spend per message (rows.c). Plus the machine's own
 * limits: memcpy bandwidth, the round trip of one cache line between the
 * cores, and the cost of the check every message gets (verify.h). Each row
 * is framed by noise samples (noise.h) and measured again when disturbed.
 * Prints a table and the conclusions that hold (summary.h), and writes
 * DIR/results.csv (default build/bench); `make bench` then draws the plots.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "channel.h"
#include "cli.h"
#include "err.h"
#include "reference.h"
#include "results.h"
#include "rows.h"
#include "summary.h"
#include "clock.h"
#include "term.h"

enum { OPT_SAME_CORE = CLI_LONG_ONLY, OPT_QUICK, OPT_FULL };

static const struct cli_spec CLI = {
    .usage = "usage: bench [-m MECHS] [-s SIZES] [-n COUNT] [-t TRIALS] [-c A,B] [--same-core]\n"
             "             [--quick | --full] [-o DIR]\n"
             "Measures IPC mechanisms on the same work, in two processes (lab 05).\n",
    .options =
        {
            {'m', NULL, "MECHS",
             "comma-separated: shm-lock,shm-lockfree,pipe,unix,tcp (default all)"},
            {'s', NULL, "SIZES",
             "message sizes, comma-separated, K and M work (default 64,1K,4K,64K,1M)"},
            {'n', NULL, "COUNT",
             "messages (and round trips) per run (default: what fits in about\n"
             "40 ms, 150 ms with --full, at the rate of a warm-up run)"},
            {'t', NULL, "TRIALS",
             "measured trials per figure, after one warm-up (default 3; --full 7)"},
            {'c', NULL, "A,B", "the sender's and the receiver's cores (default 0,1)"},
            {OPT_SAME_CORE, "same-core", NULL, "run both processes on core 0 (the same as -c 0,0)"},
            {OPT_QUICK, "quick", NULL, "the short run `make bench` uses (the default)"},
            {OPT_FULL, "full", NULL, "longer runs and more trials (make bench FULL=1)"},
            {'o', NULL, "DIR", "where results.csv goes (default build/bench)"},
        },
    .more = "Before and after each row it samples the cache line round trip and the load\n"
            "(noise.h): a disturbed row is measured again, and marked ! if it stays so.\n"
            "Output: a table on stdout, a line per mechanism on stderr, DIR/results.csv\n"
            "with the header mechanism,msg_size,metric,median,p99,min,max,unit,note\n"
            "Examples:\n"
            "  bench -m pipe,unix -s 64,4K\n"
            "  bench --full -o build/bench     (what make bench FULL=1 runs)\n",
};

struct options {
    const struct channel_ops *mechs[8];
    size_t mech_count;
    size_t sizes[16];
    size_t size_count;
    size_t count; /* 0: by size */
    size_t trials;
    bool same_core;
    int cpu_a, cpu_b; /* -1: not given */
    bool full;
    const char *out_dir;
    uint64_t retry_until_ns; /* disturbed rows are measured again only until then */
};

static void parse_mechanisms(struct options *o, char *list)
{
    o->mech_count = 0;
    for (char *name = strtok(list, ","); name; name = strtok(NULL, ",")) {
        const struct channel_ops *m = channel_find(name);
        if (m == NULL)
            die_usage("unknown mechanism '%s' (shm-lock, shm-lockfree, pipe, unix, tcp)", name);
        if (o->mech_count == sizeof o->mechs / sizeof o->mechs[0])
            die_usage("too many mechanisms");
        o->mechs[o->mech_count++] = m;
    }
}

static void parse_sizes(struct options *o, char *list)
{
    o->size_count = 0;
    for (char *text = strtok(list, ","); text; text = strtok(NULL, ",")) {
        if (o->size_count == sizeof o->sizes / sizeof o->sizes[0])
            die_usage("too many sizes");
        /* At least 8 bytes: each message starts with its sequence number. */
        o->sizes[o->size_count++] = (size_t)cli_parse_size(text, 8, 64L * 1024 * 1024, "size");
    }
}

static void parse_cores(struct options *o, char *pair)
{
    char *comma = strchr(pair, ',');
    if (comma == NULL)
        die_usage("-c takes two cores, like 0,1");
    *comma = '\0';
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    o->cpu_a = (int)cli_parse_long(pair, 0, cpus - 1, "core");
    o->cpu_b = (int)cli_parse_long(comma + 1, 0, cpus - 1, "core");
}

static void parse_options(struct options *o, int argc, char **argv)
{
    char default_sizes[] = "64,1K,4K,64K,1M";
    *o = (struct options){.trials = 0, .cpu_a = -1, .cpu_b = -1, .out_dir = "build/bench"};
    for (size_t i = 0; CHANNEL_ALL[i]; i++)
        o->mechs[o->mech_count++] = CHANNEL_ALL[i];
    parse_sizes(o, default_sizes);
    int opt;
    while ((opt = cli_next_option(&CLI, argc, argv)) != -1) {
        switch (opt) {
        case 'm':
            parse_mechanisms(o, optarg);
            break;
        case 's':
            parse_sizes(o, optarg);
            break;
        case 'n':
            o->count = (size_t)cli_parse_long(optarg, 2, 100000000, "count");
            break;
        case 't':
            o->trials = (size_t)cli_parse_long(optarg, 1, 100, "trials");
            break;
        case 'o':
            o->out_dir = optarg;
            break;
        case 'c':
            parse_cores(o, optarg);
            break;
        case OPT_SAME_CORE:
            o->same_core = true;
            break;
        case OPT_QUICK:
            o->full = false;
            break;
        case OPT_FULL:
            o->full = true;
            break;
        }
    }
    if (optind != argc)
        die_usage("unexpected argument '%s'", argv[optind]);
    if (o->trials == 0)
        o->trials = o->full ? 7 : 3;
}

static void reference_rows(const struct options *o, int cpu_a, int cpu_b, struct results *res)
{
    double batches[41];
    size_t n = o->full ? 41 : 15;
    rows_progress("reference: cache line round trip");
    if (reference_cacheline_rtt(cpu_a, cpu_b, n, batches) == 0)
        results_add(res, "cacheline", 64, "rtt_ns", "ns", stats_of(batches, n));
    for (size_t i = 0; i < o->size_count; i++) {
        rows_progress("reference: memcpy %zu bytes", o->sizes[i]);
        double trials[7];
        size_t k = o->full ? 7 : 3;
        for (size_t t = 0; t < k; t++)
            trials[t] = reference_memcpy_MBps(o->sizes[i], o->full ? 0.2 : 0.05);
        results_add(res, "memcpy", o->sizes[i], "throughput_MBps", "MB/s", stats_of(trials, k));
        for (size_t t = 0; t < k; t++)
            trials[t] = reference_verify_ns(o->sizes[i], o->full ? 0.05 : 0.02);
        results_add(res, "verify", o->sizes[i], "ns_per_msg", "ns", stats_of(trials, k));
    }
}

int main(int argc, char **argv)
{
    err_set_progname(argv[0]);
    struct options o;
    parse_options(&o, argc, argv);
    /* Tracing every ring setup would cost more than some of the runs it
     * describes: the benchmark is quiet unless IPC_TRACE is set. */
    if (setenv("IPC_TRACE", "off", 0) == -1)
        die_errno("setenv IPC_TRACE");
    /* A receiver that dies must make the sender's send fail, not kill it. */
    if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
        die_errno("signal(SIGPIPE)");
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    int cpu_a = 0, cpu_b = (o.same_core || cpus < 2) ? 0 : 1;
    if (o.cpu_a >= 0) {
        cpu_a = o.cpu_a;
        cpu_b = o.cpu_b;
    }
    if (mkdir(o.out_dir, 0755) == -1 && errno != EEXIST)
        die_errno("mkdir %s", o.out_dir);

    /* Retries stop in time for the whole run to stay under a minute (quick)
     * or four (full) on a busy machine. */
    o.retry_until_ns = clock_now_ns() + (o.full ? 150u : 35u) * UINT64_C(1000000000);
    struct results res = {0};
    reference_rows(&o, cpu_a, cpu_b, &res);
    struct rows_plan plan = {
        .count = o.count,
        .trials = o.trials,
        .full = o.full,
        .cpu_a = cpu_a,
        .cpu_b = cpu_b,
        .sizes = o.sizes,
        .size_count = o.size_count,
        .retries = o.full ? 2 : 1,
        .retry_until_ns = o.retry_until_ns,
    };
    for (size_t m = 0; m < o.mech_count; m++)
        rows_measure(&plan, o.mechs[m], m, o.mech_count, &res);
    rows_progress("%s", "");
    if (isatty(STDERR_FILENO))
        fputs("\r\033[K", stderr);

    printf("cores: %d and %d; %zu trials after a warm-up; every message checked\n\n", cpu_a, cpu_b,
           o.trials);
    results_print_table(&res, stdout);
    summary_print(&res, term_use_color(STDOUT_FILENO));
    char csv[512];
    snprintf(csv, sizeof csv, "%s/results.csv", o.out_dir);
    if (results_write_csv(&res, csv) == -1)
        die_errno("write %s", csv);
    printf("\nresults: %s\n", csv);
    results_free(&res);
    return 0;
}
