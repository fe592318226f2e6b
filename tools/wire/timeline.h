/*
 * timeline.h - the segments of a capture and the traced calls of a client
 * and a server, on one time line.
 *
 * From a capture (segment.h) taken on the wire between the two hosts:
 *
 *   - each segment is one item, placed when it left its sender (the "in"
 *     line); the "out" line of the same segment, when there is one, tells
 *     when it reached the receiver; a segment with no "out" was lost on the
 *     wire (netem dropped it);
 *   - sequence and acknowledgement numbers are made relative to each
 *     side's initial sequence number (ISN, from its SYN), as Wireshark
 *     shows them: the SYN is seq 0, the first data byte seq 1;
 *   - a segment that carries sequence space its sender had already sent
 *     (data, SYN or FIN at an old seq) is a retransmission, and points at
 *     the first sending.
 *
 * The calls come from the JSON traces (common/trace_read.h). A call that began
 * before something else happened and returned after it (accept() waiting
 * for the handshake, recv() waiting for data) is shown twice: where it
 * began ("accept(fd=3) ...") and where it returned ("... accept = 4").
 *
 * Ownership: the timeline points into the arrays given to timeline_build(),
 * which must outlive it; timeline_free() frees what timeline_build() made.
 * Functions return -1 and set errno (ENOMEM, EINVAL); they never exit.
 */
#ifndef IPC_KIT_WIRE_TIMELINE_H
#define IPC_KIT_WIRE_TIMELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "segment.h"
#include "trace_read.h"

enum wire_dir { TO_SERVER = 0, TO_CLIENT = 1 };

/* One segment, as it left its sender. */
struct wire_item {
    const struct wire_segment *seg; /* the "in" line */
    enum wire_dir dir;
    uint32_t rel_seq, rel_ack; /* rel_ack is meaningful only with SEG_ACK */
    uint64_t window;           /* in bytes: the field scaled once scaling is on */
    bool retransmission;
    size_t first_sent;  /* with retransmission: the item that first sent it */
    bool lost;          /* no "out" line: it never reached the receiver */
    uint64_t arrive_ns; /* the "out" line's time, or 0 when lost */
};

struct timeline {
    struct wire_item *items; /* in the order they left, one connection */
    size_t nitems;
    const struct trace_event *calls[2]; /* [TO_SERVER]: the client's, [TO_CLIENT]: the server's */
    size_t ncalls[2];
    uint64_t start_ns; /* the earliest call or segment: time zero */
    bool have_capture;
};

/*
 * Builds the timeline of the first connection in the capture (the one the
 * first SYN without ACK opens). segs may be NULL with nsegs 0: calls only.
 * Returns 0, or -1 with errno set.
 */
int timeline_build(struct timeline *tl, const struct trace_event *client, size_t nclient,
                   const struct trace_event *server, size_t nserver,
                   const struct wire_segment *segs, size_t nsegs);

void timeline_free(struct timeline *tl);

/* One line of the timeline. */
enum timeline_kind { TL_CALL_BEGIN, TL_CALL_END, TL_NARRATION, TL_SEGMENT, TL_ARRIVAL };

struct timeline_entry {
    uint64_t t;
    enum timeline_kind kind;
    int side;     /* calls: TO_SERVER = the client's, TO_CLIENT = the server's */
    size_t index; /* into calls[side], or items for a segment or an arrival */
    bool merged;  /* a call whose end came right after its beginning: one line */
};

/*
 * The timeline's lines in time order (a new array in *entries, *count; the
 * caller frees it). A call begins before what it causes at the same
 * nanosecond and ends after it. Returns 0, or -1 with errno (ENOMEM).
 */
int timeline_entries(const struct timeline *tl, bool arrivals, struct timeline_entry **entries,
                     size_t *count);

/* Prints the timeline: one line per call, segment and (with arrivals) per
 * segment's arrival, in time order. Returns 0, or -1 with errno. */
int timeline_print(FILE *out, const struct timeline *tl, bool arrivals);

/* The time a call began: start_ns when traced, else when it returned. */
uint64_t timeline_call_start(const struct trace_event *ev);

/* "SYN", "SYN,ACK", "PSH,ACK", "FIN,ACK", "RST", "URG,PSH,ACK" ... */
void timeline_flags_name(uint8_t flags, char *buf, size_t size);

#endif
