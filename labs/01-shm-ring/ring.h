/*
 * ring.h - lab 01: a shared-memory ring buffer between two processes.
 *
 * Shared memory is the fastest way for two processes to talk: once both have
 * mapped the same pages, a message moves with one memcpy() into the ring and
 * one out of it, with no system call and no copy through the kernel. The
 * price is that the kernel no longer coordinates anything: the two processes
 * bring their own synchronization. This lab builds a single-producer,
 * single-consumer (SPSC) ring of variable-length messages, two ways:
 *
 *   1. Create and attach (ring_segment.c): shm_open, ftruncate, mmap, and an
 *      attach that checks what it mapped before trusting it.
 *   2. Messages (ring_message.c): each is a length prefix plus its bytes, laid
 *      into the ring modulo its capacity, so they wrap around the end.
 *   3. Part A, lock-based (ring_lock.c): a robust, process-shared mutex and
 *      two condition variables.
 *   4. Part B, lock-free (ring_lockfree.c): C11 atomics with acquire/release
 *      ordering; a side that must wait spins briefly, then sleeps on a futex
 *      until its peer wakes it.
 *   5. End of stream and peer death (ring_peer.c): a waiting side checks,
 *      every RING_LIVENESS_MS, that its peer still lives, so a dead peer gives
 *      an error and never a hang.
 *
 * The segment, one shared-memory object of RING_HEADER_SIZE + capacity bytes:
 *
 *     offset 0      struct ring_shared (below)  magic, version, capacity, who
 *                                                is attached, the Part A lock,
 *                                                and the indices, each on its
 *                                                own cache line
 *     4096          data[capacity]               the records, wrapping around
 *
 * A record is an 8-byte length followed by the message, padded so the next
 * record starts on an 8-byte boundary (RING_RECORD_SIZE). head counts the
 * bytes ever written and tail the bytes ever read; both only grow, so
 * head - tail is the number of bytes in use and (index % capacity) is where
 * a byte lives.
 *
 * Conventions (as in every lab): functions return -1 and set errno on
 * failure; they never exit and never print. The caller owns each struct ring.
 * Every system call is reported with trace_call() (common/trace.h), under the
 * names the tests look for: "shm_open", "ftruncate", "mmap", "close", "munmap",
 * "shm_unlink"; in Part A a real sleep is "pthread_cond_timedwait" and waking a
 * sleeping peer is "pthread_cond_signal"; in Part B they are "futex_wait" and
 * "futex_wake". A wait or wake is traced only when a side really sleeps, never
 * once per message. The liveness probes of ring_peer.c (kill(pid, 0) and the
 * read of /proc/PID/stat) are not traced: they are not steps of the ring.
 *
 * Memory order: any correct C11 is accepted, seq_cst fences included
 * (atomic_thread_fence between the handshake's store and its load is as good
 * as seq_cst on both). ThreadSanitizer, which grades the threaded tests
 * again, does not model fences (gcc warns, -Wtsan; the build goes on), so
 * publish the data itself with release stores and acquire loads of head and
 * tail, never with relaxed operations ordered only by fences: TSan would see
 * a race that is not there.
 *
 * This header is the same, byte for byte, in labs/ and solutions/.
 */
#ifndef IPC_KIT_RING_H
#define IPC_KIT_RING_H

#include <pthread.h>
#include <signal.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

/* "IPCKRING" in memory on a little-endian machine: a foreign object has no such start. */
#define RING_MAGIC   UINT64_C(0x474e49524b435049)
#define RING_VERSION 1

#define RING_CACHE_LINE   64
#define RING_HEADER_SIZE  4096 /* the data area starts on its own page */
#define RING_MIN_CAPACITY 64
#define RING_MAX_CAPACITY (1UL << 30)
#define RING_NAME_MAX     255 /* bytes of a name, its leading '/' included */

/* Every record starts with its length in 8 bytes and is padded to 8 bytes. */
#define RING_LENGTH_SIZE      8
#define RING_RECORD_SIZE(len) ((uint64_t)RING_LENGTH_SIZE + (((uint64_t)(len) + 7) & ~(uint64_t)7))

/* A waiting side checks its peer this often, so a dead peer is noticed
 * within about this long. */
#define RING_LIVENESS_MS 100

/* Part B spins this long before it sleeps (about the cost of one sleep and
 * wake-up across cores; see README.md). */
#define RING_SPIN_NS 20000

enum ring_mode { RING_LOCK = 1, RING_LOCKFREE = 2 };

/*
 * The sides a process plays. RING_BOTH is one process that sends and
 * receives itself (tests, or two threads sharing one handle); RING_NO_ROLE
 * is a process that only creates and removes the ring for others.
 */
enum ring_role { RING_NO_ROLE = 0, RING_PRODUCER = 1, RING_CONSUMER = 2, RING_BOTH = 3 };

/* The peer-slot values besides a pid. */
enum { RING_PID_NONE = 0, RING_PID_LEFT = -1 };

