/*
 * reference.c - memcpy bandwidth and the cache-line round trip (reference.h).
 */
#define _GNU_SOURCE /* sched_getaffinity(), like measure.c */
#include <errno.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "measure.h"
#include "reference.h"
#include "verify.h"

double reference_memcpy_MBps(size_t size, double seconds)
{
    char *src = malloc(size), *dst = malloc(size);
    if (src == NULL || dst == NULL) {
        free(src);
        free(dst);
        return 0;
    }
    memset(src, 0x5a, size);
    memcpy(dst, src, size); /* warm both buffers */
    uint64_t budget = (uint64_t)(seconds * 1e9), start = clock_now_ns(), elapsed;
    size_t copies = 0;
    do {
        /* Enough copies per clock read that reading the clock costs nothing. */
        for (int i = 0; i < 16; i++) {
            memcpy(dst, src, size);
            /* Tell the compiler dst is used, so it cannot drop the copy. */
            __asm__ volatile("" : : "r"(dst) : "memory");
        }
        copies += 16;
        elapsed = clock_now_ns() - start;
    } while (elapsed < budget);
    free(src);
    free(dst);
    return (double)copies * (double)size / ((double)elapsed / 1e9) / 1e6;
}

/*
 * Nanoseconds per verify_check() of message seq (stamped into msg), over
 * about `seconds`: the fastest of many short batches, so that a batch in
 * which another process took the core does not count as the check's cost.
 */
static double check_ns(const struct verify_key *key, unsigned char *msg, uint64_t seq,
                       double seconds, int *bad)
{
    verify_stamp(msg, key->len, seq);
    uint64_t budget = (uint64_t)(seconds * 1e9), start = clock_now_ns();
    /* Batches of about 64 KiB checked, so reading the clock costs nothing. */
    size_t batch = key->len >= 4096 ? 16 : 65536 / key->len;
    double best = -1;
    do {
        uint64_t batch_start = clock_now_ns();
        for (size_t i = 0; i < batch; i++) {
            *bad |= verify_check(key, msg, key->len, seq);
            /* msg may have changed, as far as the compiler knows: check it again. */
            __asm__ volatile("" : : "r"(msg) : "memory");
        }
        double ns = (double)(clock_now_ns() - batch_start) / (double)batch;
        if (best < 0 || ns < best)
            best = ns;
    } while (clock_now_ns() - start < budget);
    return best;
}

double reference_verify_ns(size_t size, double seconds)
{
    unsigned char *pattern = malloc(size), *msg = malloc(size);
    if (pattern == NULL || msg == NULL) {
        free(pattern);
        free(msg);
        errno = ENOMEM;
        return -1;
    }
    struct verify_key key = verify_prepare(pattern, size);
    memcpy(msg, pattern, size); /* a received message, in cache as after the copy out */
    /* One message in VERIFY_FULL_EVERY gets the full comparison (seq 0),
     * the others only their stamps (seq 1): the average of a long run. */
    int bad = 0;
    double full = check_ns(&key, msg, 0, seconds / 2, &bad);
    double stamps = check_ns(&key, msg, 1, seconds / 2, &bad);
    free(pattern);
    free(msg);
    if (bad) {
        errno = EBADMSG; /* cannot happen, unless verify.c is broken */
        return -1;
    }
    return (full + (VERIFY_FULL_EVERY - 1) * stamps) / VERIFY_FULL_EVERY;
}

enum { ROUND_TRIPS_PER_BATCH = 2000 };

/* Spins until the shared word holds `want`; on one core, lets the peer run. */
static void wait_for(_Atomic uint32_t *word, uint32_t want, int same_core)
{
    while (atomic_load_explicit(word, memory_order_acquire) != want) {
        if (same_core)
            sched_yield();
    }
}

int reference_cacheline_rtt(int cpu_a, int cpu_b, size_t batches, double *ns_per_rtt)
{
    /* One word in a shared page: the only thing the two processes touch. */
    _Atomic uint32_t *word =
        mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (word == MAP_FAILED)
        return -1;
    atomic_store(word, 0);
    int same_core = cpu_a == cpu_b;
    uint32_t total = (uint32_t)(batches * ROUND_TRIPS_PER_BATCH);
    pid_t pid = fork();
    if (pid == -1) {
        int saved = errno;
        munmap(word, 4096);
        errno = saved;
        return -1;
    }
    if (pid == 0) { /* the far side: answer each odd value with the next even one */
        prctl(PR_SET_PDEATHSIG, SIGKILL); /* never spin on after the parent died */
        measure_pin(cpu_b);
        for (uint32_t i = 0; i < total; i++) {
            wait_for(word, 2 * i + 1, same_core);
            atomic_store_explicit(word, 2 * i + 2, memory_order_release);
        }
        _exit(0);
    }
    cpu_set_t before;
    int saved_mask = sched_getaffinity(0, sizeof before, &before) == 0;
    measure_pin(cpu_a);
    uint32_t i = 0;
    for (size_t b = 0; b < batches; b++) {
        uint64_t start = clock_now_ns();
        for (int k = 0; k < ROUND_TRIPS_PER_BATCH; k++, i++) {
            atomic_store_explicit(word, 2 * i + 1, memory_order_release);
            wait_for(word, 2 * i + 2, same_core);
        }
        ns_per_rtt[b] = (double)(clock_now_ns() - start) / ROUND_TRIPS_PER_BATCH;
    }
    if (saved_mask)
        sched_setaffinity(0, sizeof before, &before);
    while (waitpid(pid, NULL, 0) == -1 && errno == EINTR)
        ;
    munmap(word, 4096);
    return 0;
}
