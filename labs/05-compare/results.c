/* results.c - rows, the terminal table and the CSV file (see results.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "results.h"

int results_add(struct results *r, const char *mechanism, size_t size, const char *metric,
                const char *unit, struct stats s)
{
    struct result_row *rows = grow_array(r->rows, r->count, &r->capacity, sizeof *rows);
    if (rows == NULL)
        return -1;
    r->rows = rows;
    struct result_row *row = &r->rows[r->count++];
    snprintf(row->mechanism, sizeof row->mechanism, "%s", mechanism);
    row->size = size;
    row->metric = metric;
    row->unit = unit;
    row->s = s;
    row->note[0] = '\0';
    return 0;
}

void results_note(struct results *r, size_t from, const char *note)
{
    for (size_t i = from; i < r->count; i++) {
        char *n = r->rows[i].note;
        snprintf(n, sizeof r->rows[i].note, "%s", note);
        for (; *n; n++)
            if (*n == ',')
                *n = ';'; /* one CSV field */
    }
}

int results_append(struct results *r, const struct results *more)
{
    for (size_t i = 0; i < more->count; i++) {
        const struct result_row *row = &more->rows[i];
        if (results_add(r, row->mechanism, row->size, row->metric, row->unit, row->s) == -1)
            return -1;
        memcpy(r->rows[r->count - 1].note, row->note, sizeof row->note);
    }
    return 0;
}

const struct result_row *results_find(const struct results *r, const char *mechanism, size_t size,
                                      const char *metric)
{
    for (size_t i = 0; i < r->count; i++) {
        const struct result_row *row = &r->rows[i];
        if (row->size == size && strcmp(row->mechanism, mechanism) == 0 &&
            strcmp(row->metric, metric) == 0)
            return row;
    }
    return NULL;
}

int results_write_csv(const struct results *r, const char *path)
{
    FILE *out = fopen(path, "w");
    if (out == NULL)
        return -1;
    fprintf(out, "mechanism,msg_size,metric,median,p99,min,max,unit,note\n");
    for (size_t i = 0; i < r->count; i++) {
        const struct result_row *row = &r->rows[i];
        fprintf(out, "%s,%zu,%s,%.6g,%.6g,%.6g,%.6g,%s,%s\n", row->mechanism, row->size,
                row->metric, row->s.median, row->s.p99, row->s.min, row->s.max, row->unit,
                row->note);
    }
    return fclose(out) == 0 ? 0 : -1;
}

const char *results_size_text(size_t size, char *buf, size_t len)
{
    if (size >= 1024 * 1024 && size % (1024 * 1024) == 0)
        snprintf(buf, len, "%zu MiB", size / (1024 * 1024));
    else if (size >= 1024 && size % 1024 == 0)
        snprintf(buf, len, "%zu KiB", size / 1024);
    else
        snprintf(buf, len, "%zu B", size);
    return buf;
}

/* The median of a row as text, or "-" when the row is missing. */
static const char *cell(const struct results *r, const char *mech, size_t size, const char *metric,
                        double scale, const char *fmt, char *buf, size_t len)
{
    const struct result_row *row = results_find(r, mech, size, metric);
    if (row == NULL)
        return "-";
    snprintf(buf, len, fmt, row->s.median * scale);
    return buf;
}

void results_print_table(const struct results *r, FILE *out)
{
    fprintf(out, "%-14s %8s %11s %12s %11s %11s %11s\n", "mechanism", "size", "MB/s", "msgs/s",
            "RTT median", "RTT p99", "CPU/msg");
    const char *last_mech = "";
    for (size_t i = 0; i < r->count; i++) {
        const struct result_row *row = &r->rows[i];
        if (strcmp(row->metric, "throughput_MBps") != 0 || strcmp(row->mechanism, "memcpy") == 0)
            continue;
        if (strcmp(last_mech, row->mechanism) != 0 && last_mech[0])
            fputc('\n', out);
        last_mech = row->mechanism;
        char size[16], mbps[32], msgs[32], rtt[32], p99[32], cpu[32];
        const struct result_row *rtt_row = results_find(r, row->mechanism, row->size, "rtt_ns");
        if (rtt_row) {
            snprintf(rtt, sizeof rtt, "%.1f us", rtt_row->s.median / 1e3);
            snprintf(p99, sizeof p99, "%.1f us", rtt_row->s.p99 / 1e3);
        } else {
            snprintf(rtt, sizeof rtt, "-");
            snprintf(p99, sizeof p99, "-");
        }
        fprintf(out, "%-14s %8s %11s %12s %11s %11s %11s%s%s\n", row->mechanism,
                results_size_text(row->size, size, sizeof size),
                cell(r, row->mechanism, row->size, "throughput_MBps", 1, "%.0f", mbps, sizeof mbps),
                cell(r, row->mechanism, row->size, "throughput_msgs", 1, "%.0f", msgs, sizeof msgs),
                rtt, p99,
                cell(r, row->mechanism, row->size, "cpu_ns_per_msg", 1, "%.0f ns", cpu, sizeof cpu),
                row->note[0] ? "  ! " : "", row->note);
    }
}

void results_free(struct results *r)
{
    free(r->rows);
    *r = (struct results){0};
}