/*
 * The header at the start of the segment, shared by both processes. Its
 * layout is part of the contract: the tests look at it.
 */
struct ring_shared {
    /* Written once by the creator before magic, then only read. */
    _Atomic uint64_t magic; /* RING_MAGIC, stored last: a half-made ring reads 0 */
    uint32_t version;       /* RING_VERSION */
    uint32_t mode;          /* enum ring_mode */
    uint64_t capacity;      /* bytes of data, a power of two */
    uint64_t segment_size;  /* RING_HEADER_SIZE + capacity: the object's size */

    /* Who is attached: RING_PID_NONE, a pid, or RING_PID_LEFT once it detached. */
    _Atomic int32_t producer_pid;
    _Atomic int32_t consumer_pid;
    _Atomic uint32_t eof; /* 1 once the producer has marked the end of the stream */

    /* Part A: one lock guards head and tail; a side sleeps on a condition. */
    pthread_mutex_t lock;     /* PTHREAD_PROCESS_SHARED, PTHREAD_MUTEX_ROBUST */
    pthread_cond_t not_empty; /* the consumer sleeps here */
    pthread_cond_t not_full;  /* the producer sleeps here */

    /* Both parts: 1 while that side sleeps (or is about to), so the other
     * side wakes it only then. Written only when a side goes to sleep or
     * wakes the other, never once per message. */
    alignas(RING_CACHE_LINE) _Atomic uint32_t producer_sleeping;
    _Atomic uint32_t consumer_sleeping;
    /* Part B: futex words: the peer adds 1, then wakes. */
    _Atomic uint32_t producer_wakeup;
    _Atomic uint32_t consumer_wakeup;

    /* Each index alone on its cache line: only its owner writes it. */
    alignas(RING_CACHE_LINE) _Atomic uint64_t head; /* bytes ever written (producer) */
    alignas(RING_CACHE_LINE) _Atomic uint64_t tail; /* bytes ever read (consumer) */
};

/* One side's private state: only the thread playing that side touches it. */
struct ring_side {
    uint64_t index;       /* our own index (head or tail), as we last stored it */
    uint64_t peer_cached; /* the peer's index as last loaded (Part B) */
    unsigned long sleeps; /* times this side really slept */
    unsigned long wakes;  /* times this side woke its sleeping peer */
    /* Lost wake-ups: sleeps that ended because RING_LIVENESS_MS ran out
     * although what this side waited for (a message, room, the end of the
     * stream) had already happened: the peer had published without waking
     * it. A correct handshake never lets that happen, so the tests expect
     * 0 after a busy ping-pong. */
    unsigned long lost_wakeups;
};

/* A process's handle on a ring; fill it with ring_create() or ring_attach(). */
struct ring {
    struct ring_shared *shared; /* the mapping */
    unsigned char *data;        /* shared + RING_HEADER_SIZE */
    size_t map_size;
    uint64_t capacity;
    uint64_t mask; /* capacity - 1 */
    enum ring_mode mode;
    enum ring_role role;
    char name[RING_NAME_MAX + 1];
    struct ring_side producer, consumer;
    uint64_t spin_ns;            /* Part B spin before sleeping; RING_SPIN_NS */
    volatile sig_atomic_t *stop; /* see ring_set_stop_flag(); NULL: none */
};

/* ---- 1. create and attach ------------------------------------------------ */

/*
 * Creates the shared-memory object `name` (shm_open with O_CREAT|O_EXCL|O_RDWR,
 * mode 0600), sizes it (ftruncate) to RING_HEADER_SIZE + capacity, maps it
 * (mmap MAP_SHARED), fills in the header, and takes `role`. The descriptor is
 * closed once mapped: the mapping keeps the object alive.
 *
 * name: '/' followed by 1 to RING_NAME_MAX - 1 characters, none of them '/'.
 * capacity: a power of two from RING_MIN_CAPACITY to RING_MAX_CAPACITY.
 * Returns 0, or -1 with errno: EINVAL (bad name, capacity or mode),
 * ENAMETOOLONG, EEXIST (the name is taken; it is left alone), or the errno of
 * the failed call. On failure nothing is left behind: no mapping, no
 * descriptor, and no object of this name made by this call.
 */
int ring_create(struct ring *r, const char *name, size_t capacity, enum ring_mode mode,
                enum ring_role role);

