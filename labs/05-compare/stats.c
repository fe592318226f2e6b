/* stats.c - median, p99, min and max (see stats.h). */
#include <stdlib.h>

#include "stats.h"

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int compare_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* The value below which a fraction q of the sorted values lie (nearest rank). */
static size_t rank(size_t n, double q)
{
    size_t r = (size_t)(q * (double)n);
    return r >= n ? n - 1 : r;
}

struct stats stats_of(double *values, size_t n)
{
    qsort(values, n, sizeof *values, compare_doubles);
    double median = n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    return (struct stats){median, values[rank(n, 0.99)], values[0], values[n - 1]};
}

struct stats stats_of_ns(uint64_t *samples, size_t n)
{
    qsort(samples, n, sizeof *samples, compare_u64);
    double median =
        n % 2 ? (double)samples[n / 2] : ((double)samples[n / 2 - 1] + (double)samples[n / 2]) / 2;
    return (struct stats){median, (double)samples[rank(n, 0.99)], (double)samples[0],
                          (double)samples[n - 1]};
}
