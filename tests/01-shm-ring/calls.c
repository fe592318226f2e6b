/*
 * calls.c - lab 01's functions across the call boundary: one line each
 * (tests/grader/boundary_calls.h says what the kinds mean), then the test's
 * own helpers of ring_test.h, which run in the student's process too. The
 * tests call these names; the student's code runs in agent_01-shm-ring.
 *
 * A struct ring is copied both ways by value (PTR): the pointers in it (shared,
 * data, stop) are the student process's, never to be followed here. A test
 * that looks at the ring's header maps the object itself, by name.
 *
 * ring_set_stop_flag() takes a pointer to a flag, which only means something
 * where both processes see the same memory: the flag lives in a page of a
 * memfd (struct ring_test_page) that the checker maps and the student
 * process maps too. The checker's ring_set_stop_flag() below is written by
 * hand: it sends which flag of that page, and the student process points
 * its ring at its own mapping of the same flag.
 *
 * _GNU_SOURCE: memfd_create() (checker) and sched_yield() in C11 (agent).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kit_calls.h"
#include "ring.h"
#include "ring_test.h"

/* A struct ring holds no descriptor (the shm descriptor is closed once
 * mapped), so it crosses as a PTR: copied in, and back after the call. */
#define LAB_CALLS                                                                                  \
    CALL5((RET, int), ring_create, (PTR, struct ring *, r), (STRING, const char *, name),          \
          (VALUE, size_t, capacity), (VALUE, enum ring_mode, mode), (VALUE, enum ring_role, role)) \
    CALL3((RET, int), ring_attach, (PTR, struct ring *, r), (STRING, const char *, name),          \
          (VALUE, enum ring_role, role))                                                           \
    CALL1((RET, int), ring_detach, (PTR, struct ring *, r))                                        \
    CALL1((RET, int), ring_destroy, (PTR, struct ring *, r))                                       \
    CALL1((RET, size_t), ring_max_message, (PTR_IN, const struct ring *, r))                       \
    CALL3((RET, int), ring_send, (PTR, struct ring *, r), (BYTES_IN, const void *, data, len),     \
          (VALUE, size_t, len))                                                                    \
    CALL3((RET, int), ring_try_send, (PTR, struct ring *, r), (BYTES_IN, const void *, data, len), \
          (VALUE, size_t, len))                                                                    \
    CALL4((RET, int), ring_recv, (PTR, struct ring *, r), (BYTES_OUT, void *, buf, cap),           \
          (VALUE, size_t, cap), (PTR, size_t *, len))                                              \
    CALL4((RET, int), ring_try_recv, (PTR, struct ring *, r), (BYTES_OUT, void *, buf, cap),       \
          (VALUE, size_t, cap), (PTR, size_t *, len))                                              \
    CALL1((RET, int), ring_send_eof, (PTR, struct ring *, r))                                      \
    CALL2((RET, int), ring_wait_for_peer, (PTR, struct ring *, r), (VALUE, int, timeout_ms))       \
    CALL1((RET, int), ring_test_map_page, (FD, int, fd))                                           \
    CALL2((RET, int), ring_test_set_stop, (PTR, struct ring *, r), (VALUE, int, slot))             \
    CALL3((RET, long), ring_test_send_batch, (PTR, struct ring *, r),                              \
          (BYTES_IN, const void *, batch, size), (VALUE, size_t, size))                            \
    CALL6((RET, int), ring_test_recv_batch, (PTR, struct ring *, r),                               \
          (BYTES_OUT, void *, out, cap), (VALUE, size_t, cap), (VALUE, long, max),                 \
          (VALUE, size_t, room), (PTR, struct ring_test_received *, got))                          \
    CALL6((RET, long), ring_test_try_steps, (PTR, struct ring *, r),                               \
          (ARRAY, struct ring_test_step *, steps, count), (VALUE, size_t, count),                  \
          (BYTES_IN, const void *, data, size), (BYTES_OUT, void *, out, size),                    \
          (VALUE, size_t, size))                                                                   \
    CALL6((RET, long), ring_test_ping_pong, (PTR, struct ring *, out), (PTR, struct ring *, in),   \
          (BYTES_IN, const uint64_t *, values, count * sizeof(uint64_t)),                          \
          (BYTES_OUT, uint64_t *, back, count * sizeof(uint64_t)), (VALUE, size_t, count),         \
          (PTR, struct ring_test_trips *, how))                                                    \
    CALL3((RET, long), ring_test_echo, (PTR, struct ring *, in), (PTR, struct ring *, out),        \
          (PTR, struct ring_test_trips *, how))                                                    \
    CALL3((RET, int), ring_test_handshake_waker, (PTR, struct ring *, r),                          \
          (VALUE, int, consumer_wakes), (VALUE, long, rounds))                                     \
    CALL4((RET, int), ring_test_doomed_peer, (STRING, const char *, name), (VALUE, int, role),     \
          (BYTES_IN, const int *, values, (size_t)count * sizeof(int)), (VALUE, int, count))       \
    CALL1((RET, int), ring_test_reap, (VALUE, int, pid))                                           \
    CALL1((RET, int), ring_test_hold_lock, (PTR, struct ring *, r))                                \
    CALL1((RET, int), ring_test_limit_file_size, (VALUE, long, bytes))

