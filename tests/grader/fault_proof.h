/*
 * fault_proof.h - the kernel's word that the planned short counts happened.
 *
 * Fault plans (fault.h) are carried out inside the student process, and
 * the counts fault_calls() and fault_injected() come from there too: from a
 * process that runs student code. On their own they prove nothing. Code
 * that went around the wrapped calls (syscall(SYS_write, fd, buf, len), one
 * call for the whole buffer) and then wrote the counters itself would pass
 * a test that read them alone.
 *
 * The kernel can count a process's calls for us (below), and no process can
 * lower that count. A plan that cuts every call to max_bytes means that
 * moving `bytes` bytes
 * takes at least ceil(bytes / max_bytes) calls that reach the kernel (the
 * EINTR and EAGAIN a plan injects never reach it, so they add nothing). So:
 *
 *   struct fault_plan plan = {.fd = fds[1], .max_bytes = 7};
 *   struct fault_proof proof = fault_proof_arm(FAULT_OUT, plan, 5000);
 *   ssize_t n = pipe_write_all(fds[1], data, 5000);
 *   ... the usual checks, the bytes that arrived included ...
 *   fault_proof_require(&proof, "pipe_write_all");
 *
 * What the kernel counts, and so what this proves:
 *   on a pipe, a FIFO or a file: /proc/PID/io, whose syscr counts read,
 *     readv, pread, preadv (and their _FORTIFY_SOURCE forms) and whose
 *     syscw counts write, writev, pwrite, pwritev, for the process and the
 *     children it has reaped, on any descriptor; send and recv cannot be
 *     used there;
 *   on a socket, where /proc counts no send, recv, sendmsg or recvmsg: a
 *     seccomp filter that the agent installs in itself on request
 *     (agent_count_calls_on(), SECCOMP_RET_USER_NOTIF) stops each data call
 *     on plan.fd until a thread of this process has counted it, then lets it
 *     run. The kernel sees the calls, syscall() included, and no code in the
 *     student process can remove the filter. Where the kernel or a jail
 *     refuses the filter, the proof on a socket is not available and
 *     fault_proof_require() checks nothing more than the test already did.
 * A /proc count can be raised by extra calls on other descriptors: there it
 * proves the calls were made, not where. The socket count is per
 * descriptor number.
 *
 * Lives in the checker only (it asks the agent to arm the plan across the
 * boundary and counts from outside).
 */
#ifndef IPC_KIT_FAULT_PROOF_H
#define IPC_KIT_FAULT_PROOF_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "fault.h"

struct fault_proof {
    enum fault_op op;
    pid_t student;                /* the student process that makes the calls */
    int fd;                       /* the plan's descriptor */
    size_t max_bytes;             /* the plan's cut */
    size_t bytes;                 /* what the calls under test must move */
    unsigned long calls_needed;   /* ceil(bytes / max_bytes); 0: nothing to prove */
    bool countable;               /* false when the kernel cannot count (see above) */
    unsigned long long before;    /* the count of direction op when armed */
    struct call_counter *counter; /* on a socket: the calls seccomp counted, else NULL */
};

/*
 * Arms plan for op in the student process serving this process (fault_set
 * across the boundary) and notes the kernel's count of that process's calls
 * in direction op. bytes: how many bytes the calls under test must move
 * through plan.fd (a descriptor this process holds too, at the same
 * number).
 */
struct fault_proof fault_proof_arm(enum fault_op op, struct fault_plan plan, size_t bytes);

/* The kernel's count of proof's direction since fault_proof_arm(). */
unsigned long long fault_proof_counted(const struct fault_proof *proof);

/*
 * Fails the test unless the kernel counted at least proof->calls_needed
 * calls of its direction by the student process since fault_proof_arm().
 * function names the lab function under test, for the message.
 */
void fault_proof_require(const struct fault_proof *proof, const char *function);

#endif
