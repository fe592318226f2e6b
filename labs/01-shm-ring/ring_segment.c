/*
 * ring_segment.c - lab 01, step 1: YOUR create, attach, detach and destroy.
 *
 * Every function below is a TODO(lab01). Until you fill it in, it sets
 * errno = ENOSYS and returns -1, and the grader reports "not implemented
 * yet". Read ring.h for each contract and README.md for the steps.
 * Grade yourself with:  make grade LAB=01
 *
 * Report each system call with trace_call() from common/trace.h, e.g.
 *
 *     int fd = shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600);
 *     trace_call("shm_open", fd, "\"%s\", O_CREAT|O_EXCL|O_RDWR, 0600", name);
 *
 * The tests read that trace to check your steps and their order.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ring.h"
#include "ring_internal.h"
#include "trace.h"

int ring_create(struct ring *r, const char *name, size_t capacity, enum ring_mode mode,
                enum ring_role role)
{
    /* TODO(lab01): make the segment.
     * - check the name ('/' then 1+ characters, no other '/'; EINVAL or
     *   ENAMETOOLONG), the capacity (a power of two in range) and the mode;
     * - shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600);
     * - ftruncate(fd, RING_HEADER_SIZE + capacity), mmap(MAP_SHARED), close(fd);
     *   if any step fails: close, shm_unlink(name), return -1 (keep errno);
     * - fill in version, mode, capacity, segment_size (the rest is already 0);
     *   RING_LOCK: lock_init(); take the role (store getpid() in the slot);
     * - fill in *r (shared, data, map_size, capacity, mask, mode, role, name,
     *   spin_ns = RING_SPIN_NS);
     * - store RING_MAGIC last, with memory_order_release. */
    (void)r;
    (void)name;
    (void)capacity;
    (void)mode;
    (void)role;
    errno = ENOSYS;
    return -1;
}

int ring_attach(struct ring *r, const char *name, enum ring_role role)
{
    /* TODO(lab01): map an existing ring, trusting nothing.
     * - check the name; shm_open(name, O_RDWR, 0);
     * - fstat() for the size BEFORE mapping: 0 is EAGAIN, less than a
     *   header is EBADMSG (touching pages past the end raises SIGBUS);
     * - mmap the whole object, close(fd);
     * - check magic (0: EAGAIN; wrong: EPROTO), version (EPROTONOSUPPORT),
     *   capacity, mode and size (EBADMSG); munmap on every failure;
     * - claim the role's pid slot with atomic_compare_exchange_strong from
     *   RING_PID_NONE to getpid() (EBUSY if taken); fill in *r. */
    (void)r;
    (void)name;
    (void)role;
    errno = ENOSYS;
    return -1;
}

int ring_detach(struct ring *r)
{
    /* TODO(lab01): store RING_PID_LEFT in our role's slot(s), wake a
     * sleeping peer (lock_wake_all or lockfree_wake_all) so it notices,
     * then munmap. */
    (void)r;
    errno = ENOSYS;
    return -1;
}

int ring_destroy(struct ring *r)
{
    /* TODO(lab01): ring_detach(), then shm_unlink(r->name) (copy the name
     * first); try both, report the first failure. */
    (void)r;
    errno = ENOSYS;
    return -1;
}
