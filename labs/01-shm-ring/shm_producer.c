/*
 * shm_producer - the sending half of the two-terminal shared-memory demo (lab 01).
 *
 * usage: shm_producer NAME [-n COUNT] [-s SIZE] [-c CAPACITY] [--mode lock|lockfree]
 *
 * Creates the ring NAME (a shared-memory object, /dev/shm/NAME on Linux),
 * sends COUNT self-checking messages of SIZE bytes (see shm_message.h),
 * marks the end of the stream, and removes the ring once the consumer has
 * attached. Messages sent before the consumer arrives wait in the ring;
 * when it is full, the producer waits (without burning a core).
 *
 *   terminal 1: shm_producer /demo -n 100000
 *   terminal 2: shm_consumer /demo
 *
 * Ctrl-C (or SIGTERM) stops it cleanly: the ring is removed and the
 * consumer sees an error. If the producer is killed with SIGKILL it cannot
 * clean up: the object stays in /dev/shm until the consumer notices the
 * death and removes it, or until someone runs `rm /dev/shm/NAME`.
 *
 * See also: shm_consumer, shm_demo, labs/01-shm-ring/README.md.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checksum.h"
#include "cli.h"
#include "clock.h"
#include "err.h"
#include "ring.h"
#include "shm_message.h"
#include "shm_options.h"
#include "trace.h"

static const struct cli_spec CLI = {
    .usage = "usage: shm_producer NAME [-n COUNT] [-s SIZE] [-c CAPACITY] [--mode lock|lockfree]\n"
             "Creates the shared-memory ring NAME and sends COUNT messages through it (lab 01).\n",
    .options =
        {
            {0, NULL, "NAME", "'/' and a name without another '/', e.g. /demo"},
            SHM_STREAM_OPTIONS("messages to send (default 100000)",
                               "bytes per message, 16 or more (default 64; K and M work)",
                               "bytes in the ring, a power of two (default 64K)",
                               "lock (Part A) or lockfree (Part B, the default)"),
        },
    .environment = TRACE_ENVIRONMENT_HELP,
    .more = "Then, in another terminal: shm_consumer NAME\n"
            "Examples:\n"
            "  shm_producer /demo -n 1000 -m lock\n"
            "  IPC_TRACE=off shm_producer /demo -s 4K\n",
};

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

struct options {
    const char *name;
    struct shm_stream stream;
    enum ring_mode mode;
};

static struct options parse_options(int argc, char **argv)
{
    struct options o = {.stream = {.count = 100000, .size = 64, .capacity = 64 * 1024}};
    const char *mode = "lockfree";
    int first = shm_options_parse(argc, argv, &CLI, &o.stream, &mode);
    if (argc - first != 1)
        die_usage("expected one NAME for the ring, such as /demo");
    o.name = argv[first];
    cli_check_shm_name(o.name);
    if (strcmp(mode, "lock") == 0)
        o.mode = RING_LOCK;
    else if (strcmp(mode, "lockfree") == 0)
        o.mode = RING_LOCKFREE;
    else
        die_usage("invalid mode '%s': expected lock or lockfree", mode);
    return o;
}

int main(int argc, char **argv)
{
    err_set_progname(argv[0]);
    trace_set_role("producer");
    struct options o = parse_options(argc, argv);

    /* No SA_RESTART, and the ring checks the flag while it waits: Ctrl-C
     * ends a wait, so the ring can be removed before we leave. */
    struct sigaction sa = {.sa_handler = on_signal};
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGINT, &sa, NULL) == -1 || sigaction(SIGTERM, &sa, NULL) == -1)
        die_errno("sigaction");

    struct ring ring;
    if (ring_create(&ring, o.name, (size_t)o.stream.capacity, o.mode, RING_PRODUCER) == -1) {
        if (errno == EEXIST)
            die("%s exists already: another producer runs, or one was killed (then: rm "
                "/dev/shm%s)",
                o.name, o.name);
        die_errno("create the ring %s", o.name);
    }
    ring_set_stop_flag(&ring, &stop_requested);
    printf("shm_producer: ring %s ready (%s, %ld bytes); now run: shm_consumer %s\n", o.name,
           o.mode == RING_LOCK ? "lock" : "lockfree", o.stream.capacity, o.name);
    fflush(stdout);

    unsigned char *message = malloc((size_t)o.stream.size);
    if (message == NULL) {
        ring_destroy(&ring);
        die_errno("malloc %ld bytes", o.stream.size);
    }
    uint64_t sum = CHECKSUM_INIT;
    uint64_t started = clock_now_ns();
    long sent = 0;
    int status = 0;
    for (; sent < o.stream.count; sent++) {
        shm_message_fill(message, (size_t)o.stream.size, (uint64_t)sent);
        if (ring_send(&ring, message, (size_t)o.stream.size) == -1)
            break;
        sum = checksum_update(sum, message, (size_t)o.stream.size);
    }
    if (sent < o.stream.count) {
        if (errno == EINTR)
            printf("shm_producer: interrupted after %ld messages\n", sent);
        else if (errno == EPIPE)
            warn_msg("the consumer went away after %ld messages", sent);
        else
            warn_errno("send message %ld", sent);
        status = errno == EINTR ? 0 : 1;
    } else if (ring_send_eof(&ring) == -1) {
        warn_errno("mark the end of the stream");
        status = 1;
    } else if (ring_wait_for_peer(&ring, -1) == -1) {
        /* Removing the name before a consumer found it would strand the messages. */
        printf("shm_producer: interrupted before a consumer attached\n");
    }
    double seconds = (double)(clock_now_ns() - started) / 1e9;
    free(message);
    unsigned long sleeps = ring.producer.sleeps, wakes = ring.producer.wakes;
    if (ring_destroy(&ring) == -1) {
        warn_errno("remove the ring %s", o.name);
        status = 1;
    }
    printf("shm_producer: sent %ld messages of %ld bytes in %.3f s, checksum %016llx; "
           "slept %lu times, woke the consumer %lu times\n",
           sent, o.stream.size, seconds, (unsigned long long)sum, sleeps, wakes);
    return status;
}
