/*
 * agent_services.c - the kit's services inside the student process
 * (agent_services.h). Linked into the agent only.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/time.h>

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
