/*
 * results.h - the benchmark's rows, printed as a table and saved as CSV.
 *
 * A row is one metric of one mechanism at one message size, summarised
 * over the trials (stats.h). The CSV header is
 *     mechanism,msg_size,metric,median,p99,min,max,unit
 * with the metrics throughput_MBps, throughput_msgs, rtt_ns and
 * cpu_ns_per_msg; the reference rows are the mechanisms "memcpy" and
 * "cacheline".
 */
#ifndef IPC_KIT_RESULTS_H
#define IPC_KIT_RESULTS_H

#include <stddef.h>
#include <stdio.h>

#include "stats.h"

struct result_row {
    char mechanism[32];
    size_t size;
    const char *metric;
    const char *unit;
    struct stats s;
};

struct results {
    struct result_row *rows;
    size_t count, capacity;
};

/* Adds a row; returns 0, or -1 (ENOMEM). */
int results_add(struct results *r, const char *mechanism, size_t size, const char *metric,
                const char *unit, struct stats s);

/* The row for (mechanism, size, metric), or NULL. */
const struct result_row *results_find(const struct results *r, const char *mechanism, size_t size,
                                      const char *metric);

/* Writes every row as CSV. Returns 0, or -1 with errno set. */
int results_write_csv(const struct results *r, const char *path);

/* Prints one line per mechanism and size: MB/s, msgs/s, RTT, CPU per message. */
void results_print_table(const struct results *r, FILE *out);

void results_free(struct results *r);

/* "64 B", "4 KiB", "1 MiB" */
const char *results_size_text(size_t size, char *buf, size_t len);

#endif
