/*
 * ring_internal.h - how the files of lab 01 call each other. Users of the
 * ring include ring.h only; nothing here is part of its contract.
 *
 * ring_message.c checks the arguments of ring_send() and friends and hands
 * the work to the part the ring was created with: ring_lock.c (Part A) or
 * ring_lockfree.c (Part B). Both use the record helpers of ring_message.c
 * and the peer checks of ring_peer.c.
 *
 * This header is the same, byte for byte, in labs/ and solutions/.
 */
#ifndef IPC_KIT_RING_INTERNAL_H
#define IPC_KIT_RING_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ring.h"

/* ---- records (ring_message.c) --------------------------------------------- */

/* Copies len bytes from src into the data area at index `at`, wrapping
 * around the end of the ring. */
void ring_copy_in(const struct ring *r, uint64_t at, const void *src, size_t len);

/* Copies len bytes at index `at` out of the data area into dst, wrapping. */
void ring_copy_out(const struct ring *r, uint64_t at, void *dst, size_t len);

/* ---- Part A (ring_lock.c) ------------------------------------------------- */

/* Makes the mutex and conditions process-shared (and the mutex robust). */
int lock_init(struct ring_shared *s);
int lock_send(struct ring *r, const void *data, size_t len, bool block);
int lock_recv(struct ring *r, void *buf, size_t cap, size_t *len, bool block);
int lock_send_eof(struct ring *r);
/* Wakes whichever side sleeps, so it sees a change of peer (a detach). */
int lock_wake_all(struct ring *r);

/* ---- Part B (ring_lockfree.c) --------------------------------------------- */

int lockfree_send(struct ring *r, const void *data, size_t len, bool block);
int lockfree_recv(struct ring *r, void *buf, size_t cap, size_t *len, bool block);
int lockfree_send_eof(struct ring *r);
int lockfree_wake_all(struct ring *r);

/* ---- peers (ring_peer.c) -------------------------------------------------- */

/*
 * Called by a side before it sleeps waiting for its peer (me is
 * RING_PRODUCER or RING_CONSUMER). Returns 0 when it may go on waiting, or
 * -1 with errno: EINTR when the stop flag is set, EPIPE (me = producer) or
 * ECONNRESET (me = consumer) when the peer has left. ask_kernel: also check
 * that the peer's process still lives (two system calls, so a side does it
 * only after a sleep that nobody interrupted, i.e. every RING_LIVENESS_MS).
 */
int ring_may_keep_waiting(const struct ring *r, enum ring_role me, bool ask_kernel);

/* True when the process `pid` has ended, including a zombie not yet reaped. */
bool ring_process_gone(int32_t pid);

#endif
