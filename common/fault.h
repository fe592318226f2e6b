/*
 * fault.h - deterministic fault injection for read, write, send and recv.
 *
 * Real pipes and sockets rarely return short counts or EINTR on a quiet
 * machine, so loops that handle them go untested. Test binaries are linked
 * with -Wl,--wrap=read,--wrap=write,--wrap=send,--wrap=recv: every call to
 * these functions in the lab code (and only in the test binaries) goes to
 * __wrap_read() etc. in fault.c, which consults the plan set here and then
 * calls the real function. Programs are linked normally and never see this.
 *
 * A plan applies to descriptors >= 3 only (stdin, stdout and stderr are left
 * alone), or to one descriptor when fd >= 0. Nothing random: the same plan
 * always gives the same sequence of results.
 */
#ifndef IPC_KIT_FAULT_H
#define IPC_KIT_FAULT_H

#include <stddef.h>

enum fault_op { FAULT_READ, FAULT_WRITE, FAULT_SEND, FAULT_RECV, FAULT_OP_COUNT };

struct fault_plan {
    int fd;              /* -1: any descriptor >= 3; otherwise only this one */
    size_t max_bytes;    /* 0: no limit; else each call moves at most this many */
    unsigned fail_every; /* 0: never; N: calls N, 2N, 3N... fail before moving data */
    int fail_errno;      /* the errno those calls fail with: EINTR or EAGAIN */
};

/* Arms a plan for one operation; it replaces any earlier plan for it. */
void fault_set(enum fault_op op, struct fault_plan plan);

/* Disarms every plan and zeroes the counters. */
void fault_reset(void);

/* Calls seen for op since the last reset (all descriptors), and how many of
 * them the plan shortened or failed. Tests use these to prove that the
 * faults really happened. */
unsigned long fault_calls(enum fault_op op);
unsigned long fault_injected(enum fault_op op);

#endif
