/*
 * measure.h - run one workload over one mechanism, in two processes.
 *
 * Both workloads fork: the parent is the sender (or the ping side), the
 * child the receiver (or the echo side), each pinned to its own core when
 * asked, so the numbers include what real IPC between processes costs:
 * copies, system calls, wake-ups and cache lines moving between cores.
 *
 * The caller should ignore SIGPIPE (the bench does), so a receiver that
 * dies makes the sender's next send fail with EPIPE instead of killing it.
 */
#ifndef IPC_KIT_MEASURE_H
#define IPC_KIT_MEASURE_H

#include <stddef.h>
#include <stdint.h>

#include "channel.h"

struct measure_config {
    const struct channel_ops *mech;
    size_t size;      /* bytes per message */
    size_t count;     /* messages (throughput) or round trips */
    int sender_cpu;   /* the core for the sender; -1: leave it to the scheduler */
    int receiver_cpu; /* the core for the receiver */
};

struct measure_result {
    uint64_t messages_sent;
    uint64_t messages_received; /* each one checked (verify.h) */
    uint64_t bytes_received;
    uint64_t messages_timed; /* throughput: messages within `seconds` */
    double seconds;          /* at the reader, from the clock's start to the last message */
    double cpu_seconds;      /* user + system time of both processes during the run */
};

/*
 * One-way throughput: the sender sends cfg->count messages, the receiver
 * receives and checks them all. The reader's clock starts when the message
 * at a tenth of the count arrives (the first ones warm buffers and caches);
 * rate = messages_timed / seconds. Returns 0 when every message
 * arrived intact, or -1 with errno set (EBADMSG: a message was wrong).
 */
int measure_throughput(const struct measure_config *cfg, struct measure_result *res);

/*
 * Round trips: a warm-up of cfg->count / 4 ping-pongs, then cfg->count
 * measured ones, over two channels (rtt.h); the time of each measured one
 * goes into samples_ns (count entries). Returns 0, or -1 with errno set.
 */
int measure_round_trips(const struct measure_config *cfg, uint64_t *samples_ns,
                        struct measure_result *res);

/* Pins the calling process to one core; cpu < 0 does nothing. 0 or -1. */
int measure_pin(int cpu);

#endif
