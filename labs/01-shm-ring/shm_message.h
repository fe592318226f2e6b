/*
 * shm_message.h - the messages that the lab 01 demo programs exchange.
 *
 * Each message checks itself, so the consumer can tell a lost, repeated,
 * reordered or damaged message from a good one without knowing anything
 * else about the producer:
 *
 *     bytes [0, 8)            sequence number, counting from 0
 *     bytes [8, size - 8)     a pattern derived from the sequence number
 *     bytes [size - 8, size)  checksum (common/checksum.h) of the bytes before
 *
 * This is not part of the ring: the ring carries any bytes. The file is the
 * same, byte for byte, in labs/ and solutions/.
 */
#ifndef IPC_KIT_SHM_MESSAGE_H
#define IPC_KIT_SHM_MESSAGE_H

#include <stddef.h>
#include <stdint.h>

#define SHM_MESSAGE_MIN 16 /* a sequence number and a checksum */

/* Writes message number seq, size bytes (at least SHM_MESSAGE_MIN), to buf. */
void shm_message_fill(void *buf, size_t size, uint64_t seq);

/*
 * Checks that buf (size bytes) is message number expected_seq, intact.
 * Returns 0, or -1 with a short reason in *why ("too short", "out of
 * order", "checksum mismatch"). Stores the sequence number found in *seq.
 */
int shm_message_check(const void *buf, size_t size, uint64_t expected_seq, uint64_t *seq,
                      const char **why);

#endif
