/*
 * trace_event.h - read the JSON Lines traces that common/trace.c writes.
 *
 * Each line of an IPC_TRACE_FILE is one flat JSON object:
 *
 *   {"t":0.000153,"mono_ns":123,"pid":4242,"role":"server","call":"bind",
 *    "args":"fd=3, 127.0.0.1:27015","ret":0,"errno":null,"note":null}
 *
 * A narration line (trace_note) has "call":null. Lab 04 puts the TCP state
 * in "note" as "state ESTABLISHED -> FIN_WAIT2".
 *
 * The parser knows only this shape: one object of strings, numbers and
 * nulls. It is strict (a line that is not such an object is an error), so a
 * broken trace is reported instead of being drawn wrong. Text too long for
 * a field is cut at a character boundary; nothing here allocates per field.
 *
 * Conventions as in the labs: functions return -1 and set errno; they never
 * exit.
 */
#ifndef IPC_KIT_TRACE_EVENT_H
#define IPC_KIT_TRACE_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct trace_event {
    uint64_t mono_ns;  /* CLOCK_MONOTONIC: comparable across processes */
    uint64_t start_ns; /* when the call began, on the same clock; 0 if not traced */
    long pid;
    char role[32];
    char call[32]; /* "" for a narration line */
    char args[256];
    bool has_ret; /* false for a narration line */
    long ret;
    char err[24];   /* symbolic errno such as "ECONNRESET", or "" */
    char note[160]; /* "" when null */
};

/*
 * Parses one line (with or without its newline). Returns 0, or -1 with
 * errno = EINVAL when the line is not a trace object or has no "mono_ns".
 */
int trace_event_parse(const char *line, struct trace_event *ev);

/*
 * Reads every line of the file at path into a new array (*events, *count;
 * the caller frees *events). Blank lines are skipped. Returns 0, or -1 with
 * errno set; on EINVAL *bad_line is the 1-based number of the line that
 * could not be parsed.
 */
int trace_events_load(const char *path, struct trace_event **events, size_t *count,
                      size_t *bad_line);

#endif
