/*
 * trace_read.h - the one reader, in C, of the JSON Lines traces that trace.c
 * writes (scripts read the same fields with a JSON parser, and the live page,
 * tools/live/page/live.js, in the browser).
 *
 * Each line of an IPC_TRACE_FILE is one flat JSON object (trace.h):
 *
 *   {"t":0.000153,"mono_ns":123,"pid":4242,"role":"server","call":"bind",
 *    "args":"fd=3, 127.0.0.1:27015","ret":0,"errno":null,"note":null,
 *    "phase":null,"fd":3,"step":2,"state_before":"CLOSED",
 *    "state_after":"CLOSED","state_then":null}
 *
 * A narration line (trace_note) has "call":null. Every reader of a trace
 * (the sequence charts, the wire view, the grader's tests, scripts through
 * trace_chart) reads the facts of a call from these fields: the descriptor,
 * the two ends a pipe() made, lab 04's step and the TCP states are never
 * searched for in "args" or "note", which are text for people. The writer
 * keeps the step out of "args" ("[step 2]" is shown on the text line only),
 * and writes "read_fd" and "write_fd" on a pipe()'s line alone.
 *
 * The parser knows only this shape: one object of strings, numbers and
 * nulls. It is strict (a line that is not such an object is an error), so a
 * broken trace is reported instead of being drawn wrong. Text too long for
 * a field is cut at a character boundary; nothing here allocates per field.
 *
 * Conventions as in the labs: functions return -1 and set errno; they never
 * exit.
 */
#ifndef IPC_KIT_TRACE_READ_H
#define IPC_KIT_TRACE_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* How a line reports its call: one line for the whole call, or (a call
 * announced with trace_call_begin) its start or its end. */
enum trace_phase { TRACE_PHASE_CALL, TRACE_PHASE_START, TRACE_PHASE_END };

struct trace_event {
    uint64_t mono_ns;  /* CLOCK_MONOTONIC: when the call returned (or started, for a start) */
    uint64_t start_ns; /* when the call began, on the same clock; 0 if not traced */
    enum trace_phase phase;
    long pid;
    char role[32];
    char call[32]; /* "" for a narration line */
    char args[256];
    bool has_ret; /* false for a narration line */
    long ret;
    char err[24];          /* symbolic errno such as "ECONNRESET", or "" */
    char note[160];        /* "" when null */
    int fd;                /* the descriptor the call acted on, or -1 */
    int step;              /* lab 04's step (1 to 13), or 0 */
    int read_fd, write_fd; /* the ends a pipe() made (lab 02), or -1 */
    char state_before[16]; /* TCP state before the call, or "" */
    char state_after[16];  /* TCP state the call left, or "" */
    char state_then[16];   /* the state seen once the peer had moved it on, or "" */
};

/*
 * Parses one line (with or without its newline). Returns 0, or -1 with
 * errno = EINVAL when the line is not a trace object or has no "mono_ns".
 */
int trace_event_parse(const char *line, struct trace_event *ev);

/*
 * True when word stands on its own in the call's arguments (not inside a
 * longer name: "SHUT_WR" is not found in "SHUT_WRX"). For the symbolic
 * flags a call names, such as MSG_OOB or SO_LINGER, which the trace keeps
 * as the words the program wrote; numbers and states have fields.
 */
bool trace_event_has_word(const struct trace_event *ev, const char *word);

/*
 * Reads every line of the file at path into a new array (*events, *count;
 * the caller frees *events). Blank lines are skipped. Returns 0, or -1 with
 * errno set; on EINVAL *bad_line is the 1-based number of the line that
 * could not be parsed.
 */
int trace_events_load(const char *path, struct trace_event **events, size_t *count,
                      size_t *bad_line);

#endif
