/*
 * wire_check.h - what TCP must have put on the wire for a lab 04 mode,
 * checked against a timeline (timeline.h). `make test-wire` relies on it.
 *
 * For every mode:
 *   - the handshake: SYN (client), then SYN,ACK (server), then ACK (client)
 *     acknowledging the server's SYN (ack=1);
 *   - each segment after the call that caused it: the SYN after connect()
 *     began, the SYN,ACK after listen(), each data byte after the send()
 *     that wrote it began, a FIN after the shutdown(SHUT_WR) or close()
 *     that ended that side's stream, an RST after the aborting close();
 *   - a FIN, then the peer's ACK of it (ack = the FIN's seq + 1), for each
 *     side that called shutdown(SHUT_WR) or closed a connected socket.
 * Per mode:
 *   oob    one URG segment from the client (retransmissions aside) whose
 *          urgent pointer points just past the urgent byte: seq + urp =
 *          (the urgent byte's seq) + 1, as Linux and BSD count it;
 *   abort  an RST from the server and no FIN from it.
 *
 * Retransmissions are allowed everywhere (LOSS=5%): a check looks at the
 * first time a segment was sent; lost segments still left their sender.
 *
 * Each check prints one line, "ok: ..." or "FAIL: ...", to out.
 */
#ifndef IPC_KIT_WIRE_CHECK_H
#define IPC_KIT_WIRE_CHECK_H

#include <stdio.h>

#include "timeline.h"

/* Runs the checks of mode ("echo", "halfclose", "oob", "abort" or "poll").
 * Returns the number of failed checks, or -1 (EINVAL) for an unknown mode. */
int wire_check(FILE *out, const struct timeline *tl, const char *mode);

#endif