/*
 * Maps the existing ring `name` and takes `role` in it. Checks what it mapped
 * before trusting it, and fails (mapping nothing) with errno:
 *   ENOENT        no object of that name
 *   EAGAIN        the object exists but its creator has not finished it
 *                 (size 0 or magic 0); try again shortly
 *   EBADMSG       truncated: smaller than a header, or its size disagrees
 *                 with the header, or the header's capacity or mode is invalid
 *   EPROTO        not a ring at all: a foreign or garbage object (bad magic)
 *   EPROTONOSUPPORT  a ring of another RING_VERSION
 *   EBUSY         the role is taken: one producer and one consumer per ring
 *   EINVAL, ENAMETOOLONG  a bad name or role
 * "Disagrees" includes a header whose capacity is not the object's size less
 * RING_HEADER_SIZE, even when its segment_size matches the object.
 * An object that fails several checks gets the errno of the first, in this
 * order: its size (0: EAGAIN; smaller than a header or larger than any ring:
 * EBADMSG), then magic (0: EAGAIN; another value: EPROTO), then version
 * (EPROTONOSUPPORT), then capacity, mode and sizes (EBADMSG), then the role
 * (EBUSY). So a short garbage object is EBADMSG, a full-size one EPROTO.
 * RING_NO_ROLE takes no slot (it never fails with EBUSY): a process that only
 * looks, or removes the ring, attaches with it.
 */
int ring_attach(struct ring *r, const char *name, enum ring_role role);

/*
 * Leaves the ring: marks this process's role as left (a waiting peer then
 * stops waiting: a producer gets EPIPE, a consumer its remaining messages and
 * then ECONNRESET unless end of stream was marked) and unmaps it. The object
 * itself stays until ring_destroy(). Returns 0, or -1 with errno set: EINVAL,
 * doing nothing, on a handle that is not attached (never attached, or
 * detached already: a second ring_detach() is an error, not a crash).
 */
int ring_detach(struct ring *r);

/*
 * ring_detach(), then removes the name (shm_unlink). Normally the creator
 * calls it; a consumer whose creator died may too. Processes still attached
 * keep their mapping until they detach. Returns 0, or -1 with errno set
 * (both steps are tried).
 */
int ring_destroy(struct ring *r);

/* ---- 2. messages ------------------------------------------------------- */

/* The largest message this ring can hold: capacity - RING_LENGTH_SIZE. */
size_t ring_max_message(const struct ring *r);

/*
 * Sends one message of len bytes (0 is allowed), copying it straight into the
 * ring. Waits while the ring has no room. Returns 0, or -1 with errno:
 *   EMSGSIZE  len > ring_max_message(r)
 *   EPIPE     the consumer is gone (detached or died), or end of stream was
 *             already marked
 *   EINTR     the stop flag was set while waiting
 *   EBADF     this handle is not the producer
 */
int ring_send(struct ring *r, const void *data, size_t len);

/* Like ring_send(), but fails with EAGAIN instead of waiting for room. Only
 * a wait checks the peer: a full ring gives EAGAIN even when the consumer
 * has left (ring_send() then says EPIPE). */
int ring_try_send(struct ring *r, const void *data, size_t len);

/*
 * Receives the next message into buf (cap bytes), copying it straight out of
 * the ring, and stores its length in *len. Waits while the ring is empty.
 *
 * Returns 1 when a message arrived (*len may be 0: zero-length messages
 * exist), 0 at end of stream (every message has been received and the
 * producer marked the end), or -1 with errno:
 *   EMSGSIZE    the next message is longer than cap; *len says how long, and
 *               the message stays in the ring for a larger buffer
 *   ECONNRESET  the producer is gone without marking end of stream
 *   EINTR       the stop flag was set while waiting
 *   EBADMSG     the ring holds a record that cannot be (memory corrupted)
 *   EBADF       this handle is not the consumer
 */
int ring_recv(struct ring *r, void *buf, size_t cap, size_t *len);

/*
 * Like ring_recv(), but fails with EAGAIN instead of waiting for a message.
 * Only a wait checks the peer: an empty ring gives EAGAIN even when the
 * producer has left without marking the end (ring_recv() then says
 * ECONNRESET); an empty ring whose end was marked gives 0.
 */
int ring_try_recv(struct ring *r, void *buf, size_t cap, size_t *len);

/*
 * Marks the end of the stream: the consumer receives every message sent so
 * far and then 0. Later sends fail with EPIPE. Marking it again changes
 * nothing and returns 0: a stream has one end. Returns 0, or -1 with errno
 * set (EBADF when this handle is not the producer).
 */
int ring_send_eof(struct ring *r);

/* ---- 5. waiting and peers ---------------------------------------------- */

/*
 * Blocking calls check *flag every RING_LIVENESS_MS while they wait, and fail
 * with EINTR once it is non-zero. A signal handler that sets the flag thus
 * interrupts them (condition variables do not return EINTR by themselves).
 */
void ring_set_stop_flag(struct ring *r, volatile sig_atomic_t *flag);

/*
 * Waits up to timeout_ms (-1: no limit) until the other side has attached at
 * least once. The creator uses it before ring_destroy(), so the name is not
 * removed before the peer could find it. "The other side" depends on the
 * role: a producer waits for a consumer and a consumer for a producer;
 * RING_BOTH has no other side and returns 0 at once; RING_NO_ROLE (a
 * creator that only removes the ring) waits until both a producer and a
 * consumer have attached. Returns 0, or -1 with errno ETIMEDOUT or EINTR
 * (stop flag), or EINVAL when r is not attached.
 */
int ring_wait_for_peer(struct ring *r, int timeout_ms);

#endif
