/*
 * rtt.h - lab 05: measuring a round trip (ping-pong).
 *
 * One process sends a message on channel `out`; the other receives it and
 * sends it straight back on channel `in`; the first waits for that reply.
 * The time from just before the send to just after the reply arrived is one
 * round trip: two one-way trips plus both wake-ups, the latency a
 * request/response protocol sees.
 */
#ifndef IPC_KIT_RTT_H
#define IPC_KIT_RTT_H

#include <stdint.h>

#include "channel.h"
#include "verify.h"

/*
 * YOURS (rtt.c). Does `count` round trips with messages of key->len bytes:
 * for each i, stamp sequence number i into msg (verify_stamp(msg, key->len,
 * i)), take the
 * time (clock_now_ns), send msg on out, receive the reply on in into reply
 * (key->len bytes of room), take the time again, check the reply
 * (verify_check against i), and store the difference in samples_ns[i].
 * Returns 0, or -1 with errno: EBADMSG for a wrong or short reply (check it
 * with the length recv reported, not the one asked for), EPIPE
 * when the echo side ended the stream early, or the channel's errno.
 */
int rtt_measure(struct channel *out, struct channel *in, void *msg, void *reply,
                const struct verify_key *key, size_t count, uint64_t *samples_ns);

/*
 * Given (measure.c). The echo side: receives each message on in and sends
 * it back unchanged on out, until end of stream. Returns the number of
 * messages echoed, or -1 with errno set.
 */
long rtt_echo(struct channel *in, struct channel *out, void *buf, size_t cap);

#endif
