/*
 * noise.h - was the machine quiet while a row was measured?
 *
 * On a shared or virtual machine two things change a figure without a
 * word:
 *   - placement: the host may move the two virtual CPUs apart, or back
 *     together, at any moment. The round trip of one cache line between
 *     them shows it: about 60-100 ns when they are near (one chip's shared
 *     cache), 300 ns and more when they are far;
 *   - competition: another process, or another guest of the host (steal
 *     time), takes CPU time that the two processes of the run needed.
 * So the bench takes a sample before and after each row (noise_sample) and
 * judges the pair (noise_judge). A disturbed row is measured again, a
 * bounded number of times, and stays marked if it never ran quietly.
 *
 * The figures come from the kernel: /proc/stat (CPU time of every core,
 * steal included, since boot), /proc/loadavg (runnable tasks right now)
 * and getrusage() (this process and its children, which the bench waits
 * for). Functions return -1 with errno set on failure.
 */
#ifndef IPC_KIT_NOISE_H
#define IPC_KIT_NOISE_H

#include <stdbool.h>
#include <stdint.h>

/* A cache-line round trip above this means the two vCPUs are far apart. */
#define NOISE_FAR_NS 150.0

struct noise_sample {
    double cacheline_ns; /* round trip of one cache line between the two cores */
    uint64_t at_ns;      /* when it was taken (clock_now_ns) */
    double busy_s;       /* CPU time of all cores since boot, idle and steal excluded */
    double steal_s;      /* time the host gave to other guests, since boot */
    double ours_s;       /* CPU time of this process and its waited-for children */
    int running;         /* runnable tasks at that moment, this one included */
};

enum noise_flag {
    NOISE_PLACEMENT = 1, /* the cache line round trip changed: another placement */
    NOISE_LOAD = 2,      /* other processes used a good part of a core */
    NOISE_STEAL = 4,     /* the host took time for other guests */
};

struct noise_verdict {
    unsigned flags; /* enum noise_flag bits; 0: quiet */
    double before_ns, after_ns;
    double others_cores; /* CPU used by other processes during the row, in cores */
    double steal_share;  /* share of the row's time stolen, over all cores */
    char text[96];       /* what was wrong, for people: "" when quiet */
};

/* Takes a sample, bouncing a cache line between cpu_a and cpu_b. 0 or -1. */
int noise_sample(int cpu_a, int cpu_b, struct noise_sample *s);

/* What happened between two samples. */
struct noise_verdict noise_judge(const struct noise_sample *before,
                                 const struct noise_sample *after);

/* True when a cache-line round trip says the two vCPUs are far apart. */
bool noise_far(double cacheline_ns);

#endif
