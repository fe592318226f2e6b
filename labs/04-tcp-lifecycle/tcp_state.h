/*
 * tcp_state.h - lab 04: which TCP state a socket is in, for the trace.
 *
 * A TCP connection is a state machine (RFC 9293): CLOSED, LISTEN, SYN_SENT,
 * ESTABLISHED, FIN_WAIT1, ... Linux tells a program the state of its socket
 * through getsockopt(fd, IPPROTO_TCP, TCP_INFO) in the field tcpi_state. After
 * close() the descriptor is gone, yet the kernel may keep the connection a
 * while longer (FIN_WAIT1, LAST_ACK, and TIME_WAIT for a minute); such a
 * connection is still listed, by its two endpoints, in /proc/net/tcp (IPv4)
 * or /proc/net/tcp6 (IPv6), the file that `ss -tan` reads.
 *
 * With these, each traced step carries a note that shows its effect:
 *
 *     [+0.002 client 812] shutdown(fd=3, SHUT_WR [step 9]) = 0   state ESTABLISHED -> FIN_WAIT2
 *
 * Use it around every step on a socket:
 *
 *     struct tcp_watch w;
 *     tcp_watch_begin(&w, fd);
 *     int rc = shutdown(fd, SHUT_WR);
 *     trace_call_note("shutdown", rc, tcp_watch_end(&w, fd), "fd=%d, SHUT_WR [step 9]", fd);
 *
 * Given to you, complete: this module is not a TODO.
 * This header is the same, byte for byte, in labs/ and solutions/.
 */
#ifndef IPC_KIT_TCP_STATE_H
#define IPC_KIT_TCP_STATE_H

#include <stdbool.h>

#include "tcp_endpoint.h"

/*
 * The states, numbered as Linux numbers them (include/net/tcp_states.h):
 * the same numbers appear in tcpi_state and, in hex, in the "st" column of
 * /proc/net/tcp. TCP_STATE_NONE (shown "-") means "no socket": before
 * socket() or accept() created one.
 */
enum tcp_state {
    TCP_STATE_NONE = 0,
    TCP_STATE_ESTABLISHED = 1,
    TCP_STATE_SYN_SENT = 2,
    TCP_STATE_SYN_RECV = 3,
    TCP_STATE_FIN_WAIT1 = 4,
    TCP_STATE_FIN_WAIT2 = 5,
    TCP_STATE_TIME_WAIT = 6,
    TCP_STATE_CLOSED = 7,
    TCP_STATE_CLOSE_WAIT = 8,
    TCP_STATE_LAST_ACK = 9,
    TCP_STATE_LISTEN = 10,
    TCP_STATE_CLOSING = 11,
};

/* "ESTABLISHED", "TIME_WAIT", ..., "-" for TCP_STATE_NONE, "UNKNOWN" otherwise
 * (tcp_state_names.c, the same on Linux and Windows). */
const char *tcp_state_name(int state);

/* The state of the TCP socket fd (TCP_INFO), or -1 with errno set: EBADF
 * when fd is not open, ENOTSOCK or EOPNOTSUPP when it is not a TCP socket. */
int tcp_state_of(int fd);

/*
 * The state of the connection between local and peer as the kernel lists it
 * in /proc/net/tcp or /proc/net/tcp6, also after close(). Returns
 * TCP_STATE_CLOSED when it is not listed (the kernel has forgotten it), or
 * -1 with errno set when the list cannot be read.
 */
int tcp_state_of_connection(const struct tcp_endpoint *local, const struct tcp_endpoint *peer);

/* What tcp_watch_begin() saw before a step; tcp_watch_end() completes it. */
struct tcp_watch {
    bool on;    /* false when tracing is off: then watching costs nothing */
    int fd;     /* the socket watched, -1 before socket() or accept() */
    int before; /* the state before the step */
    bool have_ends;
    bool aborts;                     /* SO_LINGER {1, 0} was set: a close() sends RST */
    struct tcp_endpoint local, peer; /* to find the connection after close() */
    char note[64];                   /* "state ESTABLISHED -> FIN_WAIT2" */
};

/* Call just before a step on fd; fd = -1 before socket() or accept(). */
void tcp_watch_begin(struct tcp_watch *w, int fd);

/*
 * Call right after the step, as the note of trace_call_note(). fd is the
 * socket the step acted on, or the new one for socket() and accept().
 * Returns "state BEFORE -> AFTER" (NULL when tracing is off). Keeps errno,
 * so the trace still reports the step's error.
 *
 * A connection in TIME_WAIT, or one that outlives close(), is no longer
 * visible through its descriptor (the socket itself says CLOSED); it is
 * found in /proc/net/tcp by the two endpoints this module remembers for
 * each descriptor. So the active closer's close() shows
 * "state TIME_WAIT -> TIME_WAIT". Watch one thread's sockets at a time.
 *
 * The state diagram is the judge: the note shows only a move TCP can make
 * in one step. When the peer acted between the step and the reading (its
 * ACK or FIN came on loopback at once), the note names the step's own move
 * and what was seen: "state ESTABLISHED -> FIN_WAIT1 (then TIME_WAIT)".
 * tcp_watch_end() also stamps the step's time (trace_mark_return()), so
 * the trace line carries the moment the call returned.
 */
const char *tcp_watch_end(struct tcp_watch *w, int fd);

#endif
