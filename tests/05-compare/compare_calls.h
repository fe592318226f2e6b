/*
 * compare_calls.h - lab 05's calls across the boundary (tests/grader/boundary.h).
 *
 * The lab's API is a table of function pointers (struct channel_ops), and
 * a pointer cannot cross from one process to another. So the tests name a
 * mechanism ("pipe", "unix") and call these small functions instead; each
 * one runs in the student's process (calls.c, the agent's side), finds the
 * mechanism there with channel_find() and calls the student's operation.
 *
 * The struct channel travels by value both ways, and its two descriptors
 * travel as descriptors: those open() makes move to the test, which holds
 * them between calls and lends them for each operation. So the test owns
 * the pipe or the socket pair, and can see from outside (FIONREAD, end of
 * stream, EPIPE) what the student's operations did with it. Its ops field
 * is the student process's address: never use it in the test.
 *
 * Each returns what the operation returned, with its errno.
 */
#ifndef IPC_KIT_COMPARE_CALLS_H
#define IPC_KIT_COMPARE_CALLS_H

#include <stddef.h>
#include <stdint.h>

#include "channel.h"

/* channel_init(ch, channel_find(mech)), then ops->open(ch, max_msg). */
int compare_open(const char *mech, struct channel *ch, size_t max_msg);

/* ops->choose(ch, side): the end it drops comes back as -1. */
int compare_choose(const char *mech, struct channel *ch, enum channel_side side);

/* ops->send(ch, msg, len) and ops->recv(ch, buf, cap, len). */
int compare_send(const char *mech, struct channel *ch, const void *msg, size_t len);
int compare_recv(const char *mech, struct channel *ch, void *buf, size_t cap, size_t *len);

/* ops->close(ch): takes the channel's descriptors for good. */
int compare_close(const char *mech, struct channel *ch);

/*
 * rtt_measure(out, in, msg, reply, &key, count, samples_ns) over two
 * channels of mechanism mech, with messages of size bytes (the pattern of
 * verify_prepare()). The echo side is the test's.
 */
int compare_rtt(const char *mech, struct channel *out, struct channel *in, size_t size,
                size_t count, uint64_t *samples_ns);

/*
 * rtt_measure() over the kit's fake channel, in the student's process: its
 * send keeps the message, its recv hands it back, altered as mode says
 * (0 faithful, 1 one byte flipped, 2 end of stream, 3 8 bytes short, 4 send
 * fails with EIO); each send takes send_ms and each recv recv_ms.
 */
int compare_rtt_fake(int mode, int send_ms, int recv_ms, size_t count, uint64_t *samples_ns);

#endif
