/*
 * bench - lab 05: shared memory vs message passing, measured on the same work.
 *
 * usage: bench [-m MECHS] [-s SIZES] [-n COUNT] [-t TRIALS] [-c A,B] [--same-core]
 *              [--quick | --full] [-o DIR] [-h]
 *
 * For every mechanism and message size: one-way throughput (MB/s and
 * messages/s at the reader), ping-pong round trips (median and p99), and the
 * CPU time both processes spend per message. Plus the machine's own limits:
 * memcpy bandwidth and the round trip of one cache line between the cores.
 * Every message is checked (verify.h). Prints a table and writes
 * DIR/results.csv (default build/bench); `make bench` then draws the plots.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "channel.h"
#include "cli.h"
#include "err.h"
#include "measure.h"
#include "reference.h"
#include "results.h"
#include "term.h"

static const char USAGE[] =
    "usage: bench [-m MECHS] [-s SIZES] [-n COUNT] [-t TRIALS] [-c A,B] [--same-core]\n"
    "             [--quick | --full] [-o DIR] [-h]\n"
    "Measures IPC mechanisms on the same work, in two processes (lab 05).\n"
    "  -m MECHS     comma-separated: shm-lock,shm-lockfree,pipe,unix,tcp (default all)\n"
    "  -s SIZES     message sizes, comma-separated, K and M work (default 64,1K,4K,64K,1M)\n"
    "  -n COUNT     messages per throughput run (default: by size, about 32 MiB a run)\n"
    "  -t TRIALS    measured trials per figure, after one warm-up (default 3; --full 7)\n"
    "  -c A,B       the sender's and the receiver's cores (default 0,1)\n"
    "  --same-core  run both processes on core 0 (the same as -c 0,0)\n"
    "  --quick      the short run `make bench` uses (the default)\n"
    "  --full       longer runs and more trials (make bench FULL=1)\n"
    "  -o DIR       where results.csv goes (default build/bench)\n"
    "  -h           show this help\n"
    "Output: a table on stdout, DIR/results.csv with the header\n"
    "mechanism,msg_size,metric,median,p99,min,max,unit\n";

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
    static const struct option longs[] = {
        {"same-core", no_argument, NULL, 'S'},
        {"quick", no_argument, NULL, 'Q'},
        {"full", no_argument, NULL, 'F'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    char default_sizes[] = "64,1K,4K,64K,1M";
    *o = (struct options){.trials = 0, .cpu_a = -1, .cpu_b = -1, .out_dir = "build/bench"};
    for (size_t i = 0; CHANNEL_ALL[i]; i++)
        o->mechs[o->mech_count++] = CHANNEL_ALL[i];
    parse_sizes(o, default_sizes);
    opterr = 0;
    int opt;
    while ((opt = getopt_long(argc, argv, ":hm:s:n:t:o:c:", longs, NULL)) != -1) {
        switch (opt) {
        case 'h':
            cli_help(USAGE);
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
        case 'S':
            o->same_core = true;
            break;
        case 'Q':
            o->full = false;
            break;
        case 'F':
            o->full = true;
            break;
        default:
            cli_bad_option(opt, argv);
        }
    }
    if (optind != argc)
        die_usage("unexpected argument '%s'", argv[optind]);
    if (o->trials == 0)
        o->trials = o->full ? 7 : 3;
}

/* Messages per throughput run: about 32 MiB (256 MiB with --full), within bounds. */
static size_t throughput_count(const struct options *o, size_t size)
{
    if (o->count)
        return o->count;
    size_t budget = (o->full ? 256u : 32u) * 1024 * 1024;
    size_t n = budget / size;
    size_t max = o->full ? 400000 : 60000;
    return n < 32 ? 32 : n > max ? max : n;
}

/* Round trips per run: many for small messages, fewer for large ones. */
static size_t round_trip_count(const struct options *o, size_t size)
{
    size_t n = (o->full ? 64u : 8u) * 1024 * 1024 / size;
    size_t max = o->full ? 20000 : 2000;
    return n < 16 ? 16 : n > max ? max : n;
}

