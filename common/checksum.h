/*
 * checksum.h - a checksum to prove that bytes arrived unchanged.
 *
 * FNV-1a (64-bit): simple enough to read in one glance, and it detects any
 * reordering, loss or corruption that a test or benchmark could cause.
 * It is not cryptographic. Feed chunks in order; start with CHECKSUM_INIT.
 */
#ifndef IPC_KIT_CHECKSUM_H
#define IPC_KIT_CHECKSUM_H

#include <stddef.h>
#include <stdint.h>

#define CHECKSUM_INIT UINT64_C(0xcbf29ce484222325)

uint64_t checksum_update(uint64_t sum, const void *data, size_t len);

/* Fills buf with a reproducible byte pattern derived from seed. */
void checksum_fill_pattern(void *buf, size_t len, uint64_t seed);

#endif
