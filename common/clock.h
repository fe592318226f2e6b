/*
 * clock.h - monotonic time for traces, timeouts and benchmarks.
 *
 * CLOCK_MONOTONIC never jumps when the wall clock is set, and it is shared by
 * all processes on the machine, so stamps from a parent and a child compare.
 */
#ifndef IPC_KIT_CLOCK_H
#define IPC_KIT_CLOCK_H

#include <stdint.h>

/* Nanoseconds on CLOCK_MONOTONIC. */
uint64_t clock_now_ns(void);

/* Sleeps for ms milliseconds, resuming after signals. */
void clock_sleep_ms(unsigned ms);

#endif
