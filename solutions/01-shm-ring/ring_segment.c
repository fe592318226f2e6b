/*
 * ring_segment.c - lab 01, step 1: create, attach, detach and destroy the
 * shared-memory segment (see ring.h for the contract).
 *
 * The object lives in /dev/shm under its name until someone shm_unlink()s
 * it, even after every process that used it has exited. So the creator
 * removes it on every path, error paths included, and an attacher trusts
 * nothing it maps until the header has been checked.
 */
#define _DEFAULT_SOURCE /* MAP_POPULATE is a Linux extension of mmap() */
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

_Static_assert(sizeof(struct ring_shared) <= RING_HEADER_SIZE, "the header must fit its page");
/* An atomic that needs a lock would use a lock private to each process:
 * across processes it would protect nothing. */
_Static_assert(ATOMIC_INT_LOCK_FREE == 2 && ATOMIC_LLONG_LOCK_FREE == 2,
               "the ring needs lock-free 32- and 64-bit atomics");

/* shm_open names: "/" and then at least one character, none of them "/". */
static int check_name(const char *name)
{
    if (name == NULL || name[0] != '/' || name[1] == '\0' || strchr(name + 1, '/') != NULL) {
        errno = EINVAL;
        return -1;
    }
    if (strlen(name) > RING_NAME_MAX) {
        errno = ENAMETOOLONG;
        return -1;
    }
    return 0;
}

static bool capacity_is_valid(uint64_t capacity)
{
    bool power_of_two = capacity != 0 && (capacity & (capacity - 1)) == 0;
    return power_of_two && capacity >= RING_MIN_CAPACITY && capacity <= RING_MAX_CAPACITY;
}

static bool mode_is_valid(uint32_t mode)
{
    return mode == RING_LOCK || mode == RING_LOCKFREE;
}

static bool role_is_valid(int role)
{
    return role >= RING_NO_ROLE && role <= RING_BOTH;
}

/* Closes fd and traces it; keeps errno from an earlier failure. */
static void close_traced(int fd)
{
    int saved = errno;
    int rc = close(fd);
    trace_call("close", rc, "fd=%d", fd);
    errno = saved;
}

/*
 * MAP_POPULATE faults every page in now. Otherwise the first trip around
 * the ring pays one page fault per 4 KiB in each process, and a short
 * benchmark run would measure the faults rather than the ring.
 */
static void *map_traced(int fd, size_t size)
{
    void *base = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, 0);
    char where[48];
    snprintf(where, sizeof where, "mapped at %p", base);
    trace_call_note("mmap", base == MAP_FAILED ? -1 : 0, base == MAP_FAILED ? NULL : where,
                    "fd=%d, %zu bytes, PROT_READ|PROT_WRITE, MAP_SHARED|MAP_POPULATE", fd, size);
    return base;
}

static int unmap_traced(void *base, size_t size)
{
    int saved = errno;
    int rc = munmap(base, size);
    trace_call("munmap", rc, "%zu bytes at %p", size, base);
    if (rc == 0)
        errno = saved;
    return rc;
}

static int unlink_traced(const char *name)
{
    int rc = shm_unlink(name);
    return (int)trace_call("shm_unlink", rc, "\"%s\"", name);
}

/* Fills the process-local handle for a mapped, checked segment. */
static void fill_handle(struct ring *r, void *base, size_t size, const char *name,
                        enum ring_role role)
{
    struct ring_shared *s = base;
    memset(r, 0, sizeof *r);
    r->shared = s;
    r->data = (unsigned char *)base + RING_HEADER_SIZE;
    r->map_size = size;
    r->capacity = s->capacity;
    r->mask = s->capacity - 1;
    r->mode = (enum ring_mode)s->mode;
    r->role = role;
    snprintf(r->name, sizeof r->name, "%s", name);
    r->spin_ns = RING_SPIN_NS;
    r->producer.index = atomic_load(&s->head);
    r->producer.peer_cached = atomic_load(&s->tail);
    r->consumer.index = atomic_load(&s->tail);
    r->consumer.peer_cached = atomic_load(&s->head);
}

/* Claims one pid slot, which must still be free: one process per side. */
static int claim_slot(_Atomic int32_t *slot, int32_t pid)
{
    int32_t expected = RING_PID_NONE;
    if (atomic_compare_exchange_strong(slot, &expected, pid))
        return 0;
    errno = EBUSY;
    return -1;
}

static int take_role(struct ring_shared *s, enum ring_role role)
{
    int32_t pid = (int32_t)getpid();
    if ((role & RING_PRODUCER) && claim_slot(&s->producer_pid, pid) == -1)
        return -1;
    if ((role & RING_CONSUMER) && claim_slot(&s->consumer_pid, pid) == -1) {
        if (role & RING_PRODUCER)
            atomic_store(&s->producer_pid, RING_PID_NONE); /* give back what we took */
        return -1;
    }
    return 0;
}

int ring_create(struct ring *r, const char *name, size_t capacity, enum ring_mode mode,
                enum ring_role role)
{
    if (check_name(name) == -1)
        return -1;
    if (!capacity_is_valid(capacity) || !mode_is_valid(mode) || !role_is_valid(role)) {
        errno = EINVAL;
        return -1;
    }
    size_t size = RING_HEADER_SIZE + capacity;

