/*
 * rows.h - one mechanism at every size: the rows of the bench.
 *
 * For each size, a throughput row (MB/s, messages/s, CPU per message) and
 * a round-trip row, each over `trials` runs after a warm-up run. The
 * warm-up also sizes the runs: as many messages as fit in about 40 ms
 * (150 ms with `full`) at its rate, so a slow mechanism or a busy machine
 * does not stretch the bench. Two noise samples (noise.h) frame each size:
 * a disturbed one is measured again, up to `retries` times while the run
 * has time left (retry_until_ns), and otherwise kept with a note. Each size
 * also records the placement it ran in (the row cacheline_rtt_ns).
 */
#ifndef IPC_KIT_ROWS_H
#define IPC_KIT_ROWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "channel.h"
#include "results.h"

struct rows_plan {
    const size_t *sizes;
    size_t size_count;
    size_t count;  /* messages (and round trips) per run; 0: sized by the warm-up */
    size_t trials; /* measured runs per figure, at most 100 */
    bool full;
    int cpu_a, cpu_b; /* sender (and ping side), receiver (and echo side) */
    size_t retries;
    uint64_t retry_until_ns; /* clock_now_ns() after which nothing is measured again */
};

/*
 * Measures mechanism `mech` (number index + 1 of mech_count, for the
 * progress lines) at every size of the plan and appends its rows to res.
 * A mechanism that is not implemented yet (ENOSYS) is skipped with a
 * message; any other failure is reported and its row left out.
 */
void rows_measure(const struct rows_plan *plan, const struct channel_ops *mech, size_t index,
                  size_t mech_count, struct results *res);

/* One line of progress on a terminal, rewritten in place; nothing otherwise. */
void rows_progress(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
