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
#include "noise.h"
#include "reference.h"
#include "results.h"
#include "summary.h"
#include "term.h"
#include "clock.h"

static const char USAGE[] =
    "usage: bench [-m MECHS] [-s SIZES] [-n COUNT] [-t TRIALS] [-c A,B] [--same-core]\n"
    "             [--quick | --full] [-o DIR] [-h]\n"
    "Measures IPC mechanisms on the same work, in two processes (lab 05).\n"
    "  -m MECHS     comma-separated: shm-lock,shm-lockfree,pipe,unix,tcp (default all)\n"
    "  -s SIZES     message sizes, comma-separated, K and M work (default 64,1K,4K,64K,1M)\n"
    "  -n COUNT     messages (and round trips) per run (default: what fits in about\n"
    "               40 ms, 150 ms with --full, at the rate of a warm-up run)\n"
    "  -t TRIALS    measured trials per figure, after one warm-up (default 3; --full 7)\n"
    "  -c A,B       the sender's and the receiver's cores (default 0,1)\n"
    "  --same-core  run both processes on core 0 (the same as -c 0,0)\n"
    "  --quick      the short run `make bench` uses (the default)\n"
    "  --full       longer runs and more trials (make bench FULL=1)\n"
    "  -o DIR       where results.csv goes (default build/bench)\n"
    "  -h           show this help\n"
    "Before and after each row it samples the cache line round trip and the load\n"
    "(noise.h): a disturbed row is measured again, and marked ! if it stays so.\n"
    "Output: a table on stdout, a line per mechanism on stderr, DIR/results.csv\n"
    "with the header mechanism,msg_size,metric,median,p99,min,max,unit,note\n"
    "Examples:\n"
    "  bench -m pipe,unix -s 64,4K\n"
    "  bench --full -o build/bench     (what make bench FULL=1 runs)\n";

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

/*
 * How many messages or round trips a run has. The warm-up run uses a
 * first guess (a few MiB, within bounds); the measured runs then use as
 * many as the warm-up's rate fits into a fixed time per run. So a slow
 * mechanism (or a busy machine) does not stretch the bench, and a fast
 * one still runs long enough to be timed well.
 */
static double run_seconds(const struct options *o, bool round_trips)
{
    if (round_trips)
        return o->full ? 0.10 : 0.025;
    return o->full ? 0.15 : 0.04;
}

static size_t clamp_count(double n, size_t lo, size_t hi)
{
    return n < (double)lo ? lo : n > (double)hi ? hi : (size_t)n;
}

/* The warm-up's guess: messages per throughput run. */
static size_t throughput_count(const struct options *o, size_t size)
{
    if (o->count)
        return o->count;
    return clamp_count((double)(4u * 1024 * 1024) / (double)size, 32, 20000);
}

/* The warm-up's guess: round trips per run. */
static size_t round_trip_count(const struct options *o, size_t size)
{
    if (o->count)
        return o->count;
    return clamp_count((double)(2u * 1024 * 1024) / (double)size, 16, 500);
}

