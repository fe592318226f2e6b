/*
 * fault_proof.c - the kernel's count of a student process's read and write
 * calls, against what a fault plan implies (see fault_proof.h).
 */
#define _GNU_SOURCE /* syscall(): seccomp() has no C library wrapper */
#include <errno.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "agent_services.h"
#include "boundary.h"
#include "boundary_checker.h"
#include "fault_proof.h"
#include "grader.h"

/* The real one: a thread of the checker's own that makes no lab call needs
 * no thread in the agent (boundary_family.c wraps pthread_create). */
int __real_pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*start)(void *),
                          void *arg);

/* ---- counting on a socket: the agent's calls on one descriptor, seen by
 * the kernel and told to this process (agent_count_calls_on()) ---- */

struct call_counter {
    int listener;
    atomic_ulong calls[FAULT_OP_COUNT];
};

static enum fault_op direction_of(long nr)
{
    switch (nr) {
    case SYS_read:
    case SYS_readv:
    case SYS_pread64:
    case SYS_recvfrom:
    case SYS_recvmsg:
        return FAULT_IN;
    default:
        return FAULT_OUT;
    }
}

/* Counts each call the listener reports and lets it run. Lives as long as
 * the checker: a call the filter stops and nobody answers would wait for
 * ever, and one whose listener is gone fails with ENOSYS. */
static void *count_calls(void *arg)
{
    struct call_counter *c = arg;
    struct seccomp_notif_sizes sizes;
    if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) == -1)
        return NULL;
    /* The kernel's structures may be larger than this header's. */
    struct seccomp_notif *req = calloc(1, sizes.seccomp_notif);
    struct seccomp_notif_resp *resp = calloc(1, sizes.seccomp_notif_resp);
    if (req == NULL || resp == NULL)
        return NULL;
    for (;;) {
        memset(req, 0, sizes.seccomp_notif);
        if (ioctl(c->listener, SECCOMP_IOCTL_NOTIF_RECV, req) == -1) {
            if (errno == EINTR || errno == ENOENT)
                continue; /* ENOENT: the caller died before it was read */
            return NULL;
        }
        atomic_fetch_add(&c->calls[direction_of(req->data.nr)], 1);
        memset(resp, 0, sizes.seccomp_notif_resp);
        resp->id = req->id;
        resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
        /* ENOENT when the caller died meanwhile: nothing to answer. */
        (void)ioctl(c->listener, SECCOMP_IOCTL_NOTIF_SEND, resp);
    }
}

/* Starts counting the agent's calls on fd; NULL when the kernel or the
 * jail refuses (the proof is then not available). */
static struct call_counter *start_counting(int fd)
{
    int listener = agent_count_calls_on(fd);
    if (listener == -1)
        return NULL;
    struct call_counter *c = calloc(1, sizeof *c);
    if (c == NULL || (c->listener = boundary_keep_apart(listener)) == -1) {
        free(c);
        return NULL;
    }
    pthread_t thread;
    if (__real_pthread_create(&thread, NULL, count_calls, c) != 0) {
        close(c->listener);
        free(c);
        return NULL;
    }
    pthread_detach(thread);
    return c;
}

static unsigned long long counted_now(const struct fault_proof *proof)
{
    if (proof->counter != NULL)
        return atomic_load(&proof->counter->calls[proof->op]);
    struct grade_io io = grade_process_io(proof->student);
    return proof->op == FAULT_IN ? io.syscr : io.syscw;
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
    };
    if (plan.fd >= 0 && fstat(plan.fd, &st) == 0) {
        /* /proc/PID/io counts no send or recv: on a socket, the calls on
         * plan.fd are counted as the kernel sees them (seccomp). */
        if (S_ISSOCK(st.st_mode))
            proof.counter = start_counting(plan.fd);
        proof.countable = !S_ISSOCK(st.st_mode) || proof.counter != NULL;
    }
    /* Counted before the plan is armed: arming it is a call the agent
     * answers, and whatever it reads or writes then only adds. */
    proof.before = proof.countable ? counted_now(&proof) : 0;
    fault_set(op, plan);
    return proof;
}

unsigned long long fault_proof_counted(const struct fault_proof *proof)
{
    return counted_now(proof) - proof->before;
}

void fault_proof_require(const struct fault_proof *proof, const char *function)
{
    if (!proof->countable || proof->calls_needed == 0)
        return;
    unsigned long long counted = fault_proof_counted(proof);
    bool in = proof->op == FAULT_IN;
    const char *calls;          /* what the student may use there */
    if (proof->counter != NULL) /* a socket */
        calls = in ? "recv(), read() or recvmsg()" : "send(), write() or sendmsg()";
    else
        calls = in ? "read() or readv()" : "write() or writev()";
    ck_assert_msg(counted >= proof->calls_needed,
                  "%s on fd %d were cut to %zu bytes, so %zu bytes take at least %lu calls, but "
                  "the kernel saw your process make only %llu: %s must loop, moving the bytes "
                  "with %s through the C library, not with syscall()",
                  in ? "reads" : "writes", proof->fd, proof->max_bytes, proof->bytes,
                  proof->calls_needed, counted, function, calls);
}
