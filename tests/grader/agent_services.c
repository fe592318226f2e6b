/*
 * agent_services.c - the kit's services inside the student process
 * (agent_services.h). Linked into the agent only.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#include "agent_services.h"
#include "trace.h"

/* Lock-free atomic: a handler may touch it, and a thread checker knows atomics. */
static _Atomic long signals_seen;

static void count_signal(int sig)
{
    (void)sig;
    atomic_fetch_add(&signals_seen, 1);
}

long agent_interrupt_every(long interval_us)
{
    long seen = atomic_load(&signals_seen);
    struct itimerval it = {.it_interval = {interval_us / 1000000, interval_us % 1000000},
                           .it_value = {interval_us / 1000000, interval_us % 1000000}};
    if (interval_us > 0) {
        atomic_store(&signals_seen, 0);
        struct sigaction sa = {.sa_handler = count_signal}; /* no SA_RESTART */
        sigemptyset(&sa.sa_mask);
        if (sigaction(SIGALRM, &sa, NULL) == -1)
            return -1;
    }
    if (setitimer(ITIMER_REAL, &it, NULL) == -1)
        return -1;
    return seen;
}

int agent_set_signal(int sig, int ignore)
{
    return signal(sig, ignore ? SIG_IGN : SIG_DFL) == SIG_ERR ? -1 : 0;
}

int agent_trace_to(const char *path)
{
    if (path != NULL && setenv("IPC_TRACE_FILE", path, 1) == -1)
        return -1;
    if (path == NULL)
        unsetenv("IPC_TRACE_FILE");
    trace_reset();
    return 0;
}

#if defined(__x86_64__)
#define AGENT_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define AGENT_AUDIT_ARCH AUDIT_ARCH_AARCH64
#endif

int agent_count_calls_on(int fd)
{
#ifndef AGENT_AUDIT_ARCH
    (void)fd;
    errno = ENOSYS;
    return -1;
#else
    /* The system calls that move data, by number: each one on fd stops for
     * the checker's word (SECCOMP_RET_USER_NOTIF); every other call runs. */
    enum { WATCHED = 10 };
    static const unsigned nr[WATCHED] = {
        SYS_read,     SYS_write,    SYS_readv,  SYS_writev,  SYS_pread64,
        SYS_pwrite64, SYS_recvfrom, SYS_sendto, SYS_recvmsg, SYS_sendmsg,
    };
    struct sock_filter code[7 + WATCHED + 2];
    size_t n = 0;
    code[n++] =
        (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
    code[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AGENT_AUDIT_ARCH, 1, 0);
    code[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    /* args[0] is 64 bits; a descriptor fits in its low half (little endian). */
    code[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
                                             offsetof(struct seccomp_data, args[0]));
    code[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)fd, 1, 0);
    code[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    code[n++] =
        (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
    for (int i = 0; i < WATCHED; i++) /* a match jumps to the last statement: notify */
        code[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, nr[i],
                                                 (unsigned char)(WATCHED - i), 0);
    code[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    code[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF);
    struct sock_fprog prog = {.len = (unsigned short)n, .filter = code};
    /* A process without privileges may filter itself only if it can never
     * gain any (no set-uid programs after this): the agent execs nothing. */
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
        return -1;
    return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
                        SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_TSYNC |
                            SECCOMP_FILTER_FLAG_TSYNC_ESRCH,
                        &prog);
#endif
}
