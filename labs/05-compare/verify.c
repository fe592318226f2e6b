/* verify.c - message patterns and their cheap, complete check (see verify.h). */
#include <errno.h>
#include <string.h>

#include "checksum.h"
#include "verify.h"

/* The weighted sum of the words from index `first` on; a last partial word
 * counts as if padded with zeros. memcpy keeps unaligned loads legal. */
static uint64_t weighted_sum(const unsigned char *p, size_t len, size_t first)
{
    uint64_t sum = 0;
    size_t words = len / 8;
    for (size_t k = first; k < words; k++) {
        uint64_t w;
        memcpy(&w, p + 8 * k, 8);
        sum += w * (2 * k + 1);
    }
    if (len % 8 != 0 && words >= first) {
        uint64_t w = 0;
        memcpy(&w, p + 8 * words, len % 8);
        sum += w * (2 * words + 1);
    }
    return sum;
}

struct verify_key verify_prepare(void *msg, size_t len)
{
    checksum_fill_pattern(msg, len, len);
    return (struct verify_key){.len = len, .rest_sum = weighted_sum(msg, len, 1)};
}

void verify_stamp(void *msg, uint64_t seq)
{
    memcpy(msg, &seq, sizeof seq);
}

int verify_check(const struct verify_key *key, const void *msg, size_t len, uint64_t seq)
{
    uint64_t first;
    memcpy(&first, msg, sizeof first);
    if (len != key->len || first != seq || weighted_sum(msg, len, 1) != key->rest_sum) {
        errno = EBADMSG;
        return -1;
    }
    return 0;
}
