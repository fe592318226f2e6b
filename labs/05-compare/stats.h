/*
 * stats.h - summarising repeated measurements.
 *
 * One run of a benchmark is noisy: the scheduler, caches and the host of a
 * virtual machine all interfere. So every figure is measured several times
 * and reported as its median (robust against a few outliers), its 99th
 * percentile (what the slow cases look like), and its range.
 */
#ifndef IPC_KIT_STATS_H
#define IPC_KIT_STATS_H

#include <stddef.h>
#include <stdint.h>

struct stats {
    double median, p99, min, max;
};

/* Summarises n values (n >= 1); sorts them in place. */
struct stats stats_of(double *values, size_t n);

/* The same for nanosecond samples; sorts them in place. */
struct stats stats_of_ns(uint64_t *samples, size_t n);

#endif
