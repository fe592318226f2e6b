/* summary.c - the ratios of a run and the conclusions that hold (see summary.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "noise.h"
#include "summary.h"
#include "term.h"

/* The message-passing mechanisms that shared memory is compared with. */
static const char *const PASSING[] = {"pipe", "unix", "tcp"};
#define N_PASSING (sizeof PASSING / sizeof PASSING[0])

/* Every size that has a row of this mechanism and metric, in the run's order. */
static size_t sizes_of(const struct results *res, const char *mech, const char *metric,
                       size_t *sizes, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < res->count && n < max; i++)
        if (strcmp(res->rows[i].mechanism, mech) == 0 && strcmp(res->rows[i].metric, metric) == 0)
            sizes[n++] = res->rows[i].size;
    return n;
}

static double median_of(const struct results *res, const char *mech, size_t size,
                        const char *metric)
{
    const struct result_row *row = results_find(res, mech, size, metric);
    return row ? row->s.median : -1;
}

static const char *note_of(const struct results *res, const char *mech, size_t size,
                           const char *metric)
{
    const struct result_row *row = results_find(res, mech, size, metric);
    return row ? row->note : "";
}

/* One conclusion being judged: how many sizes failed, and whether noise was seen. */
struct verdict {
    int failed, noisy;
    char why[1024]; /* one clause per failing size */
};

/* Appends one clause ("at 1 MiB ...;") to the verdict's reasons. */
static void add_reason(struct verdict *v, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void add_reason(struct verdict *v, const char *fmt, ...)
{
    v->failed++;
    size_t used = strlen(v->why);
    if (used + 1 >= sizeof v->why)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v->why + used, sizeof v->why - used, fmt, ap);
    va_end(ap);
}

/* Why mechanism `loser` trailed at `size`: noise, placement, or neither. */
static void cause_of(const struct results *res, const char *loser, const char *winner, size_t size,
                     char *buf, size_t len)
{
    const char *a = note_of(res, loser, size, "throughput_MBps");
    const char *b = note_of(res, winner, size, "throughput_MBps");
    double line = median_of(res, loser, size, "cacheline_rtt_ns");
    if (a[0] || b[0])
        snprintf(buf, len, "a disturbed row (%s)", a[0] ? a : b);
    else if (line > 0 && noise_far(line))
        snprintf(buf, len,
                 "far placement (cache line %.0f ns): every line of the ring crosses between "
                 "the vCPUs, twice per message, while the kernel copies into local pages",
                 line);
    else
        snprintf(buf, len, "quiet, near placement: a real result of this code on this machine");
}

static void print_verdict(const char *claim, const struct verdict *v, bool color)
{
    if (v->failed)
        printf("  %sDOES NOT HOLD%s  %s:%s\n", term_color(color, TERM_RED),
               term_color(color, TERM_RESET), claim, v->why);
    else if (v->noisy)
        printf("  %sHOLDS (noisy)%s  %s (some rows were disturbed; run again on a quiet machine)\n",
               term_color(color, TERM_YELLOW), term_color(color, TERM_RESET), claim);
    else
        printf("  %sHOLDS%s          %s\n", term_color(color, TERM_GREEN),
               term_color(color, TERM_RESET), claim);
}

/*
 * Compares the throughput of `ahead` with that of `behind` at each size
 * both were measured at: a reason in v for every size where `ahead` is the
 * slower, with its cause, and v->noisy when a row was disturbed. Returns
 * whether there was any size to compare.
 */
static bool compare_throughput(const struct results *res, const char *ahead, const char *behind,
                               struct verdict *v)
{
    size_t sizes[32];
    size_t n = sizes_of(res, ahead, "throughput_MBps", sizes, 32);
    bool compared = false;
    for (size_t i = 0; i < n; i++) {
        double first = median_of(res, ahead, sizes[i], "throughput_MBps");
        double second = median_of(res, behind, sizes[i], "throughput_MBps");
        if (second < 0)
            continue;
        compared = true;
        v->noisy |= note_of(res, ahead, sizes[i], "throughput_MBps")[0] != 0 ||
                    note_of(res, behind, sizes[i], "throughput_MBps")[0] != 0;
        if (first >= second)
            continue;
        char size[16], cause[256];
        cause_of(res, ahead, behind, sizes[i], cause, sizeof cause);
        add_reason(v, " at %s %.0f < %s %.0f MB/s, cause: %s;",
                   results_size_text(sizes[i], size, sizeof size), first, behind, second, cause);
    }
    return compared;
}

