/*
 * verify.h - prove that every message arrived intact, cheaply.
 *
 * A fast benchmark that moves wrong bytes is a bug, so every message is
 * checked. The check must cost far less than the copy it checks, so it is
 * not a byte-at-a-time hash: it is a sum of the message's 8-byte words, each
 * weighted by an odd number that grows with its position (so swapped words
 * are caught too). A message starts with its sequence number; the rest is a
 * fixed pattern, so the receiver knows in advance what the sum must be.
 */
#ifndef IPC_KIT_VERIFY_H
#define IPC_KIT_VERIFY_H

#include <stddef.h>
#include <stdint.h>

/* What a receiver needs to check messages of one size. */
struct verify_key {
    size_t len;
    uint64_t rest_sum; /* the weighted sum of every word but the first */
};

/* Fills msg (len >= 8) with the pattern and returns the key for it. */
struct verify_key verify_prepare(void *msg, size_t len);

/* Writes the sequence number into the first 8 bytes. */
void verify_stamp(void *msg, uint64_t seq);

/* 0 when msg is message number seq of the key's pattern, else -1 (EBADMSG). */
int verify_check(const struct verify_key *key, const void *msg, size_t len, uint64_t seq);

#endif
