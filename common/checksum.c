/* checksum.c - see checksum.h. */
#include "checksum.h"

uint64_t checksum_update(uint64_t sum, const void *data, size_t len)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++) {
        sum ^= p[i];
        sum *= UINT64_C(0x100000001b3); /* the FNV 64-bit prime */
    }
    return sum;
}

void checksum_fill_pattern(void *buf, size_t len, uint64_t seed)
{
    /* xorshift64: cheap, and never the same byte run twice in a row. */
    uint64_t x = seed ? seed : 1;
    unsigned char *p = buf;
    for (size_t i = 0; i < len; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        p[i] = (unsigned char)x;
    }
}
