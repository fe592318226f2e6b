/*
 * reference.h - the physical limits of this machine, measured in the same
 * run as the mechanisms, so that their figures can be read as ratios.
 *
 *   memcpy  how fast one core copies blocks of a given size: shared memory
 *           needs at least one copy in and one out, so this bounds it.
 *   cache line round trip  the time for one 64-byte line to go from one
 *           core to another and back: no message between two cores can make
 *           a round trip faster.
 *   verify  what checking a message costs (verify.h): the bench adds it to
 *           every message of every mechanism, so it must stay small next
 *           to the fastest one's time per message.
 */
#ifndef IPC_KIT_REFERENCE_H
#define IPC_KIT_REFERENCE_H

#include <stddef.h>

/* Copies blocks of `size` bytes for about `seconds`; returns MB/s (10^6 B). */
double reference_memcpy_MBps(size_t size, double seconds);

/*
 * Bounces one cache line between a process on cpu_a and one on cpu_b, in
 * `batches` batches; stores each batch's average round trip (ns) in
 * ns_per_rtt. Returns 0, or -1 with errno set.
 */
int reference_cacheline_rtt(int cpu_a, int cpu_b, size_t batches, double *ns_per_rtt);

/*
 * The receiver's check of a message of `size` bytes (size >= 8), in cache
 * as after its copy out, measured for about `seconds`: nanoseconds per
 * message, the sampled full comparison averaged in. -1 with errno on error.
 */
double reference_verify_ns(size_t size, double seconds);

#endif
