/*
 * chart.h - turn a client's and a server's trace into a sequence chart.
 *
 * The chart has two lifelines, client and server. Each traced call is one
 * row, in time order (mono_ns), with the TCP state the call left behind
 * (the trace's state_before and state_after fields). Arrows join the calls that talk to
 * each other:
 *
 *   SYN     connect() -> the accept() that returned that connection
 *   data    send() -> the recv() that got the last byte of that send
 *           (TCP is a byte stream: two sends may arrive in one recv)
 *   urgent  send(MSG_OOB) -> recv(MSG_OOB)
 *   FIN     shutdown(SHUT_WR), or close() -> the peer's recv() = 0 (EOF)
 *   RST     close() after SO_LINGER {1, 0} (an abort), or a close() that
 *           discarded unread data -> the peer's call that failed with
 *           ECONNRESET; a refused connect() gets an RST from the server
 *
 * Connections are matched in order (the first connect with the first
 * accept), and calls are tied to a connection by their "fd" field. The TCP
 * state of a row is the call's "state_after" field (trace_read.h).
 *
 * Each socket has its own states, so a listening socket is a lane of its
 * own: the calls on it (socket, bind, listen, its close) are marked
 * listener, and the server's lane holds the accepted connection only; its
 * states never read ESTABLISHED -> CLOSED -> CLOSE_WAIT when the listener
 * closes in between. accept() belongs to the connection it returns.
 *
 * A call that waited (announced with trace_call_begin, so its record has
 * a start) while the other side acted gets two rows: a start row where it
 * began and its row where it returned (chart_spans.c). A call that waited
 * for nothing keeps one row.
 *
 * One rule bends strict time order: a message is never drawn arriving
 * before it was sent. A trace line is written when a call returns, so the
 * receiver's recv() can be logged a few microseconds before the sender's
 * send() returns; such a row moves down just below the send. Each lifeline
 * keeps its own order.
 *
 * Ownership: the rows point into the event arrays given to chart_build(),
 * which must outlive the chart. chart_free() frees what chart_build() made.
 * Functions return -1 and set errno (ENOMEM); they never exit.
 */
#ifndef IPC_KIT_CHART_H
#define IPC_KIT_CHART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trace_read.h"

enum chart_side { CHART_CLIENT = 0, CHART_SERVER = 1 };

enum chart_arrow_kind { ARROW_SYN, ARROW_DATA, ARROW_URGENT, ARROW_FIN, ARROW_RST };

/* An arrow end that is not in the trace (e.g. a process exited without
 * tracing its close, or nobody read the data). */
#define CHART_NO_ROW ((size_t)-1)

struct chart_row {
    const struct trace_event *ev;
    enum chart_side side;
    char state[24];     /* the TCP state after the call, or "" */
    bool start;         /* the moment the call began (chart_spans.c); else when it returned */
    bool listener;      /* the call is on a listening socket: drawn in a lane of its own */
    bool state_changed; /* the socket reached that state during the call, or since
                           the last call on this side (the peer's doing) */
};

struct chart_arrow {
    enum chart_arrow_kind kind;
    enum chart_side from_side;
    size_t from_row; /* CHART_NO_ROW when the sender's call is unknown */
    size_t to_row;   /* CHART_NO_ROW when no receiving call was seen */
    char label[32];  /* "SYN", "12 B", "FIN", "RST", ... */
};

struct chart {
    struct chart_row *rows;
    size_t nrows;
    struct chart_arrow *arrows;
    size_t narrows;
    long pid[2];       /* the first pid seen on each side, or 0 */
    bool has_listener; /* some rows are on a listening socket (chart_row.listener) */
    uint64_t start_ns; /* the earliest call: time zero of the chart */
};

/*
 * Builds the chart from the two traces (narration lines are left out).
 * Returns 0, or -1 with errno set; *chart is then empty.
 */
int chart_build(struct chart *chart, const struct trace_event *client, size_t nclient,
                const struct trace_event *server, size_t nserver);

void chart_free(struct chart *chart);

/*
 * Keeps only the rows that tell the story: a row stays when an arrow starts
 * or ends there, when its call changed the TCP state, when it sends or
 * receives (a 4-byte header read too), when it sets SO_LINGER, or when it
 * is one of the lifecycle's own calls (socket, bind, listen, accept,
 * connect, shutdown, close). Helper calls (getaddrinfo, poll, getsockopt,
 * ...) that did none of this go, so that a chart fits on a slide. Arrows
 * keep pointing at the same calls.
 */
void chart_compact(struct chart *chart);

/*
 * Gives each call that waited while the other side acted a start row
 * (chart_spans.c); chart_build() calls it. Returns 0, or -1 with errno
 * ENOMEM (the chart is then unchanged).
 */
int chart_add_starts(struct chart *chart);

/* The row where the call of start row start_row returned, or CHART_NO_ROW. */
size_t chart_end_of(const struct chart *chart, size_t start_row);

/* After rows moved (moved_to[old] = new, for every old row), points the
 * arrows' ends at the same calls again; chart_compact() and
 * chart_add_starts() both move rows. */
void chart_move_arrows(struct chart *chart, const size_t *moved_to);

/* "SYN", "data", "urgent", "FIN" or "RST". */
const char *chart_arrow_name(enum chart_arrow_kind kind);

#endif
