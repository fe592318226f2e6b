/*
 * results.h - the benchmark's rows, printed as a table and saved as CSV.
 *
 * A row is one metric of one mechanism at one message size, summarised
 * over the trials (stats.h). The CSV header is
 *     mechanism,msg_size,metric,median,p99,min,max,unit,note
 * with the metrics throughput_MBps, throughput_msgs, rtt_ns and
 * cpu_ns_per_msg; the reference rows are the mechanisms "memcpy",
 * "cacheline" and "verify" (ns_per_msg). note is empty for a row measured
 * while the machine was quiet, else what disturbed it (noise.h), so a
 * reader or a script can leave it out; it never holds a comma.
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
    char note[96]; /* "" or what disturbed the measurement */
};

struct results {
    struct result_row *rows;
    size_t count, capacity;
};

/* Adds a row; returns 0, or -1 (ENOMEM). */
int results_add(struct results *r, const char *mechanism, size_t size, const char *metric,
                const char *unit, struct stats s);

/* Sets the note of rows from..count-1 (commas become semicolons). */
void results_note(struct results *r, size_t from, const char *note);

/* Appends every row of `more` to r; returns 0, or -1 (ENOMEM). */
int results_append(struct results *r, const struct results *more);

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
