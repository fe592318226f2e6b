/*
 * rows.c - one mechanism at every size: the rows of the bench (rows.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "clock.h"
#include "err.h"
#include "measure.h"
#include "noise.h"
#include "rows.h"

/*
 * How many messages or round trips a run has. The warm-up run uses a
 * first guess (a few MiB, within bounds); the measured runs then use as
 * many as the warm-up's rate fits into a fixed time per run. So a slow
 * mechanism (or a busy machine) does not stretch the bench, and a fast
 * one still runs long enough to be timed well.
 */
static double run_seconds(const struct rows_plan *plan, bool round_trips)
{
    if (round_trips)
        return plan->full ? 0.10 : 0.025;
    return plan->full ? 0.15 : 0.04;
}

static size_t clamp_count(double n, size_t lo, size_t hi)
{
    return n < (double)lo ? lo : n > (double)hi ? hi : (size_t)n;
}

/* The warm-up's guess: messages per throughput run. */
static size_t throughput_count(const struct rows_plan *plan, size_t size)
{
    if (plan->count)
        return plan->count;
    return clamp_count((double)(4u * 1024 * 1024) / (double)size, 32, 20000);
}

/* The warm-up's guess: round trips per run. */
static size_t round_trip_count(const struct rows_plan *plan, size_t size)
{
    if (plan->count)
        return plan->count;
    return clamp_count((double)(2u * 1024 * 1024) / (double)size, 16, 500);
}

/* The measured runs' count, from the warm-up: `done` in `seconds`. */
static size_t calibrated_count(const struct rows_plan *plan, bool round_trips, double done,
                               double seconds, size_t guess)
{
    if (plan->count || seconds <= 0 || done <= 0)
        return guess;
    double want = done / seconds * run_seconds(plan, round_trips);
    if (round_trips)
        return clamp_count(want, 16, plan->full ? 50000 : 10000);
    return clamp_count(want, 32, plan->full ? 1000000 : 200000);
}

/* Throughput and CPU rows for one mechanism and size. */
static int bench_throughput(const struct rows_plan *plan, const struct measure_config *cfg,
                            struct results *res)
{
    double mbps[100], msgs[100], cpu[100];
    struct measure_config run = *cfg;
    for (size_t t = 0; t <= plan->trials; t++) { /* t == 0 is the warm-up */
        struct measure_result r = {0};
        if (measure_throughput(&run, &r) == -1)
            return -1;
        if (r.messages_received != run.count || r.bytes_received != run.count * run.size) {
            errno = EBADMSG; /* the counts must agree: N messages of S bytes */
            return -1;
        }
        if (t == 0) {
            run.count =
                calibrated_count(plan, false, (double)r.messages_timed, r.seconds, run.count);
            continue;
        }
        double seconds = r.seconds > 0 ? r.seconds : 1e-9;
        msgs[t - 1] = (double)r.messages_timed / seconds;
        mbps[t - 1] = msgs[t - 1] * (double)cfg->size / 1e6;
        cpu[t - 1] = r.cpu_seconds * 1e9 / (double)r.messages_received;
    }
    const char *name = cfg->mech->name;
    return results_add(res, name, cfg->size, "throughput_MBps", "MB/s",
                       stats_of(mbps, plan->trials)) |
           results_add(res, name, cfg->size, "throughput_msgs", "msg/s",
                       stats_of(msgs, plan->trials)) |
           results_add(res, name, cfg->size, "cpu_ns_per_msg", "ns", stats_of(cpu, plan->trials));
}

/* Round-trip row for one mechanism and size: every sample of every trial. */
static int bench_round_trips(const struct rows_plan *plan, struct measure_config cfg,
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
    size_t per_trial = calibrated_count(plan, true, (double)cfg.count, r.seconds, cfg.count);
    cfg.count = per_trial;
    samples = malloc(plan->trials * per_trial * sizeof *samples);
    if (samples == NULL)
        return -1;
    for (size_t t = 0; t < plan->trials; t++) {
        if (measure_round_trips(&cfg, samples + t * per_trial, &r) == -1) {
            int saved = errno;
            free(samples);
            errno = saved;
            return -1;
        }
    }
    int rc = results_add(res, cfg.mech->name, cfg.size, "rtt_ns", "ns",
                         stats_of_ns(samples, plan->trials * per_trial));
    free(samples);
    return rc;
}

/* Figures of one mechanism at one size, into `into`. Returns 1 when the
 * mechanism is not implemented yet (ENOSYS), else 0; a failed measurement
 * is reported and left out. *skip_rtt is set once round trips are not. */
static int measure_row(const struct rows_plan *plan, struct measure_config cfg,
                       struct results *into, bool *skip_rtt)
{
    cfg.count = throughput_count(plan, cfg.size);
    if (bench_throughput(plan, &cfg, into) == -1) {
        if (errno == ENOSYS)
            return 1;
        warn_errno("%s, %zu bytes: throughput", cfg.mech->name, cfg.size);
    }
    if (*skip_rtt)
        return 0;
    cfg.count = round_trip_count(plan, cfg.size);
    if (bench_round_trips(plan, cfg, into) == -1) {
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

void rows_measure(const struct rows_plan *plan, const struct channel_ops *mech, size_t index,
                  size_t mech_count, struct results *res)
{
    int cpu_a = plan->cpu_a, cpu_b = plan->cpu_b;
    uint64_t started = clock_now_ns();
    size_t retried = 0, disturbed = 0;
    bool skip_rtt = false;
    for (size_t s = 0; s < plan->size_count; s++) {
        struct measure_config cfg = {
            .mech = mech, .size = plan->sizes[s], .sender_cpu = cpu_a, .receiver_cpu = cpu_b};
        for (size_t attempt = 0;; attempt++) {
            rows_progress("[%zu/%zu] %s, %zu-byte messages%s", index + 1, mech_count, mech->name,
                          cfg.size, attempt ? " (again: it was disturbed)" : "");
            struct noise_sample before, after;
            bool sampled = noise_sample(cpu_a, cpu_b, &before) == 0;
            struct results row = {0};
            if (measure_row(plan, cfg, &row, &skip_rtt) == 1) {
                results_free(&row);
                warn_msg("%s: not implemented yet (ENOSYS); skipped", mech->name);
                fprintf(stderr, "[%zu/%zu] %-12s skipped: not implemented yet\n", index + 1,
                        mech_count, mech->name);
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
            if (v.flags != 0 && attempt < plan->retries && clock_now_ns() < plan->retry_until_ns) {
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
    rows_progress("%s", "");
    if (isatty(STDERR_FILENO))
        fputs("\r\033[K", stderr);
    fprintf(stderr, "[%zu/%zu] %-12s %zu sizes in %.1f s", index + 1, mech_count, mech->name,
            plan->size_count, (double)(clock_now_ns() - started) / 1e9);
    if (retried)
        fprintf(stderr, "; %zu rows measured again (disturbed)", retried);
    if (disturbed)
        fprintf(stderr, "; %zu rows still disturbed, marked !", disturbed);
    fputc('\n', stderr);
}

void rows_progress(const char *fmt, ...)
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
