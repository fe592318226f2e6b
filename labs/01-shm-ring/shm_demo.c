/*
 * shm_demo - a traced walkthrough of lab 01: a shared-memory ring buffer.
 *
 * usage: shm_demo [-n COUNT] [-s SIZE] [-c CAPACITY] [--mode lock|lockfree|both]
 *
 * For each part (both by default: Part A with a lock, then Part B without),
 * the parent creates a ring, forks a producer and a consumer that attach to
 * it by name, and waits for them. The producer sends COUNT self-checking
 * messages; the consumer checks every one. The trace shows shm_open,
 * ftruncate, mmap, every time a side really sleeps and is woken, munmap and
 * shm_unlink. Exits 0 when every message arrived intact, in order.
 *
 * See also: shm_producer, shm_consumer, labs/01-shm-ring/README.md.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "err.h"
#include "names.h"
#include "ring.h"
#include "shm_message.h"
#include "shm_options.h"
#include "trace.h"

static const struct cli_spec CLI = {
    .usage = "usage: shm_demo [-n COUNT] [-s SIZE] [-c CAPACITY] [--mode lock|lockfree|both]\n"
             "A traced walkthrough of a shared-memory ring between two processes (lab 01).\n",
    .options =
        {
            SHM_STREAM_OPTIONS("messages per part (default 2000)",
                               "bytes per message, 16 or more (default 256; K and M work)",
                               "bytes in the ring, a power of two (default 16K)",
                               "lock, lockfree or both (default both)"),
        },
    .environment = TRACE_ENVIRONMENT_HELP,
    .more = "IPC_TRACE_REPEAT=N shows a call repeated in a row N times, then counts the rest.\n"
            "Examples:\n"
            "  IPC_TRACE_REPEAT=3 shm_demo -m lock\n"
            "  IPC_TRACE=off shm_demo -n 100000 -s 4K\n",
};

struct options {
    struct shm_stream stream;
    bool lock, lockfree;
};

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

/* Traces one message through the ring with how full the ring is now (head
 * - tail, read from the shared header): a live view draws the ring filling
 * and draining. The terminal shows the first few (IPC_TRACE_REPEAT). */
static void show_fill(const struct ring *r, const char *call, long bytes)
{
    if (!trace_enabled())
        return;
    uint64_t head = atomic_load_explicit(&r->shared->head, memory_order_relaxed);
    uint64_t tail = atomic_load_explicit(&r->shared->tail, memory_order_relaxed);
    unsigned long long used = head >= tail ? (unsigned long long)(head - tail) : 0;
    trace_mark_fill(used, (unsigned long long)r->capacity);
    trace_call(call, bytes, "%llu of %llu bytes in the ring", used,
               (unsigned long long)r->capacity);
}

/* The producer child: sends count messages, marks the end, leaves. */
static _Noreturn void run_producer(const char *name, const struct options *o)
{
    struct ring ring;
    if (ring_attach(&ring, name, RING_PRODUCER) == -1)
        die_errno_child("producer: attach %s", name);
    unsigned char *message = malloc((size_t)o->stream.size);
    if (message == NULL)
        die_errno_child("producer: malloc");
    for (long i = 0; i < o->stream.count; i++) {
        shm_message_fill(message, (size_t)o->stream.size, (uint64_t)i);
        if (ring_send(&ring, message, (size_t)o->stream.size) == -1)
            die_errno_child("producer: send message %ld", i);
        show_fill(&ring, "ring_send", (long)o->stream.size);
    }
    free(message);
    if (ring_send_eof(&ring) == -1)
        die_errno_child("producer: end of stream");
    trace_note("producer: %ld messages sent; slept %lu times, woke the consumer %lu times",
               o->stream.count, ring.producer.sleeps, ring.producer.wakes);
    if (ring_detach(&ring) == -1)
        die_errno_child("producer: detach");
    _exit(0);
}