/* The measured runs' count, from the warm-up: `done` in `seconds`. */
static size_t calibrated_count(const struct options *o, bool round_trips, double done,
                               double seconds, size_t guess)
{
    if (o->count || seconds <= 0 || done <= 0)
        return guess;
    double want = done / seconds * run_seconds(o, round_trips);
    if (round_trips)
        return clamp_count(want, 16, o->full ? 50000 : 10000);
    return clamp_count(want, 32, o->full ? 1000000 : 200000);
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
    struct measure_config run = *cfg;
    for (size_t t = 0; t <= o->trials; t++) { /* t == 0 is the warm-up */
        struct measure_result r = {0};
        if (measure_throughput(&run, &r) == -1)
            return -1;
        if (r.messages_received != run.count || r.bytes_received != run.count * run.size) {
            errno = EBADMSG; /* the counts must agree: N messages of S bytes */
            return -1;
        }
        if (t == 0) {
            run.count = calibrated_count(o, false, (double)r.messages_timed, r.seconds, run.count);
            continue;
        }
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
    /* The warm-up run, into its own samples, sets the count of the others. */
    uint64_t *samples = malloc(cfg.count * sizeof *samples);
    struct measure_result r = {0};
    if (samples == NULL || measure_round_trips(&cfg, samples, &r) == -1) {
        int saved = samples ? errno : ENOMEM;
        free(samples);
        errno = saved;
        return -1;
    }
    free(samples);
    size_t per_trial = calibrated_count(o, true, (double)cfg.count, r.seconds, cfg.count);
    cfg.count = per_trial;
    samples = malloc(o->trials * per_trial * sizeof *samples);
    if (samples == NULL)
        return -1;
    for (size_t t = 0; t < o->trials; t++) {
        if (measure_round_trips(&cfg, samples + t * per_trial, &r) == -1) {
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
        for (size_t t = 0; t < k; t++)
            trials[t] = reference_verify_ns(o->sizes[i], o->full ? 0.05 : 0.02);
        results_add(res, "verify", o->sizes[i], "ns_per_msg", "ns", stats_of(trials, k));
    }
}

/* How often a disturbed row is measured again before it is kept, marked;
 * retries also stop once the run has used most of its time (main()). */
static size_t max_retries(const struct options *o)
{
    return o->full ? 2 : 1;
}

/* Figures of one mechanism at one size, into `into`. Returns 1 when the
 * mechanism is not implemented yet (ENOSYS), else 0; a failed measurement
 * is reported and left out. *skip_rtt is set once round trips are not. */
static int measure_row(const struct options *o, struct measure_config cfg, struct results *into,
                       bool *skip_rtt)
{
    cfg.count = throughput_count(o, cfg.size);
    if (bench_throughput(o, &cfg, into) == -1) {
        if (errno == ENOSYS)
            return 1;
        warn_errno("%s, %zu bytes: throughput", cfg.mech->name, cfg.size);
    }
    if (*skip_rtt)
        return 0;
    cfg.count = round_trip_count(o, cfg.size);
    if (bench_round_trips(o, cfg, into) == -1) {
        if (errno == ENOSYS) {
            *skip_rtt = true;
            warn_msg("%s: round trips not implemented yet (rtt.c or the channel returned ENOSYS)",
                     cfg.mech->name);
        } else {
            warn_errno("%s, %zu bytes: round trips", cfg.mech->name, cfg.size);
        }
    }
    return 0;
}

/*
 * Every size of mechanism number m. Each row is framed by two noise
 * samples (noise.h); a disturbed row is measured again, up to
 * max_retries() times, and kept with a note when it never ran quietly.
 * Each row also records the placement it ran in (cacheline_rtt_ns).
 */
static void bench_mechanism(const struct options *o, size_t m, int cpu_a, int cpu_b,
                            struct results *res)
{
    const struct channel_ops *mech = o->mechs[m];
    uint64_t started = clock_now_ns();
    size_t retried = 0, disturbed = 0;
    bool skip_rtt = false;
    for (size_t s = 0; s < o->size_count; s++) {
        struct measure_config cfg = {
            .mech = mech, .size = o->sizes[s], .sender_cpu = cpu_a, .receiver_cpu = cpu_b};
        for (size_t attempt = 0;; attempt++) {
            progress("[%zu/%zu] %s, %zu-byte messages%s", m + 1, o->mech_count, mech->name,
                     cfg.size, attempt ? " (again: it was disturbed)" : "");
            struct noise_sample before, after;
            bool sampled = noise_sample(cpu_a, cpu_b, &before) == 0;
            struct results row = {0};
            if (measure_row(o, cfg, &row, &skip_rtt) == 1) {
                results_free(&row);
                warn_msg("%s: not implemented yet (ENOSYS); skipped", mech->name);
                fprintf(stderr, "[%zu/%zu] %-12s skipped: not implemented yet\n", m + 1,
                        o->mech_count, mech->name);
                return;
            }
            sampled = sampled && noise_sample(cpu_a, cpu_b, &after) == 0;
            struct noise_verdict v = {0};
            if (sampled) {
                v = noise_judge(&before, &after);
                double lo = v.before_ns < v.after_ns ? v.before_ns : v.after_ns;
                double hi = v.before_ns < v.after_ns ? v.after_ns : v.before_ns;
                struct stats line = {.median = (lo + hi) / 2, .p99 = hi, .min = lo, .max = hi};
                results_add(&row, mech->name, cfg.size, "cacheline_rtt_ns", "ns", line);
            }
            if (v.flags != 0 && attempt < max_retries(o) && clock_now_ns() < o->retry_until_ns) {
                retried++;
                results_free(&row);
                continue;
            }
            if (v.flags != 0) {
                disturbed++;
                results_note(&row, 0, v.text);
            }
            results_append(res, &row);
            results_free(&row);
            break;
        }
    }
    progress("%s", "");
    if (isatty(STDERR_FILENO))
        fputs("\r\033[K", stderr);
    fprintf(stderr, "[%zu/%zu] %-12s %zu sizes in %.1f s", m + 1, o->mech_count, mech->name,
            o->size_count, (double)(clock_now_ns() - started) / 1e9);
    if (retried)
        fprintf(stderr, "; %zu rows measured again (disturbed)", retried);
    if (disturbed)
        fprintf(stderr, "; %zu rows still disturbed, marked !", disturbed);
    fputc('\n', stderr);
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
    for (size_t m = 0; m < o.mech_count; m++)
        bench_mechanism(&o, m, cpu_a, cpu_b, &res);
    progress("%s", "");
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