/* "shm-lockfree beats every message-passing mechanism at every size". */
static void judge_shm_ahead(const struct results *res, bool color)
{
    struct verdict v = {0};
    char claim[128] = "shared memory (lock-free) is ahead of";
    bool compared = false;
    for (size_t k = 0; k < N_PASSING; k++) {
        if (!compare_throughput(res, "shm-lockfree", PASSING[k], &v))
            continue;
        compared = true;
        snprintf(claim + strlen(claim), sizeof claim - strlen(claim), " %s", PASSING[k]);
    }
    if (!compared)
        return;
    snprintf(claim + strlen(claim), sizeof claim - strlen(claim), " at every size");
    print_verdict(claim, &v, color);
}

/* "the lock-free ring is at least as fast as the lock-based one at every size". */
static void judge_lockfree_vs_lock(const struct results *res, bool color)
{
    struct verdict v = {0};
    if (compare_throughput(res, "shm-lockfree", "shm-lock", &v))
        print_verdict("the lock-free ring is at least as fast as the lock-based one", &v, color);
}

/* "checking a message costs under 10 % of the fastest mechanism's time per message". */
static void judge_verify_cost(const struct results *res, bool color)
{
    size_t sizes[32];
    size_t n = sizes_of(res, "verify", "ns_per_msg", sizes, 32);
    struct verdict v = {0};
    int compared = 0;
    for (size_t i = 0; i < n; i++) {
        double best = -1;
        const char *fastest = NULL;
        for (size_t r = 0; r < res->count; r++) {
            const struct result_row *row = &res->rows[r];
            if (row->size == sizes[i] && strcmp(row->metric, "throughput_msgs") == 0 &&
                row->s.median > best) {
                best = row->s.median;
                fastest = row->mechanism;
            }
        }
        if (fastest == NULL || best <= 0)
            continue;
        compared = 1;
        double check = median_of(res, "verify", sizes[i], "ns_per_msg"), per_msg = 1e9 / best;
        if (check < 0.10 * per_msg)
            continue;
        char size[16];
        add_reason(&v, " at %s %.1f of %.0f ns per message (%s);",
                   results_size_text(sizes[i], size, sizeof size), check, per_msg, fastest);
    }
    if (compared)
        print_verdict("checking a message costs under 10% of the fastest mechanism's time", &v,
                      color);
}

/* The ratios the handouts ask about, from this run's own rows. */
static void print_ratios(const struct results *res, bool color)
{
    const struct result_row *line = results_find(res, "cacheline", 64, "rtt_ns");
    if (line) {
        printf("\ncache line round trip: %.0f ns", line->s.median);
        if (noise_far(line->s.median))
            printf("  %s[far placement: above %.0f ns, the host moved the vCPUs apart; "
                   "ratios of this run are not graded]%s",
                   term_color(color, TERM_YELLOW), NOISE_FAR_NS, term_color(color, TERM_RESET));
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

/* Where the vCPUs were during the run, from every row's before/after samples. */
static void print_placement(const struct results *res)
{
    double lo = 0, hi = 0;
    int disturbed = 0, rows = 0;
    for (size_t i = 0; i < res->count; i++) {
        const struct result_row *row = &res->rows[i];
        if (strcmp(row->metric, "cacheline_rtt_ns") == 0) {
            if (rows++ == 0 || row->s.min < lo)
                lo = row->s.min;
            if (row->s.max > hi)
                hi = row->s.max;
        }
        if (strcmp(row->metric, "throughput_MBps") == 0 && row->note[0])
            disturbed++;
    }
    if (rows == 0)
        return;
    const char *where = noise_far(hi)
                            ? (noise_far(lo) ? "far throughout" : "changed during the run")
                            : "near throughout";
    printf("placement: %s (cache line %.0f-%.0f ns around the rows); %d of %d rows disturbed "
           "after retries (marked ! above)\n",
           where, lo, hi, disturbed, rows);
}

void summary_print(const struct results *res, bool color)
{
    print_ratios(res, color);
    print_placement(res);
    printf("\nconclusions of this run:\n");
    judge_shm_ahead(res, color);
    judge_lockfree_vs_lock(res, color);
    judge_verify_cost(res, color);
}