/* The consumer child: receives until the end, checking every message. */
static _Noreturn void run_consumer(const char *name, const struct options *o)
{
    struct ring ring;
    if (ring_attach(&ring, name, RING_CONSUMER) == -1)
        die_errno_child("consumer: attach %s", name);
    size_t cap = ring_max_message(&ring);
    unsigned char *buf = malloc(cap);
    if (buf == NULL)
        die_errno_child("consumer: malloc");
    long count = 0;
    size_t len;
    int rc;
    while ((rc = ring_recv(&ring, buf, cap, &len)) == 1) {
        show_fill(&ring, "ring_recv", (long)len);
        uint64_t seq;
        const char *why;
        if (shm_message_check(buf, len, (uint64_t)count, &seq, &why) == -1) {
            warn_msg("consumer: message %ld: %s", count, why);
            _exit(EXIT_FATAL);
        }
        count++;
    }
    if (rc == -1)
        die_errno_child("consumer: receive message %ld", count);
    free(buf);
    trace_note("consumer: end of stream after %ld messages; slept %lu times", count,
               ring.consumer.sleeps);
    if (ring_detach(&ring) == -1)
        die_errno_child("consumer: detach");
    _exit(count == o->stream.count ? 0 : EXIT_FATAL);
}

static pid_t start_child(void (*body)(const char *, const struct options *), const char *role,
                         const char *name, const struct options *o)
{
    fflush(stdout); /* the child must not print our buffered output again */
    pid_t pid = fork();
    if (pid == 0)
        trace_set_role(role);
    trace_call("fork", pid, NULL);
    if (pid == -1)
        return -1;
    if (pid == 0) {
        /* Ctrl-C ends the children; only the parent stays to clean up. */
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        body(name, o);
    }
    return pid;
}

static int wait_child(pid_t pid, const char *what)
{
    int status;
    pid_t got;
    while ((got = waitpid(pid, &status, 0)) == -1 && errno == EINTR)
        ;
    trace_call("waitpid", got, "pid=%ld (%s)", (long)pid, what);
    if (got == -1)
        return -1;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static void run_part(enum ring_mode mode, const struct options *o)
{
    const char *title = mode == RING_LOCK ? "Part A: lock-based" : "Part B: lock-free";
    trace_note("%s ring, %ld messages of %ld bytes through %ld bytes of shared memory", title,
               o->stream.count, o->stream.size, o->stream.capacity);
    char name[128];
    if (names_shm(name, sizeof name, "demo") == -1)
        die_errno("names_shm");
    struct ring ring;
    if (ring_create(&ring, name, (size_t)o->stream.capacity, mode, RING_NO_ROLE) == -1)
        die_errno("create the ring %s", name);

    pid_t consumer = start_child(run_consumer, "consumer", name, o);
    pid_t producer = consumer == -1 ? -1 : start_child(run_producer, "producer", name, o);
    int failed = consumer == -1 || producer == -1;
    if (producer != -1 && wait_child(producer, "producer") == -1) {
        failed = 1;
        /* A consumer whose producer never attached would wait for ever. */
        trace_call("kill", kill(consumer, SIGTERM), "pid=%ld, SIGTERM", (long)consumer);
    }
    if (consumer != -1 && wait_child(consumer, "consumer") == -1)
        failed = 1;
    if (ring_destroy(&ring) == -1)
        die_errno("remove the ring %s", name);
    if (stop_requested)
        die("interrupted; the ring %s is removed", name);
    if (failed)
        die("%s: the transfer failed (see the messages above)", title);
    printf("shm_demo: %s: %ld messages arrived intact and in order\n", title, o->stream.count);
}

int main(int argc, char **argv)
{
    err_set_progname(argv[0]);
    trace_set_role("parent");
    struct options o = {.stream = {.count = 2000, .size = 256, .capacity = 16 * 1024}};
    const char *mode = "both";
    int first = shm_options_parse(argc, argv, &CLI, &o.stream, &mode);
    if (first != argc)
        die_usage("unexpected argument '%s'", argv[first]);
    o.lock = strcmp(mode, "lock") == 0 || strcmp(mode, "both") == 0;
    o.lockfree = strcmp(mode, "lockfree") == 0 || strcmp(mode, "both") == 0;
    if (!o.lock && !o.lockfree)
        die_usage("invalid mode '%s': expected lock, lockfree or both", mode);

    /* Ctrl-C reaches the whole process group. The children die of it; the
     * parent stays long enough to remove the ring (no SA_RESTART: the
     * signal interrupts waitpid, which then checks on the children). */
    struct sigaction sa = {.sa_handler = on_signal};
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGINT, &sa, NULL) == -1 || sigaction(SIGTERM, &sa, NULL) == -1)
        die_errno("sigaction");

    if (o.lock)
        run_part(RING_LOCK, &o);
    if (o.lockfree)
        run_part(RING_LOCKFREE, &o);
    return 0;
}