#if defined(BOUNDARY_CHECKER)
/* ======================= the checker's side ======================= */
#include "grader.h"

static struct ring_test_page *page;

struct ring_test_page *ring_test_page(void)
{
    if (page != NULL)
        return page;
    /* Made once per test process (a test child shares its parent's), mapped
     * here and in the student's process, then the descriptor is closed: the
     * two mappings keep the page. */
    int fd = memfd_create("ring-test-page", MFD_CLOEXEC);
    ck_assert_msg(fd != -1, "test setup: memfd_create: %s", strerror(errno));
    ck_assert_msg(ftruncate(fd, sizeof *page) == 0, "test setup: ftruncate: %s", strerror(errno));
    void *p = mmap(NULL, sizeof *page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    ck_assert_msg(p != MAP_FAILED, "test setup: mmap of the shared page: %s", strerror(errno));
    int rc = ring_test_map_page(fd);
    int err = errno;
    close(fd);
    ck_assert_msg(rc == 0, "test setup: the student's process could not map the shared page: %s",
                  strerror(err));
    page = p;
    return page;
}

/* The lab's ring_set_stop_flag(), for flags of the shared page only. */
void ring_set_stop_flag(struct ring *r, volatile sig_atomic_t *flag)
{
    int slot = -1;
    if (flag != NULL) {
        struct ring_test_page *p = ring_test_page();
        slot = (int)(flag - p->stop);
        ck_assert_msg(slot >= 0 && slot < RING_TEST_FLAGS,
                      "test setup: a stop flag must be one of ring_test_page()->stop");
    }
    ring_test_page(); /* mapped in the student's process too */
    int rc = ring_test_set_stop(r, slot);
    ck_assert_msg(rc == 0, "test setup: the student's process could not map the shared page: %s",
                  strerror(errno));
}

#elif defined(BOUNDARY_AGENT)
/* ======================= the student process's side ======================= */

/* This process's mapping of the checker's page (a forked copy inherits it).
 * Atomic: the call that maps it and the calls that use it may run in
 * different threads of this process. */
static struct ring_test_page *_Atomic agent_page;

int ring_test_map_page(int fd)
{
    void *p = mmap(NULL, sizeof(struct ring_test_page), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED)
        return -1;
    struct ring_test_page *old = atomic_exchange(&agent_page, p);
    if (old != NULL)
        munmap(old, sizeof *old);
    return 0;
}

int ring_test_set_stop(struct ring *r, int slot)
{
    if (slot < 0) {
        ring_set_stop_flag(r, NULL);
        return 0;
    }
    struct ring_test_page *p = atomic_load(&agent_page);
    if (p == NULL || slot >= RING_TEST_FLAGS) {
        errno = EINVAL;
        return -1;
    }
    ring_set_stop_flag(r, &p->stop[slot]);
    return 0;
}

long ring_test_send_batch(struct ring *r, const void *batch, size_t size)
{
    const unsigned char *at = batch, *end = at + size;
    long sent = 0;
    uint32_t len;
    while (end - at >= (ptrdiff_t)sizeof len) {
        memcpy(&len, at, sizeof len);
        at += sizeof len;
        if ((size_t)(end - at) < len) {
            errno = EINVAL; /* a batch the checker made wrong */
            return sent;
        }
        if (ring_send(r, at, len) == -1)
            return sent;
        at += len;
        sent++;
    }
    return sent;
}

int ring_test_recv_batch(struct ring *r, void *out, size_t cap, long max, size_t room,
                         struct ring_test_received *got)
{
    unsigned char *buf = out;
    *got = (struct ring_test_received){.rc = 1};
    while (got->count < max && cap - got->used >= sizeof(uint32_t)) {
        unsigned char *message = buf + got->used + sizeof(uint32_t);
        size_t left = cap - got->used - sizeof(uint32_t);
        size_t len = 0;
        errno = 0;
        int rc = ring_recv(r, message, left < room ? left : room, &len);
        if (rc != 1) {
            got->rc = rc;
            got->err = errno;
            break;
        }
        bool too_long = len > left || len > room;               /* a length that cannot be */
        uint32_t len32 = too_long ? UINT32_MAX : (uint32_t)len; /* the checker rejects it */
        memcpy(buf + got->used, &len32, sizeof len32);
        got->used += sizeof len32 + (too_long ? 0 : len);
        got->count++;
        if (too_long)
            break;
    }
    return 0;
}

long ring_test_try_steps(struct ring *r, struct ring_test_step *steps, size_t count,
                         const void *data, void *out, size_t size)
{
    const unsigned char *next_in = data;
    unsigned char *next_out = out;
    size_t in_left = size, out_left = size;
    for (size_t i = 0; i < count; i++) {
        struct ring_test_step *s = &steps[i];
        bool send = s->op == RING_TEST_SEND;
        if (s->len > (send ? in_left : out_left)) {
            s->rc = -1;
            s->err = EINVAL; /* steps the checker made wrong */
            return (long)i + 1;
        }
        errno = 0;
        if (send) {
            s->rc = ring_try_send(r, next_in, s->len);
            next_in += s->len;
            in_left -= s->len;
        } else {
            size_t len = 0;
            s->rc = ring_try_recv(r, next_out, s->len, &len);
            s->got = len;
            next_out += s->len;
            out_left -= s->len;
        }
        s->err = errno;
        if (s->rc != (send ? 0 : 1))
            return (long)i + 1;
    }
    return (long)count;
}

long ring_test_ping_pong(struct ring *out, struct ring *in, const uint64_t *values, uint64_t *back,
                         size_t count, struct ring_test_trips *how)
{
    *how = (struct ring_test_trips){0};
    for (size_t i = 0; i < count; i++) {
        /* One lost wake-up already fails the test: stop at once. */
        if (out->producer.lost_wakeups + in->consumer.lost_wakeups > 0)
            return (long)i;
        errno = 0;
        int rc = ring_send(out, &values[i], sizeof values[i]);
        if (rc == 0) {
            how->len = 0;
            rc = ring_recv(in, &back[i], sizeof back[i], &how->len);
            if (rc != 1 || how->len != sizeof back[i]) {
                *how = (struct ring_test_trips){RING_TEST_RECV, rc, errno, how->len};
                return (long)i;
            }
        } else {
            *how = (struct ring_test_trips){RING_TEST_SEND, rc, errno, 0};
            return (long)i;
        }
    }
    return (long)count;
}

long ring_test_echo(struct ring *in, struct ring *out, struct ring_test_trips *how)
{
    *how = (struct ring_test_trips){0};
    uint64_t value;
    size_t len;
    long echoed = 0;
    int rc;
    errno = 0;
    while ((rc = ring_recv(in, &value, sizeof value, &len)) == 1) {
        if (ring_send(out, &value, len) == -1) {
            *how = (struct ring_test_trips){RING_TEST_SEND, -1, errno, len};
            return echoed;
        }
        echoed++;
        errno = 0;
    }
    if (rc == -1) {
        *how = (struct ring_test_trips){RING_TEST_RECV, rc, errno, 0};
        return echoed;
    }
    if (ring_send_eof(out) == -1)
        *how = (struct ring_test_trips){RING_TEST_EOF, -1, errno, 0};
    return echoed;
}

/* Waits until *round says `want`, or the page says halt. Spins, since the two
 * sides must start within nanoseconds of each other, but gives the CPU away
 * now and then: on a busy machine the other side may need it. */
static int wait_round(struct ring_test_page *p, _Atomic long *round, long want)
{
    for (unsigned tries = 1; atomic_load_explicit(round, memory_order_acquire) != want; tries++) {
        if (atomic_load(&p->halt))
            return -1;
        if (tries % 1024 == 0)
            sched_yield();
    }
    return 0;
}

int ring_test_handshake_waker(struct ring *r, int consumer_wakes, long rounds)
{
    struct ring_test_page *p = atomic_load(&agent_page);
    if (p == NULL) {
        errno = EINVAL;
        return -1;
    }
    for (long round = 1; round <= rounds; round++) {
        if (wait_round(p, &p->go, round) == -1)
            return 0; /* the checker stopped */
        /* The lab's waker, at once. */
        char byte;
        size_t len;
        int rc = consumer_wakes ? ring_recv(r, &byte, 1, &len) : ring_send(r, "w", 1);
        /* Then the ring back to where the round started: empty (or full)
         * again. It moves the other index (tail, or head) than the one the
         * checker's sleeper watches, and neither its flag nor its word. */
        if (rc != -1 && consumer_wakes)
            rc = ring_try_send(r, "f", 1);
        else if (rc != -1)
            rc = ring_try_recv(r, &byte, 1, &len) == 1 ? 0 : -1;
        int err = errno;
        if (rc == -1)
            atomic_store(&p->halt, 1);
        atomic_store_explicit(&p->done, round, memory_order_release);
        if (rc == -1) {
            errno = err;
            return -1;
        }
    }
    return 0;
}

int ring_test_doomed_peer(const char *name, int role, const int *values, int count)
{
    int ready[2];
    if (pipe(ready) == -1)
        return -1;
    pid_t pid = fork();
    if (pid == -1) {
        close(ready[0]);
        close(ready[1]);
        return -1;
    }
    if (pid == 0) {
        close(ready[0]);
        struct ring r;
        int err = ring_attach(&r, name, (enum ring_role)role) == -1 ? errno : 0;
        if (write(ready[1], &err, sizeof err) != sizeof err || err != 0)
            _exit(RING_TEST_EOF);
        close(ready[1]);
        for (int i = 0; i < count; i++) {
            char buf[2048];
            size_t len;
            if (role == RING_PRODUCER && ring_send(&r, &values[i], sizeof values[i]) == -1)
                _exit(RING_TEST_SEND);
            if (role != RING_PRODUCER && ring_recv(&r, buf, sizeof buf, &len) != 1)
                _exit(RING_TEST_RECV);
        }
        struct timespec pause = {0, 300 * 1000 * 1000}; /* the peer then waits for us */
        while (nanosleep(&pause, &pause) == -1 && errno == EINTR)
            ;
        raise(SIGKILL); /* no ring_detach, no end of stream: a crash */
        _exit(RING_TEST_EOF);
    }
    close(ready[1]);
    int err = EIO; /* it died before it could say */
    ssize_t n;
    while ((n = read(ready[0], &err, sizeof err)) == -1 && errno == EINTR)
        ;
    close(ready[0]);
    if (n != sizeof err || err != 0) {
        waitpid(pid, NULL, 0); /* it failed: reaped, not left behind */
        errno = n == sizeof err ? err : EIO;
        return -1;
    }
    return pid;
}

int ring_test_reap(int pid)
{
    pid_t got;
    while ((got = waitpid(pid, NULL, 0)) == -1 && errno == EINTR)
        ;
    return (int)got;
}

int ring_test_hold_lock(struct ring *r)
{
    return pthread_mutex_lock(&r->shared->lock);
}

int ring_test_limit_file_size(long bytes)
{
    static struct rlimit before;
    static int limited;
    if (bytes < 0) {
        if (!limited)
            return 0;
        limited = 0;
        return setrlimit(RLIMIT_FSIZE, &before);
    }
    struct rlimit small;
    if (getrlimit(RLIMIT_FSIZE, &small) == -1)
        return -1;
    if (!limited)
        before = small;
    small.rlim_cur = (rlim_t)bytes;
    if (setrlimit(RLIMIT_FSIZE, &small) == -1)
        return -1;
    limited = 1;
    return 0;
}
#endif

#include "boundary_calls.h"
