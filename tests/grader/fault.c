/*
 * fault.c - the --wrap side of fault injection (see fault.h).
 *
 * With -Wl,--wrap=write the linker sends every undefined reference to
 * `write` to `__wrap_write`, and `__real_write` to the real one. This file
 * is linked only into test binaries.
 *
 * _FORTIFY_SOURCE (on by default in Ubuntu's gcc with -O2) turns read(),
 * pread(), recv() and recvfrom() into a buffer that the compiler can size
 * into __read_chk() and friends, which call the system directly: they are
 * wrapped here too, so fortified code meets the same faults. (Writes have no
 * checked form: the kernel only reads the caller's buffer.)
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

#include "fault.h"

ssize_t __real_read(int fd, void *buf, size_t count);
ssize_t __real_write(int fd, const void *buf, size_t count);
ssize_t __real_readv(int fd, const struct iovec *iov, int iovcnt);
ssize_t __real_writev(int fd, const struct iovec *iov, int iovcnt);
ssize_t __real_pread(int fd, void *buf, size_t count, off_t offset);
ssize_t __real_pwrite(int fd, const void *buf, size_t count, off_t offset);
ssize_t __real_send(int fd, const void *buf, size_t len, int flags);
ssize_t __real_recv(int fd, void *buf, size_t len, int flags);
ssize_t __real_sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *to,
                      socklen_t tolen);
ssize_t __real_recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *from,
                        socklen_t *fromlen);
ssize_t __real_sendmsg(int fd, const struct msghdr *msg, int flags);
ssize_t __real_recvmsg(int fd, struct msghdr *msg, int flags);

/* glibc's checked forms (_FORTIFY_SOURCE): buflen is the size of the
 * caller's buffer, which they check before reading. */
ssize_t __real___read_chk(int fd, void *buf, size_t count, size_t buflen);
ssize_t __real___pread_chk(int fd, void *buf, size_t count, off_t offset, size_t buflen);
ssize_t __real___recv_chk(int fd, void *buf, size_t len, size_t buflen, int flags);
ssize_t __real___recvfrom_chk(int fd, void *buf, size_t len, size_t buflen, int flags,
                              struct sockaddr *from, socklen_t *fromlen);
/* Each __wrap_NAME() below has NAME's signature; the linker sends the test
 * binaries' calls of NAME to it (FAULT_WRAP in the Makefile). */

/* The functions of each direction, in the order fault_describe() names them. */
enum fault_fn { FN_RW, FN_VEC, FN_POS, FN_SOCK, FN_SOCKADDR, FN_MSG, FN_COUNT };
static const char *const fn_names[FAULT_OP_COUNT][FN_COUNT] = {
    [FAULT_IN] = {"read", "readv", "pread", "recv", "recvfrom", "recvmsg"},
    [FAULT_OUT] = {"write", "writev", "pwrite", "send", "sendto", "sendmsg"},
};

/* Plans are set while the test is single-threaded; the counters are atomic
 * because the code under test may move data from several threads. */
struct fault_state {
    bool armed;
    struct fault_plan plan;
    atomic_ulong calls; /* calls that matched the plan */
    atomic_ulong injected;
    atomic_ulong per_fn[FN_COUNT]; /* every call, any descriptor */
};

static struct fault_state states[FAULT_OP_COUNT];

static void clear_counters(struct fault_state *s)
{
    atomic_store(&s->calls, 0);
    atomic_store(&s->injected, 0);
    for (int f = 0; f < FN_COUNT; f++)
        atomic_store(&s->per_fn[f], 0);
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
    unsigned long total = 0;
    for (int f = 0; f < FN_COUNT; f++)
        total += atomic_load(&states[op].per_fn[f]);
    return total;
}

unsigned long fault_injected(enum fault_op op)
{
    return atomic_load(&states[op].injected);
}

