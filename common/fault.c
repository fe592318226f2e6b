/*
 * fault.c - the --wrap side of fault injection (see fault.h).
 *
 * With -Wl,--wrap=write the linker sends every undefined reference to
 * `write` to `__wrap_write`, and `__real_write` to the real one. This file
 * is linked only into test binaries.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include "fault.h"

ssize_t __real_read(int fd, void *buf, size_t count);
ssize_t __real_write(int fd, const void *buf, size_t count);
ssize_t __real_send(int fd, const void *buf, size_t len, int flags);
ssize_t __real_recv(int fd, void *buf, size_t len, int flags);
ssize_t __wrap_read(int fd, void *buf, size_t count);
ssize_t __wrap_write(int fd, const void *buf, size_t count);
ssize_t __wrap_send(int fd, const void *buf, size_t len, int flags);
ssize_t __wrap_recv(int fd, void *buf, size_t len, int flags);

/* Plans are set while the test is single-threaded; the counters are atomic
 * because the code under test may call read/write from several threads. */
struct fault_state {
    bool armed;
    struct fault_plan plan;
    atomic_ulong calls; /* calls that matched the plan */
    atomic_ulong all_calls;
    atomic_ulong injected;
};

static struct fault_state states[FAULT_OP_COUNT];

static void clear_counters(struct fault_state *s)
{
    atomic_store(&s->calls, 0);
    atomic_store(&s->all_calls, 0);
    atomic_store(&s->injected, 0);
}

void fault_set(enum fault_op op, struct fault_plan plan)
{
    states[op].plan = plan;
    states[op].armed = true;
    clear_counters(&states[op]);
}

void fault_reset(void)
{
    for (int op = 0; op < FAULT_OP_COUNT; op++) {
        states[op].armed = false;
        clear_counters(&states[op]);
    }
}

unsigned long fault_calls(enum fault_op op)
{
    return atomic_load(&states[op].all_calls);
}

unsigned long fault_injected(enum fault_op op)
{
    return atomic_load(&states[op].injected);
}

/*
 * Decides what to do with one call: returns false to fail it (errno set),
 * or true with *count possibly lowered to make it short.
 */
static bool apply_plan(enum fault_op op, int fd, size_t *count)
{
    struct fault_state *s = &states[op];
    atomic_fetch_add(&s->all_calls, 1);
    if (!s->armed || fd < 3 || (s->plan.fd >= 0 && fd != s->plan.fd))
        return true;
    unsigned long nth = atomic_fetch_add(&s->calls, 1) + 1;
    if (s->plan.fail_every && nth % s->plan.fail_every == 0) {
        atomic_fetch_add(&s->injected, 1);
        errno = s->plan.fail_errno;
        return false;
    }
    if (s->plan.max_bytes && *count > s->plan.max_bytes) {
        atomic_fetch_add(&s->injected, 1);
        *count = s->plan.max_bytes;
    }
    return true;
}

ssize_t __wrap_read(int fd, void *buf, size_t count)
{
    if (!apply_plan(FAULT_READ, fd, &count))
        return -1;
    return __real_read(fd, buf, count);
}

ssize_t __wrap_write(int fd, const void *buf, size_t count)
{
    if (!apply_plan(FAULT_WRITE, fd, &count))
        return -1;
    return __real_write(fd, buf, count);
}

ssize_t __wrap_send(int fd, const void *buf, size_t len, int flags)
{
    if (!apply_plan(FAULT_SEND, fd, &len))
        return -1;
    return __real_send(fd, buf, len, flags);
}

ssize_t __wrap_recv(int fd, void *buf, size_t len, int flags)
{
    if (!apply_plan(FAULT_RECV, fd, &len))
        return -1;
    return __real_recv(fd, buf, len, flags);
}