    /* O_EXCL: never take over an object someone else made under this name. */
    int fd = shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600);
    trace_call("shm_open", fd, "\"%s\", O_CREAT|O_EXCL|O_RDWR, 0600", name);
    if (fd == -1)
        return -1;

    /* From here on the object exists: every failure must remove it. */
    void *base = MAP_FAILED;
    int rc = ftruncate(fd, (off_t)size); /* a new object has size 0 */
    trace_call("ftruncate", rc, "fd=%d, %zu bytes", fd, size);
    if (rc == 0)
        base = map_traced(fd, size);
    close_traced(fd); /* the mapping keeps the object; the descriptor is not needed */
    if (base == MAP_FAILED) {
        int saved = errno;
        unlink_traced(name);
        errno = saved;
        return -1;
    }

    /* ftruncate() filled the object with zeros: indices, pids, eof and the
     * Part B words already hold their starting values. */
    struct ring_shared *s = base;
    s->version = RING_VERSION;
    s->mode = mode;
    s->capacity = capacity;
    s->segment_size = size;
    if (mode == RING_LOCK && lock_init(s) == -1) {
        int saved = errno;
        unmap_traced(base, size);
        unlink_traced(name);
        errno = saved;
        return -1;
    }
    take_role(s, role); /* cannot fail: every slot is still free */
    fill_handle(r, base, size, name, role);

    /* The magic goes last, with release: whoever reads it (acquire) also
     * sees every field written above. Until then the ring reads "not ready". */
    atomic_store_explicit(&s->magic, RING_MAGIC, memory_order_release);
    return 0;
}

/* Checks a mapped header against the object's real size; 0 or -1 with errno. */
static int check_header(const struct ring_shared *s, size_t object_size)
{
    uint64_t magic = atomic_load_explicit(&s->magic, memory_order_acquire);
    if (magic == 0) {
        trace_note("attach: the creator has not finished this ring yet");
        errno = EAGAIN;
        return -1;
    }
    if (magic != RING_MAGIC) {
        trace_note("attach: magic is %#llx, not %#llx: not a ring", (unsigned long long)magic,
                   (unsigned long long)RING_MAGIC);
        errno = EPROTO;
        return -1;
    }
    if (s->version != RING_VERSION) {
        trace_note("attach: ring version %u, this program speaks %u", s->version, RING_VERSION);
        errno = EPROTONOSUPPORT;
        return -1;
    }
    if (!capacity_is_valid(s->capacity) || !mode_is_valid(s->mode) ||
        s->segment_size != RING_HEADER_SIZE + s->capacity || s->segment_size != object_size) {
        trace_note("attach: the header says %llu bytes, the object has %zu: truncated or damaged",
                   (unsigned long long)s->segment_size, object_size);
        errno = EBADMSG;
        return -1;
    }
    return 0;
}

int ring_attach(struct ring *r, const char *name, enum ring_role role)
{
    if (check_name(name) == -1)
        return -1;
    if (!role_is_valid(role)) {
        errno = EINVAL;
        return -1;
    }
    int fd = shm_open(name, O_RDWR, 0);
    trace_call("shm_open", fd, "\"%s\", O_RDWR", name);
    if (fd == -1)
        return -1;

    /* Touching a mapped page beyond the object's end raises SIGBUS, so the
     * size is checked before anything is read. */
    struct stat st;
    int rc = fstat(fd, &st);
    trace_call("fstat", rc, "fd=%d -> %lld bytes", fd, rc == 0 ? (long long)st.st_size : -1LL);
    if (rc == -1) {
        close_traced(fd);
        return -1;
    }
    size_t size = (size_t)st.st_size;
    if (size == 0 || size < RING_HEADER_SIZE || size > RING_HEADER_SIZE + RING_MAX_CAPACITY) {
        close_traced(fd);
        errno = size == 0 ? EAGAIN : EBADMSG; /* 0: created, not yet sized */
        return -1;
    }
    void *base = map_traced(fd, size);
    close_traced(fd);
    if (base == MAP_FAILED)
        return -1;
    if (check_header(base, size) == -1 || take_role(base, role) == -1) {
        unmap_traced(base, size);
        return -1;
    }
    fill_handle(r, base, size, name, role);
    return 0;
}

int ring_detach(struct ring *r)
{
    if (r->shared == NULL) {
        errno = EINVAL;
        return -1;
    }
    struct ring_shared *s = r->shared;
    if (r->role & RING_PRODUCER)
        atomic_store(&s->producer_pid, RING_PID_LEFT);
    if (r->role & RING_CONSUMER)
        atomic_store(&s->consumer_pid, RING_PID_LEFT);
    /* Best effort: a peer that misses this wake-up still sees the slot
     * within RING_LIVENESS_MS. */
    if (r->role != RING_NO_ROLE) {
        int saved = errno;
        if (r->mode == RING_LOCK)
            lock_wake_all(r);
        else
            lockfree_wake_all(r);
        errno = saved;
    }
    int rc = unmap_traced(s, r->map_size);
    r->shared = NULL;
    r->data = NULL;
    return rc;
}

int ring_destroy(struct ring *r)
{
    char name[sizeof r->name];
    snprintf(name, sizeof name, "%s", r->name);
    int detached = ring_detach(r);
    int detach_errno = errno;
    int unlinked = unlink_traced(name);
    if (detached == -1) {
        errno = detach_errno;
        return -1;
    }
    return unlinked;
}