const char *fault_describe(enum fault_op op)
{
    static char text[FAULT_OP_COUNT][256];
    char *out = text[op];
    size_t used = 0;
    out[0] = '\0';
    for (int f = 0; f < FN_COUNT; f++) {
        int n = snprintf(out + used, sizeof text[op] - used, "%s%s x%lu", f ? ", " : "",
                         fn_names[op][f], atomic_load(&states[op].per_fn[f]));
        if (n > 0 && (size_t)n < sizeof text[op] - used)
            used += (size_t)n;
    }
    snprintf(out + used, sizeof text[op] - used, "; %lu faults injected", fault_injected(op));
    return out;
}

/*
 * Decides what to do with one call: returns false to fail it (errno set),
 * or true with *count possibly lowered to make it short.
 */
static bool apply_plan(enum fault_op op, enum fault_fn fn, int fd, size_t *count)
{
    struct fault_state *s = &states[op];
    /* The kit's own descriptors (the boundary's sockets, from 940 up) carry
     * the calls themselves: never faulted, never counted. */
    if (fd >= FAULT_KIT_FD_FLOOR)
        return true;
    atomic_fetch_add(&s->per_fn[fn], 1);
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

/* ---- one buffer ---- */

ssize_t __wrap_read(int fd, void *buf, size_t count)
{
    if (!apply_plan(FAULT_IN, FN_RW, fd, &count))
        return -1;
    return __real_read(fd, buf, count);
}

ssize_t __wrap_write(int fd, const void *buf, size_t count)
{
    if (!apply_plan(FAULT_OUT, FN_RW, fd, &count))
        return -1;
    return __real_write(fd, buf, count);
}

ssize_t __wrap_pread(int fd, void *buf, size_t count, off_t offset)
{
    if (!apply_plan(FAULT_IN, FN_POS, fd, &count))
        return -1;
    return __real_pread(fd, buf, count, offset);
}

ssize_t __wrap_pwrite(int fd, const void *buf, size_t count, off_t offset)
{
    if (!apply_plan(FAULT_OUT, FN_POS, fd, &count))
        return -1;
    return __real_pwrite(fd, buf, count, offset);
}

ssize_t __wrap_send(int fd, const void *buf, size_t len, int flags)
{
    if (!apply_plan(FAULT_OUT, FN_SOCK, fd, &len))
        return -1;
    return __real_send(fd, buf, len, flags);
}

ssize_t __wrap_recv(int fd, void *buf, size_t len, int flags)
{
    if (!apply_plan(FAULT_IN, FN_SOCK, fd, &len))
        return -1;
    return __real_recv(fd, buf, len, flags);
}

ssize_t __wrap_sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *to,
                      socklen_t tolen)
{
    if (!apply_plan(FAULT_OUT, FN_SOCKADDR, fd, &len))
        return -1;
    return __real_sendto(fd, buf, len, flags, to, tolen);
}

ssize_t __wrap_recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *from,
                        socklen_t *fromlen)
{
    if (!apply_plan(FAULT_IN, FN_SOCKADDR, fd, &len))
        return -1;
    return __real_recvfrom(fd, buf, len, flags, from, fromlen);
}

/* ---- the checked forms of _FORTIFY_SOURCE: the same functions, counted
 * as such; a shorter count never breaks the buffer check ---- */

ssize_t __wrap___read_chk(int fd, void *buf, size_t count, size_t buflen)
{
    if (!apply_plan(FAULT_IN, FN_RW, fd, &count))
        return -1;
    return __real___read_chk(fd, buf, count, buflen);
}

ssize_t __wrap___pread_chk(int fd, void *buf, size_t count, off_t offset, size_t buflen)
{
    if (!apply_plan(FAULT_IN, FN_POS, fd, &count))
        return -1;
    return __real___pread_chk(fd, buf, count, offset, buflen);
}

ssize_t __wrap___recv_chk(int fd, void *buf, size_t len, size_t buflen, int flags)
{
    if (!apply_plan(FAULT_IN, FN_SOCK, fd, &len))
        return -1;
    return __real___recv_chk(fd, buf, len, buflen, flags);
}

