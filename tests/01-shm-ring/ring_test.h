/*
 * ring_test.h - the test's own helpers that run inside the student's
 * process, next to the student's ring (tests/01-shm-ring/calls.c). Each is a
 * call across the boundary, like the lab's functions (boundary.h).
 *
 * Why they exist: a test of a million messages, or of 200 000 round trips,
 * cannot pay one trip across the boundary per message, and a round trip
 * timed to the microsecond must run where the ring is. So these loops run in
 * the student's process over data the checker made, and hand back what
 * arrived; the checker verifies every byte itself. None of them decides
 * anything: a helper only calls the student's functions and reports.
 */
#ifndef IPC_KIT_RING_TEST_H
#define IPC_KIT_RING_TEST_H

#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "ring.h"

/* The calls the helpers name in what they report. */
enum { RING_TEST_SEND = 1, RING_TEST_RECV = 2, RING_TEST_EOF = 3 };

/* ---- a page both sides map --------------------------------------------- */

enum { RING_TEST_FLAGS = 4 };

/*
 * One page of a memfd that the checker makes and the student process maps
 * too: what one side writes, the other sees at once. It holds the stop
 * flags of ring_set_stop_flag() (the checker, or its watchdog, sets one;
 * the student's ring polls it) and the signals of the handshake test.
 */
struct ring_test_page {
    volatile sig_atomic_t stop[RING_TEST_FLAGS];
    _Atomic long go;   /* handshake: the round the waker may run */
    _Atomic long done; /* the last round whose waker call returned */
    _Atomic int halt;  /* a side failed: the other stops too */
};

/* The checker's mapping of the page: made on first use, and mapped in the
 * student's process at once (ring_test_map_page()). */
struct ring_test_page *ring_test_page(void);

/* In the student process: maps the page of memfd fd. Returns 0, or -1 with errno. */
int ring_test_map_page(int fd);

/* Points r's stop flag at flag `slot` of the page (slot -1: no flag), in the
 * student process: what the checker's ring_set_stop_flag() calls. */
int ring_test_set_stop(struct ring *r, int slot);

/* ---- streams in batches ------------------------------------------------ */

/*
 * A batch is messages packed one after the other, each a 4-byte length
 * (uint32_t, host order) and then its bytes. ring_test_send_batch() sends
 * the messages of batch (size bytes) with ring_send(), in order, and
 * returns how many were sent; fewer means the next ring_send() failed, and
 * errno is its errno.
 */
long ring_test_send_batch(struct ring *r, const void *batch, size_t size);

/* What ring_test_recv_batch() got. */
struct ring_test_received {
    long count;    /* messages packed into the buffer */
    uint64_t used; /* bytes of the buffer they take */
    int rc;        /* 1, or what the ring_recv() that stopped the batch returned */
    int err;       /* and its errno */
};

/*
 * Receives up to max messages with ring_recv() and packs them into out (cap
 * bytes) as a batch. Each ring_recv() gets what is left of out, at most
 * `room` bytes (the ring's largest message): the checker sizes out for the
 * messages it expects. Stops early when out is full, or at the first
 * ring_recv() that does not return 1 (got->rc, got->err). Returns 0.
 */
int ring_test_recv_batch(struct ring *r, void *out, size_t cap, long max, size_t room,
                         struct ring_test_received *got);

/* ---- calls that never wait, in a row ------------------------------------ */

/* One step of ring_test_try_steps(). */
struct ring_test_step {
    int op;       /* RING_TEST_SEND: ring_try_send(); RING_TEST_RECV: ring_try_recv() */
    uint32_t len; /* bytes sent, or the size of the buffer received into */
    int rc;       /* what the call returned */
    int err;      /* errno after it */
    uint64_t got; /* ring_try_recv(): the length it stored */
};

/*
 * Runs the steps in order and stops after the first that fails (a send that
 * does not return 0, a receive that does not return 1). Sends take their
 * bytes in turn from data; receives get their buffers in turn from out, len
 * bytes each. data and out are size bytes each. Returns the steps run.
 */
long ring_test_try_steps(struct ring *r, struct ring_test_step *steps, size_t count,
                         const void *data, void *out, size_t size);

/* ---- round trips --------------------------------------------------------- */

/* How a loop of round trips ended. */
struct ring_test_trips {
    int step; /* 0: all went well; else the call that failed (RING_TEST_*) */
    int rc;   /* its result */
    int err;  /* and its errno */
    size_t len;
};

/*
 * For each of the count values: ring_send() it on out, then ring_recv() the
 * answer from in into back[i]. Stops before a trip once either handle has
 * counted a lost wake-up, and at the first failure (*how). Returns the
 * number of round trips made.
 */
long ring_test_ping_pong(struct ring *out, struct ring *in, const uint64_t *values, uint64_t *back,
                         size_t count, struct ring_test_trips *how);

/*
 * The echo: receives 8-byte messages from in and sends each back on out,
 * until the end of in's stream; then marks the end of out's. Returns how
 * many it echoed; *how says what failed, if anything.
 */
long ring_test_echo(struct ring *in, struct ring *out, struct ring_test_trips *how);

/*
 * The lab's half of the handshake test: for each round, waits until the
 * page's `go` says so, calls ring_send(r, "w", 1) (or, consumer_wakes,
 * ring_recv() of one byte) at once, puts the ring back as the round found
 * it (ring_try_recv(), or ring_try_send()) and stores `done`. Returns 0, or
 * -1 with the errno of the call that failed.
 */
int ring_test_handshake_waker(struct ring *r, int consumer_wakes, long rounds);

/*
 * A peer that dies, as a child of the student process (so that, dead, it
 * stays a zombie of the process that waits for it, as a crashed peer
 * forked by its partner does). Forks; the child attaches to ring `name` as
 * role (RING_PRODUCER or RING_CONSUMER), says so, then sends the count
 * values (each as a message of sizeof(int) bytes) or receives count
 * messages, sleeps 300 ms and kills itself with SIGKILL, without detaching.
 * If a send or receive fails, it exits with RING_TEST_SEND or RING_TEST_RECV
 * instead. Nobody waits for it. Returns its pid once it has attached, or -1
 * with the errno of its ring_attach().
 */
int ring_test_doomed_peer(const char *name, int role, const int *values, int count);

/* Waits for (reaps) the doomed peer pid, once the test has seen it dead.
 * Returns its pid, or -1 with errno, as waitpid() does. */
int ring_test_reap(int pid);

/* Takes the ring's Part A lock in the student process and keeps it: that
 * process then dies holding it. Returns pthread_mutex_lock()'s result. */
int ring_test_hold_lock(struct ring *r);

/* Lowers the student process's file size limit (RLIMIT_FSIZE) to bytes, so
 * a larger ftruncate() fails; bytes < 0 puts the limit back. Returns 0, or
 * -1 with errno. (In the jail, prlimit() on the student's process from the
 * checker is refused.) */
int ring_test_limit_file_size(long bytes);

#endif
