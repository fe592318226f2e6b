/*
 * fault.h - deterministic fault injection for every call that moves data.
 *
 * Real pipes and sockets rarely return short counts or EINTR on a quiet
 * machine, so loops that handle them go untested. The agent (the student
 * process of boundary.h; the test binaries of labs without a boundary) is
 * linked with -Wl,--wrap=read,--wrap=write,... (FAULT_WRAP in the Makefile):
 * every call to one of these functions in the lab code goes to
 * __wrap_read() etc. in fault.c, which consults the plan set here (by the
 * checker, across the boundary) and then calls the real function. Programs
 * are linked normally and never see this.
 *
 * A plan is set per direction, not per function, so a student may use any
 * call the contract allows and still meet the same faults:
 *   FAULT_IN   read, readv, pread, recv, recvfrom, recvmsg (and the
 *              __read_chk, __pread_chk, __recv_chk and __recvfrom_chk that
 *              _FORTIFY_SOURCE puts in their place)
 *   FAULT_OUT  write, writev, pwrite, send, sendto, sendmsg
 * Reached: exactly those calls, made by the student's own code (the linker
 * only sees the program's own calls). Not reached: calls inside the C
 * library (fread(), fwrite() and the rest of stdio; preadv/pwritev) and
 * syscall(SYS_read, ...). So the lab headers say which calls a student
 * must use where a test injects faults: lab 02's descriptor functions and
 * the send/receive functions of labs 03, 04 and 05 make the calls above
 * themselves, never through stdio or syscall(). Where a header allows stdio
 * (lab 02's FIFOs), the test makes real short reads instead, which reach
 * every way of reading.
 *
 * Verified from outside: the plan is carried out in the student process,
 * and fault_calls()/fault_injected() are that process's own word, which
 * student code could forge. A test whose verdict rests on short counts
 * therefore also checks, with fault_proof.h, that the kernel saw at least
 * the calls the plan implies (moving N bytes through calls cut to M takes
 * N/M of them): on pipes and FIFOs by the student process's read and write
 * counts in /proc/PID/io, on sockets by a seccomp filter that reports each
 * data call on the planned descriptor to the checker. And it checks the
 * bytes that arrive itself. Injected EINTR and EAGAIN never reach the
 * kernel, so a plan that only fails calls (fail_every, no max_bytes) proves
 * nothing from outside; those tests rest on the results they see.
 *
 * A short count cuts the total of an iovec (readv, writev, sendmsg,
 * recvmsg) to max_bytes; the control data of sendmsg/recvmsg (passed
 * descriptors) is left as it is.
 *
 * A plan applies to descriptors >= 3 only (stdin, stdout and stderr are left
 * alone), or to one descriptor when fd >= 0; never to the kit's own from
 * FAULT_KIT_FD_FLOOR up (the call boundary's sockets, boundary_wire.h).
 * Nothing random: the same plan always gives the same sequence of results.
 */
#ifndef IPC_KIT_FAULT_H
#define IPC_KIT_FAULT_H

#include <stddef.h>

enum fault_op { FAULT_IN, FAULT_OUT, FAULT_OP_COUNT };

/* BOUNDARY_FD_FLOOR of boundary_wire.h: the kit's descriptors start there. */
enum { FAULT_KIT_FD_FLOOR = 940 };

struct fault_plan {
    int fd;              /* -1: any descriptor >= 3; otherwise only this one */
    size_t max_bytes;    /* 0: no limit; else each call moves at most this many */
    unsigned fail_every; /* 0: never; N: calls N, 2N, 3N... fail before moving data */
    int fail_errno;      /* the errno those calls fail with: EINTR or EAGAIN */
};

/* Arms a plan for one direction; it replaces any earlier plan for it. */
void fault_set(enum fault_op op, struct fault_plan plan);

/* Disarms every plan and zeroes the counters. */
void fault_reset(void);

/* Calls seen in direction op since the last reset (all descriptors, every
 * function of that direction), and how many of them the plan shortened or
 * failed. Tests use these to prove that the faults really happened. */
unsigned long fault_calls(enum fault_op op);
unsigned long fault_injected(enum fault_op op);

/*
 * Describes direction op for a failure message: the functions watched and
 * how often each was called, e.g. "write x0, writev x12, pwrite x0, ...;
 * 40 faults injected". The text lives in a static buffer per direction.
 */
const char *fault_describe(enum fault_op op);

#endif