ssize_t __wrap___recvfrom_chk(int fd, void *buf, size_t len, size_t buflen, int flags,
                              struct sockaddr *from, socklen_t *fromlen)
{
    if (!apply_plan(FAULT_IN, FN_SOCKADDR, fd, &len))
        return -1;
    return __real___recvfrom_chk(fd, buf, len, buflen, flags, from, fromlen);
}

/* ---- scatter/gather: the cut applies to the total of the iovec ---- */

#define FAULT_MAX_IOV 64

static size_t iov_total(const struct iovec *iov, int iovcnt)
{
    size_t total = 0;
    for (int i = 0; i < iovcnt; i++)
        total += iov[i].iov_len;
    return total;
}

/*
 * Copies iov into cut[] holding at most max bytes in all; returns the
 * number of entries used. The caller's iovec is never changed.
 */
static int iov_cut(const struct iovec *iov, int iovcnt, size_t max, struct iovec *cut)
{
    int n = 0;
    for (int i = 0; i < iovcnt && n < FAULT_MAX_IOV && max > 0; i++) {
        cut[n] = iov[i];
        if (cut[n].iov_len > max)
            cut[n].iov_len = max;
        max -= cut[n].iov_len;
        n++;
    }
    return n;
}

ssize_t __wrap_readv(int fd, const struct iovec *iov, int iovcnt)
{
    size_t total = iov_total(iov, iovcnt), allowed = total;
    if (!apply_plan(FAULT_IN, FN_VEC, fd, &allowed))
        return -1;
    if (allowed == total)
        return __real_readv(fd, iov, iovcnt);
    struct iovec cut[FAULT_MAX_IOV];
    return __real_readv(fd, cut, iov_cut(iov, iovcnt, allowed, cut));
}

ssize_t __wrap_writev(int fd, const struct iovec *iov, int iovcnt)
{
    size_t total = iov_total(iov, iovcnt), allowed = total;
    if (!apply_plan(FAULT_OUT, FN_VEC, fd, &allowed))
        return -1;
    if (allowed == total)
        return __real_writev(fd, iov, iovcnt);
    struct iovec cut[FAULT_MAX_IOV];
    return __real_writev(fd, cut, iov_cut(iov, iovcnt, allowed, cut));
}

ssize_t __wrap_sendmsg(int fd, const struct msghdr *msg, int flags)
{
    size_t total = iov_total(msg->msg_iov, (int)msg->msg_iovlen), allowed = total;
    if (!apply_plan(FAULT_OUT, FN_MSG, fd, &allowed))
        return -1;
    if (allowed == total)
        return __real_sendmsg(fd, msg, flags);
    struct iovec cut[FAULT_MAX_IOV];
    struct msghdr shorter = *msg;
    shorter.msg_iov = cut;
    shorter.msg_iovlen = (size_t)iov_cut(msg->msg_iov, (int)msg->msg_iovlen, allowed, cut);
    return __real_sendmsg(fd, &shorter, flags);
}

ssize_t __wrap_recvmsg(int fd, struct msghdr *msg, int flags)
{
    size_t total = iov_total(msg->msg_iov, (int)msg->msg_iovlen), allowed = total;
    if (!apply_plan(FAULT_IN, FN_MSG, fd, &allowed))
        return -1;
    if (allowed == total)
        return __real_recvmsg(fd, msg, flags);
    struct iovec cut[FAULT_MAX_IOV];
    struct iovec *theirs = msg->msg_iov;
    size_t their_len = msg->msg_iovlen;
    msg->msg_iov = cut;
    msg->msg_iovlen = (size_t)iov_cut(theirs, (int)their_len, allowed, cut);
    ssize_t n = __real_recvmsg(fd, msg, flags);
    int saved = errno;
    msg->msg_iov = theirs; /* the caller sees its own iovec again */
    msg->msg_iovlen = their_len;
    errno = saved;
    return n;
}