/* Progress on a terminal only: one line, rewritten in place. */
static void progress(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void progress(const char *fmt, ...)
{
    if (!isatty(STDERR_FILENO))
        return;
    va_list ap;
    va_start(ap, fmt);
    fputs("\r\033[K", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fflush(stderr);
}

/* Throughput and CPU rows for one mechanism and size. */
static int bench_throughput(const struct options *o, const struct measure_config *cfg,
                            struct results *res)
{
    double mbps[100], msgs[100], cpu[100];
    for (size_t t = 0; t <= o->trials; t++) { /* t == 0 is the warm-up */
        struct measure_result r = {0};
        if (measure_throughput(cfg, &r) == -1)
            return -1;
        if (r.messages_received != cfg->count || r.bytes_received != cfg->count * cfg->size) {
            errno = EBADMSG; /* the counts must agree: N messages of S bytes */
            return -1;
        }
        if (t == 0)
            continue;
        double seconds = r.seconds > 0 ? r.seconds : 1e-9;
        msgs[t - 1] = (double)r.messages_timed / seconds;
        mbps[t - 1] = msgs[t - 1] * (double)cfg->size / 1e6;
        cpu[t - 1] = r.cpu_seconds * 1e9 / (double)r.messages_received;
    }
    const char *name = cfg->mech->name;
    return results_add(res, name, cfg->size, "throughput_MBps", "MB/s", stats_of(mbps, o->trials)) |
           results_add(res, name, cfg->size, "throughput_msgs", "msg/s",
                       stats_of(msgs, o->trials)) |
           results_add(res, name, cfg->size, "cpu_ns_per_msg", "ns", stats_of(cpu, o->trials));
}

/* Round-trip row for one mechanism and size: every sample of every trial. */
static int bench_round_trips(const struct options *o, struct measure_config cfg,
                             struct results *res)
{
    size_t per_trial = cfg.count;
    uint64_t *samples = malloc((o->trials + 1) * per_trial * sizeof *samples);
    if (samples == NULL)
        return -1;
    for (size_t t = 0; t <= o->trials; t++) {
        struct measure_result r = {0};
        /* The warm-up's samples are written over by the first trial. */
        uint64_t *into = samples + (t == 0 ? 0 : (t - 1) * per_trial);
        if (measure_round_trips(&cfg, into, &r) == -1) {
            int saved = errno;
            free(samples);
            errno = saved;
            return -1;
        }
    }
    int rc = results_add(res, cfg.mech->name, cfg.size, "rtt_ns", "ns",
                         stats_of_ns(samples, o->trials * per_trial));
    free(samples);
    return rc;
}

static void reference_rows(const struct options *o, int cpu_a, int cpu_b, struct results *res)
{
    double batches[41];
    size_t n = o->full ? 41 : 15;
    progress("reference: cache line round trip");
    if (reference_cacheline_rtt(cpu_a, cpu_b, n, batches) == 0)
        results_add(res, "cacheline", 64, "rtt_ns", "ns", stats_of(batches, n));
    for (size_t i = 0; i < o->size_count; i++) {
        progress("reference: memcpy %zu bytes", o->sizes[i]);
        double trials[7];
        size_t k = o->full ? 7 : 3;
        for (size_t t = 0; t < k; t++)
            trials[t] = reference_memcpy_MBps(o->sizes[i], o->full ? 0.2 : 0.05);
        results_add(res, "memcpy", o->sizes[i], "throughput_MBps", "MB/s", stats_of(trials, k));
    }
}

/* Prints the ratios the handout asks about, from this run's own rows. */
static void print_ratios(const struct results *res, bool color)
{
    const struct result_row *line = results_find(res, "cacheline", 64, "rtt_ns");
    if (line) {
        printf("\ncache line round trip: %.0f ns", line->s.median);
        if (line->s.median > 150)
            printf("  %s[far placement: above 150 ns, the host moved the vCPUs apart; "
                   "ratios of this run are not graded]%s",
                   term_color(color, TERM_YELLOW), term_color(color, TERM_RESET));
        printf("\n");
    }
    const struct result_row *rtt64 = results_find(res, "shm-lockfree", 64, "rtt_ns");
    if (line && rtt64)
        printf("lock-free round trip at 64 B: %.1fx the cache line round trip\n",
               rtt64->s.median / line->s.median);
    size_t sizes[] = {64 * 1024, 1024 * 1024};
    for (size_t i = 0; i < 2; i++) {
        const struct result_row *shm =
            results_find(res, "shm-lockfree", sizes[i], "throughput_MBps");
        const struct result_row *copy = results_find(res, "memcpy", sizes[i], "throughput_MBps");
        char text[16];
        if (shm && copy)
            printf("lock-free throughput at %s: %.0f%% of memcpy\n",
                   results_size_text(sizes[i], text, sizeof text),
                   100 * shm->s.median / copy->s.median);
    }
    const struct result_row *shm_rate = results_find(res, "shm-lockfree", 64, "throughput_msgs");
    const struct result_row *pipe_rate = results_find(res, "pipe", 64, "throughput_msgs");
    if (shm_rate && pipe_rate)
        printf("lock-free message rate at 64 B: %.1f million/s, %.1fx the pipe's\n",
               shm_rate->s.median / 1e6, shm_rate->s.median / pipe_rate->s.median);
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

    struct results res = {0};
    reference_rows(&o, cpu_a, cpu_b, &res);
    size_t step = 0, steps = o.mech_count * o.size_count;
    for (size_t m = 0; m < o.mech_count; m++) {
        for (size_t s = 0; s < o.size_count; s++) {
            step++;
            struct measure_config cfg = {
                .mech = o.mechs[m], .size = o.sizes[s], .sender_cpu = cpu_a, .receiver_cpu = cpu_b};
            progress("[%zu/%zu] %s, %zu-byte messages", step, steps, cfg.mech->name, cfg.size);
            cfg.count = throughput_count(&o, cfg.size);
            if (bench_throughput(&o, &cfg, &res) == -1)
                warn_errno("%s, %zu bytes: throughput", cfg.mech->name, cfg.size);
            cfg.count = round_trip_count(&o, cfg.size);
            if (bench_round_trips(&o, cfg, &res) == -1)
                warn_errno("%s, %zu bytes: round trips", cfg.mech->name, cfg.size);
        }
    }
    progress("%s", "");
    if (isatty(STDERR_FILENO))
        fputs("\r\033[K", stderr);

    printf("cores: %d and %d; %zu trials after a warm-up; every message checked\n\n", cpu_a, cpu_b,
           o.trials);
    results_print_table(&res, stdout);
    print_ratios(&res, term_use_color(STDOUT_FILENO));
    char csv[512];
    snprintf(csv, sizeof csv, "%s/results.csv", o.out_dir);
    if (results_write_csv(&res, csv) == -1)
        die_errno("write %s", csv);
    printf("\nresults: %s\n", csv);
    results_free(&res);
    return 0;
}
