/*
 * fault_proof.c - the kernel's count of a student process's read and write
 * calls, against what a fault plan implies (see fault_proof.h).
 */
#include <sys/stat.h>

#include "boundary.h"
#include "fault_proof.h"
#include "grader.h"

static unsigned long long counted_now(enum fault_op op, pid_t student)
{
    struct grade_io io = grade_process_io(student);
    return op == FAULT_IN ? io.syscr : io.syscw;
}

struct fault_proof fault_proof_arm(enum fault_op op, struct fault_plan plan, size_t bytes)
{
    struct stat st;
    struct fault_proof proof = {
        .op = op,
        .student = boundary_agent_pid(),
        .fd = plan.fd,
        .max_bytes = plan.max_bytes,
        .bytes = bytes,
        .calls_needed = plan.max_bytes ? (bytes + plan.max_bytes - 1) / plan.max_bytes : 0,
        /* The kernel counts send/recv nowhere: on a socket there is no proof. */
        .countable = plan.fd >= 0 && fstat(plan.fd, &st) == 0 && !S_ISSOCK(st.st_mode),
    };
    /* Counted before the plan is armed: arming it is a call the agent
     * answers, and whatever it reads or writes then only adds. */
    proof.before = counted_now(op, proof.student);
    fault_set(op, plan);
    return proof;
}

unsigned long long fault_proof_counted(const struct fault_proof *proof)
{
    return counted_now(proof->op, proof->student) - proof->before;
}

void fault_proof_require(const struct fault_proof *proof, const char *function)
{
    if (!proof->countable || proof->calls_needed == 0)
        return;
    unsigned long long counted = fault_proof_counted(proof);
    const char *verb = proof->op == FAULT_IN ? "read" : "write";
    ck_assert_msg(counted >= proof->calls_needed,
                  "%ss on fd %d were cut to %zu bytes, so %zu bytes take at least %lu %s() "
                  "calls, but the kernel saw your process make only %llu: %s must loop, moving "
                  "the bytes with %s() (or %sv()) through the C library, not with syscall()",
                  verb, proof->fd, proof->max_bytes, proof->bytes, proof->calls_needed, verb,
                  counted, function, verb, verb);
}
