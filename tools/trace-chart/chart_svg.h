/*
 * chart_svg.h - draw a sequence chart (chart.h) as one standalone SVG file.
 *
 * The picture is 1280 units wide (a slide's width) and as tall as the
 * rows need. The client's lifeline is on the left, the server's on the
 * right. Each call is a line of text on the outer side of its lifeline,
 * with its time since the first call; the TCP state it left behind sits on
 * the lifeline as a coloured box. Arrows are coloured by kind (SYN blue,
 * data dark grey, urgent orange, FIN green, RST red), and dashed when one
 * end is not in the trace. The server's listening socket, when the trace
 * has one, is a third lane on the right ("listener"), its text on its
 * left. A call that waited has a ring where it began, and a grey bar on
 * its lifeline until the row where it returned. A legend may close the
 * picture.
 *
 * All text from the trace goes through xml_write_text() (common/xml.h):
 * markup is escaped, and bytes that are not valid UTF-8 or are control
 * characters are drawn as "\xNN", so the output is well-formed whatever
 * the traced programs printed.
 */
#ifndef IPC_KIT_CHART_SVG_H
#define IPC_KIT_CHART_SVG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "chart.h"

/* The widest call text drawn beside a lifeline, in characters; longer
 * arguments are cut with an ellipsis (the full line is the row's tooltip). */
#define CHART_SVG_CALL_CHARS 40

/*
 * Writes the chart to out, with title as its heading (an empty title: no
 * heading, e.g. for a slide that has its own) and, when legend is true, a
 * legend of the arrows and boxes at the bottom. Returns 0, or -1 with errno
 * set when writing failed.
 */
int chart_svg_write(FILE *out, const struct chart *chart, const char *title, bool legend);

/*
 * Writes the chart for a slide that shows it shown_height pixels tall (the
 * decks use 610): every call, but no times, no title and no legend; a
 * state box only where the state changed (a dot elsewhere); text and rows
 * sized so that, at that height on a 1280x720 slide, every text is at
 * least 18 px, and the picture at most 1220 px wide. A chart with too many
 * rows for that gets a warning on stderr. Returns 0, or -1 with errno set.
 */
int chart_svg_write_slide(FILE *out, const struct chart *chart, int shown_height);

/*
 * Formats "call(args) = result" for a row into buf, cutting the arguments
 * (at a character boundary, with "…") so that the whole stays within
 * max_chars characters: the call's name and its result always show. A lab's
 * "[step N]" tag is left out of the text: the chart draws it apart.
 */
void chart_svg_call_text(const struct trace_event *ev, size_t max_chars, char *buf, size_t size);

#endif
