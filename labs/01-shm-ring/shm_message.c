/*
 * shm_message.c - self-checking messages for the lab 01 demo programs
 * (see shm_message.h).
 */
#include <string.h>

#include "checksum.h"
#include "shm_message.h"

void shm_message_fill(void *buf, size_t size, uint64_t seq)
{
    unsigned char *bytes = buf;
    memcpy(bytes, &seq, sizeof seq);
    checksum_fill_pattern(bytes + 8, size - SHM_MESSAGE_MIN, seq);
    uint64_t sum = checksum_update(CHECKSUM_INIT, bytes, size - 8);
    memcpy(bytes + size - 8, &sum, sizeof sum);
}

int shm_message_check(const void *buf, size_t size, uint64_t expected_seq, uint64_t *seq,
                      const char **why)
{
    const unsigned char *bytes = buf;
    *seq = 0;
    if (size < SHM_MESSAGE_MIN) {
        *why = "too short to be a message";
        return -1;
    }
    memcpy(seq, bytes, sizeof *seq);
    uint64_t sum;
    memcpy(&sum, bytes + size - 8, sizeof sum);
    if (sum != checksum_update(CHECKSUM_INIT, bytes, size - 8)) {
        *why = "checksum mismatch: the bytes were damaged";
        return -1;
    }
    if (*seq != expected_seq) {
        *why = "out of order: a message was lost, repeated or reordered";
        return -1;
    }
    return 0;
}
