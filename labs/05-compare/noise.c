/* noise.c - samples of placement and load, and the verdict on a pair (noise.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "clock.h"
#include "noise.h"
#include "reference.h"

/* Thresholds of a disturbed row. */
#define PLACEMENT_RATIO 1.5  /* the cache line got this much slower or faster */
#define OTHERS_CORES    0.25 /* other processes used a quarter of a core or more */
#define STEAL_SHARE     0.05 /* the host stole 5 % or more of the time */

/* The first line of /proc/stat: "cpu user nice system idle iowait irq softirq steal ...". */
static int read_proc_stat(double *busy_s, double *steal_s)
{
    FILE *f = fopen("/proc/stat", "r");
    if (f == NULL)
        return -1;
    unsigned long long user, nice, system, idle, iowait, irq, softirq, steal;
    int n = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &user, &nice, &system, &idle,
                   &iowait, &irq, &softirq, &steal);
    fclose(f);
    if (n != 8) {
        errno = EPROTO;
        return -1;
    }
    double tick = 1.0 / (double)sysconf(_SC_CLK_TCK); /* the unit of /proc/stat */
    *busy_s = (double)(user + nice + system + irq + softirq) * tick;
    *steal_s = (double)steal * tick;
    return 0;
}

/* The fourth field of /proc/loadavg: "runnable/total". */
static int read_running(int *running)
{
    FILE *f = fopen("/proc/loadavg", "r");
    if (f == NULL)
        return -1;
    double one, five, fifteen;
    int n = fscanf(f, "%lf %lf %lf %d/", &one, &five, &fifteen, running);
    fclose(f);
    if (n != 4) {
        errno = EPROTO;
        return -1;
    }
    return 0;
}

static double rusage_seconds(int who)
{
    struct rusage ru;
    if (getrusage(who, &ru) == -1)
        return 0;
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

int noise_sample(int cpu_a, int cpu_b, struct noise_sample *s)
{
    /* Three short batches (a few milliseconds): the median says the placement. */
    double batches[3];
    if (reference_cacheline_rtt(cpu_a, cpu_b, 3, batches) == -1)
        return -1;
    double lo = batches[0] < batches[1] ? batches[0] : batches[1];
    double hi = batches[0] < batches[1] ? batches[1] : batches[0];
    s->cacheline_ns = batches[2] < lo ? lo : batches[2] > hi ? hi : batches[2];
    if (read_proc_stat(&s->busy_s, &s->steal_s) == -1 || read_running(&s->running) == -1)
        return -1;
    s->ours_s = rusage_seconds(RUSAGE_SELF) + rusage_seconds(RUSAGE_CHILDREN);
    s->at_ns = clock_now_ns();
    return 0;
}

bool noise_far(double cacheline_ns)
{
    return cacheline_ns > NOISE_FAR_NS;
}

struct noise_verdict noise_judge(const struct noise_sample *before,
                                 const struct noise_sample *after)
{
    struct noise_verdict v = {.before_ns = before->cacheline_ns, .after_ns = after->cacheline_ns};
    double seconds = (double)(after->at_ns - before->at_ns) / 1e9;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    if (seconds <= 0 || cores < 1)
        return v;
    double others = (after->busy_s - before->busy_s) - (after->ours_s - before->ours_s);
    v.others_cores = others > 0 ? others / seconds : 0;
    v.steal_share = (after->steal_s - before->steal_s) / (seconds * (double)cores);
    double ratio = v.after_ns > v.before_ns ? v.after_ns / v.before_ns : v.before_ns / v.after_ns;
    if (noise_far(v.before_ns) != noise_far(v.after_ns) || ratio > PLACEMENT_RATIO)
        v.flags |= NOISE_PLACEMENT;
    if (v.others_cores >= OTHERS_CORES)
        v.flags |= NOISE_LOAD;
    if (v.steal_share >= STEAL_SHARE)
        v.flags |= NOISE_STEAL;
    size_t used = 0;
    if (v.flags & NOISE_PLACEMENT)
        used += (size_t)snprintf(v.text + used, sizeof v.text - used, "placement %.0f->%.0f ns; ",
                                 v.before_ns, v.after_ns);
    if (v.flags & NOISE_LOAD && used < sizeof v.text)
        used += (size_t)snprintf(v.text + used, sizeof v.text - used,
                                 "others used %.2f cores (%d running); ", v.others_cores,
                                 after->running);
    if (v.flags & NOISE_STEAL && used < sizeof v.text)
        used += (size_t)snprintf(v.text + used, sizeof v.text - used, "steal %.0f%%; ",
                                 100 * v.steal_share);
    if (used >= 2 && used < sizeof v.text)
        v.text[used - 2] = '\0'; /* the last "; " */
    return v;
}
