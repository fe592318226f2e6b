/* verify.c - message patterns, stamps and their cheap check (see verify.h). */
#include <errno.h>
#include <string.h>

#include "checksum.h"
#include "verify.h"

/*
 * Where the stamp after the one at offset `at` goes, or len when there is
 * none: every VERIFY_STAMP_EVERY bytes, and in the last 8 bytes unless
 * they would overlap the stamp before them. Stamping and checking walk the
 * same offsets, so they always agree.
 */
static size_t next_stamp(size_t len, size_t at)
{
    if (len < at + 16)
        return len; /* no room for a last stamp that does not overlap this one */
    size_t last = len - 8, block = at + VERIFY_STAMP_EVERY;
    return block + 8 <= last ? block : last;
}

struct verify_key verify_prepare(void *msg, size_t len)
{
    checksum_fill_pattern(msg, len, len);
    return (struct verify_key){.len = len, .pattern = msg};
}

void verify_stamp(void *msg, size_t len, uint64_t seq)
{
    unsigned char *p = msg;
    for (size_t at = 0; at + 8 <= len; at = next_stamp(len, at))
        memcpy(p + at, &seq, sizeof seq);
}

int verify_check_all(const struct verify_key *key, const void *msg, size_t len, uint64_t seq)
{
    const unsigned char *p = msg;
    if (len != key->len || len < 8)
        goto bad;
    /* Sampled messages compare the bytes between the stamps too. */
    int full = seq % VERIFY_FULL_EVERY == 0;
    size_t checked = 0; /* bytes before this offset are checked */
    for (size_t at = 0; at + 8 <= len; at = next_stamp(len, at)) {
        uint64_t stamp;
        memcpy(&stamp, p + at, sizeof stamp);
        if (stamp != seq || (full && memcmp(p + checked, key->pattern + checked, at - checked)))
            goto bad;
        checked = at + 8;
    }
    if (full && memcmp(p + checked, key->pattern + checked, len - checked) != 0)
        goto bad;
    return 0;
bad:
    errno = EBADMSG;
    return -1;
}
