/*
 * verify.h - prove that every message arrived intact, cheaply.
 *
 * A fast benchmark that moves wrong bytes is a bug, so every message is
 * checked. But the check must not become what the benchmark measures: a
 * pass over every byte of every message runs at about the speed of a copy
 * (a weighted word sum ran at 18-20 GB/s here), so at 64 KiB it took longer
 * than the shared-memory ring needs to move the message, and it hid the
 * very differences the lab is about. So the check has two levels:
 *
 *   - Stamps, in every message: the sender writes the sequence number into
 *     the first 8 bytes, into the first 8 bytes of every 4 KiB after that,
 *     and into the last 8 bytes. verify_check() reads every stamp, so a
 *     message that was lost, repeated, reordered, cut short or mixed with
 *     an older one (a page left behind, a wrap-around copied wrong) fails.
 *     That is 2 loads at 64 B and 257 at 1 MiB.
 *   - A full comparison of a sample: one message in VERIFY_FULL_EVERY is
 *     also compared byte for byte with the pattern (memcmp, tens of GB/s).
 *     A mechanism that damages bytes does so again and again, so the sample
 *     catches it within a few dozen messages of a run of thousands.
 *
 * The bench measures this cost per message in the same run (the "verify"
 * row: stamp plus check, data in cache), so a reader can see that it stays
 * small next to the fastest mechanism.
 */
#ifndef IPC_KIT_VERIFY_H
#define IPC_KIT_VERIFY_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* The sender stamps the sequence number every this many bytes (and at the end). */
#define VERIFY_STAMP_EVERY 4096
/* Messages seq % VERIFY_FULL_EVERY == 0 are compared byte for byte. */
#define VERIFY_FULL_EVERY 64

/* What a receiver needs to check messages of one size. */
struct verify_key {
    size_t len;
    /* The buffer verify_prepare() filled: the caller keeps it alive, and may
     * stamp it (stamps are skipped when comparing), but not change it. */
    const unsigned char *pattern;
};

/* Fills msg (len >= 8) with the pattern and returns the key for it. */
struct verify_key verify_prepare(void *msg, size_t len);

/* Writes the sequence number into every stamp of a message of len bytes. */
void verify_stamp(void *msg, size_t len, uint64_t seq);

/* Every stamp, and for a sampled seq every byte: 0, or -1 (EBADMSG). */
int verify_check_all(const struct verify_key *key, const void *msg, size_t len, uint64_t seq);

/*
 * 0 when msg is message number seq of the key's pattern, else -1 (EBADMSG).
 * Inline, because at 64 B a message crosses the shared-memory ring in
 * about 20 ns, and a function call with its loop would be a fifth of that:
 * a message of one stamp block has just two stamps, its first and last
 * 8 bytes, and most messages are not sampled.
 */
static inline int verify_check(const struct verify_key *key, const void *msg, size_t len,
                               uint64_t seq)
{
    if (len != key->len || len < 16 || len > VERIFY_STAMP_EVERY || seq % VERIFY_FULL_EVERY == 0)
        return verify_check_all(key, msg, len, seq);
    uint64_t first, last;
    memcpy(&first, msg, sizeof first);
    memcpy(&last, (const unsigned char *)msg + len - 8, sizeof last);
    if (first == seq && last == seq)
        return 0;
    errno = EBADMSG;
    return -1;
}

#endif
