/*
 * shm_consumer - the receiving half of the two-terminal shared-memory demo (lab 01).
 *
 * usage: shm_consumer NAME [-w SECONDS]
 *
 * Attaches to the ring NAME that shm_producer created (waiting up to
 * SECONDS for it to appear), receives messages until the end of the stream,
 * checks each one's sequence number and checksum, and prints a summary whose
 * checksum matches the producer's.
 *
 *   terminal 1: shm_producer /demo -n 100000
 *   terminal 2: shm_consumer /demo
 *
 * Exits 0 when every message arrived intact and in order. If the producer
 * dies mid-stream, the consumer notices within a fraction of a second, says
 * so, removes the ring the producer could not remove, and exits 1.
 *
 * See also: shm_producer, shm_demo, labs/01-shm-ring/README.md.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "checksum.h"
#include "cli.h"
#include "clock.h"
#include "err.h"
#include "ring.h"
#include "shm_message.h"
#include "trace.h"

static const struct cli_spec CLI = {
    .usage = "usage: shm_consumer NAME [-w SECONDS]\n"
             "Receives and checks the messages shm_producer sends through the shared-memory "
             "ring NAME (lab 01).\n",
    .options = {{'w', "wait", "SECONDS", "wait this long for NAME to appear (default 30)"}},
    .environment = TRACE_ENVIRONMENT_HELP,
    .more = "Example:\n"
            "  shm_consumer /demo     (with: shm_producer /demo -n 1000)\n",
};

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

/* Attaches as the consumer, waiting while the producer has not made the ring yet. */
static void attach_when_ready(struct ring *ring, const char *name, long wait_s)
{
    uint64_t deadline = clock_now_ns() + (uint64_t)wait_s * 1000000000u;
    bool told = false;
    while (ring_attach(ring, name, RING_CONSUMER) == -1) {
        /* ENOENT: not created yet; EAGAIN: created, not yet initialised. */
        if ((errno != ENOENT && errno != EAGAIN) || clock_now_ns() >= deadline)
            die_errno("attach to the ring %s", name);
        if (stop_requested)
            exit(0);
        if (!told) {
            printf("shm_consumer: waiting for %s (start: shm_producer %s)\n", name, name);
            fflush(stdout);
            told = true;
        }
        clock_sleep_ms(100);
    }
}

int main(int argc, char **argv)
{
    err_set_progname(argv[0]);
    trace_set_role("consumer");
    long wait_s = 30;
    int opt;
    while ((opt = cli_next_option(&CLI, argc, argv)) != -1) {
        if (opt == 'w')
            wait_s = cli_parse_long(optarg, 0, 3600, "wait");
    }
    if (argc - optind != 1)
        die_usage("expected one NAME for the ring, such as /demo");
    const char *name = argv[optind];
    cli_check_shm_name(name);

    struct sigaction sa = {.sa_handler = on_signal};
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGINT, &sa, NULL) == -1 || sigaction(SIGTERM, &sa, NULL) == -1)
        die_errno("sigaction");

    struct ring ring;
    attach_when_ready(&ring, name, wait_s);
    ring_set_stop_flag(&ring, &stop_requested);
    size_t cap = ring_max_message(&ring);
    unsigned char *buf = malloc(cap);
    if (buf == NULL) {
        ring_detach(&ring);
        die_errno("malloc %zu bytes", cap);
    }

    uint64_t sum = CHECKSUM_INIT, count = 0, bytes = 0;
    uint64_t started = clock_now_ns();
    size_t len;
    int rc;
    while ((rc = ring_recv(&ring, buf, cap, &len)) == 1) {
        uint64_t seq;
        const char *why;
        if (shm_message_check(buf, len, count, &seq, &why) == -1) {
            warn_msg("message %llu (%zu bytes, sequence number %llu): %s",
                     (unsigned long long)count, len, (unsigned long long)seq, why);
            break;
        }
        sum = checksum_update(sum, buf, len);
        count++;
        bytes += len;
    }
    double seconds = (double)(clock_now_ns() - started) / 1e9;
    int recv_errno = errno;
    unsigned long sleeps = ring.consumer.sleeps;
    free(buf);

    int status = 1;
    if (rc == 0) {
        status = 0;
        printf("shm_consumer: %llu messages, %llu bytes, all in order and intact, "
               "checksum %016llx; %.3f s, %.0f messages/s; slept %lu times\n",
               (unsigned long long)count, (unsigned long long)bytes, (unsigned long long)sum,
               seconds, seconds > 0 ? (double)count / seconds : 0.0, sleeps);
    } else if (rc == -1 && recv_errno == EINTR) {
        status = 0;
        printf("shm_consumer: interrupted after %llu messages\n", (unsigned long long)count);
    } else if (rc == -1 && recv_errno == ECONNRESET) {
        warn_msg("the producer is gone after %llu messages, without ending the stream",
                 (unsigned long long)count);
        /* It could not remove its ring; we are the last one who knows the name. */
        if (ring_destroy(&ring) == -1 && errno != ENOENT)
            warn_errno("remove the ring %s", name);
        return status;
    } else if (rc == -1) {
        errno = recv_errno;
        warn_errno("receive message %llu", (unsigned long long)count);
    }
    if (ring_detach(&ring) == -1)
        warn_errno("detach from %s", name);
    return status;
}
