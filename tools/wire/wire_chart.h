/*
 * wire_chart.h - a sequence chart (SVG) of a timeline (timeline.h): the
 * client's and the server's calls on two lifelines, and between them one
 * arrow per captured segment, from the moment it left its sender to the
 * moment it reached the receiver. Nothing is inferred: an arrow is a
 * segment the wire saw, a slanted arrow is one that spent time on the wire,
 * a lost one stops half way with a cross.
 *
 * Rows follow the kernel's timestamps (calls where they began, segments
 * where they left). An arrow ends where its arrival falls between the rows
 * (linearly between the two rows around it), so its slope shows the delay.
 *
 * For a slide: compact keeps the calls of the lifecycle and drops helpers
 * (getaddrinfo, getsockname, getpeername, getsockopt, fcntl, bind, socket,
 * sockatmark, setsockopt but SO_LINGER, poll(POLLOUT), the listener's close());
 * from_ms and to_ms keep only a slice of the run (time from the timeline's
 * zero; to_ms < 0: to the end).
 *
 * Text is 20 px at the chart's 1280-unit width (18 px on a slide that shows
 * it at 0.9x), dark on white.
 * Returns 0, or -1 with errno set (a write error, ENOMEM); never exits.
 */
#ifndef IPC_KIT_WIRE_CHART_H
#define IPC_KIT_WIRE_CHART_H

#include <stdbool.h>
#include <stdio.h>

#include "timeline.h"

struct wire_chart_options {
    const char *title; /* NULL or "": no heading */
    bool compact;
    double from_ms, to_ms;
};

int wire_chart_svg(FILE *out, const struct timeline *tl, const struct wire_chart_options *opt);

/*
 * Sets opt's slice to one part of the story, found by its calls:
 *   handshake  the client's connect() began .. the server's accept() returned
 *   halfclose  the client's shutdown(SHUT_WR) began .. its recv() returned 0
 *   urgent     the client's send(MSG_OOB) began .. the server's recv(MSG_OOB) returned
 *   abort      the server's setsockopt(SO_LINGER) began .. the client's call
 *              that failed with ECONNRESET returned
 * Returns 0, or -1 with errno = EINVAL (unknown part, or its calls are not
 * in the traces).
 */
int wire_chart_part(const struct timeline *tl, const char *part, struct wire_chart_options *opt);

#endif
