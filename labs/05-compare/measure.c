/*
 * measure.c - throughput and round trips between two processes (measure.h).
 */
#define _GNU_SOURCE /* sched_setaffinity() and CPU_SET() are Linux extensions */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "measure.h"
#include "rtt.h"
#include "verify.h"

/* What the child tells the parent when it is done (over a pipe). */
struct child_report {
    int ok;  /* 1 when everything arrived and checked */
    int err; /* errno when not */
    uint64_t messages, bytes;
    uint64_t timed; /* messages that arrived after the clock started */
    double seconds, cpu_seconds;
};

int measure_pin(int cpu)
{
    if (cpu < 0)
        return 0;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return sched_setaffinity(0, sizeof set, &set);
}

/* The parent pins itself for one run and then gives its old cores back. */
struct pinned {
    cpu_set_t before;
    int saved;
};

static int pin_parent(struct pinned *p, int cpu)
{
    p->saved = sched_getaffinity(0, sizeof p->before, &p->before) == 0;
    return measure_pin(cpu);
}

static void unpin_parent(const struct pinned *p)
{
    if (p->saved)
        sched_setaffinity(0, sizeof p->before, &p->before);
}

static double cpu_seconds_now(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* Writes or reads one whole small struct over a pipe; 0 or -1. */
static int pipe_put(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n == -1 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static int pipe_get(int fd, void *buf, size_t len)
{
    char *p = buf;
    while (len > 0) {
        ssize_t n = read(fd, p, len);
        if (n == -1 && errno == EINTR)
            continue;
        if (n <= 0) {
            errno = n == 0 ? EPIPE : errno;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* The two pipes between parent and child: "ready" and the final report. */
struct sync_pipes {
    int ready[2];
    int report[2];
};

static int sync_open(struct sync_pipes *s)
{
    if (pipe(s->ready) == -1)
        return -1;
    if (pipe(s->report) == -1) {
        close(s->ready[0]);
        close(s->ready[1]);
        return -1;
    }
    return 0;
}

static void sync_close(struct sync_pipes *s)
{
    for (int i = 0; i < 2; i++) {
        if (s->ready[i] != -1)
            close(s->ready[i]);
        if (s->report[i] != -1)
            close(s->report[i]);
        s->ready[i] = s->report[i] = -1;
    }
}

/* Keeps the child's ends (write) or the parent's ends (read). */
static void sync_choose(struct sync_pipes *s, int child)
{
    int drop = child ? 0 : 1;
    close(s->ready[drop]);
    close(s->report[drop]);
    s->ready[drop] = s->report[drop] = -1;
}

/* ---- one-way throughput --------------------------------------------- */

/* The receiving child: everything it does ends in a report and _exit(). */
static void throughput_receiver(const struct measure_config *cfg, struct channel *ch,
                                struct sync_pipes *s)
{
    struct child_report rep = {0};
    char *buf = malloc(cfg->size), *pattern = malloc(cfg->size);
    if (buf == NULL || pattern == NULL || measure_pin(cfg->receiver_cpu) == -1 ||
        ch->ops->choose(ch, CHANNEL_RECEIVER) == -1) {
        rep.err = errno;
    } else {
        struct verify_key key = verify_prepare(pattern, cfg->size);
        char go = 'r';
        pipe_put(s->ready[1], &go, 1);
        /* The clock starts at message `warm`: the first trips through fresh
         * buffers and rings pay page faults and cold caches, not IPC. It is
         * read at that message and at the last one only: reading it for
         * every message would cost more than a small message's trip. */
        uint64_t warm = cfg->count / 10, first = 0, last = 0;
        double cpu_start = cpu_seconds_now();
        for (;;) {
            size_t len;
            int rc = ch->ops->recv(ch, buf, cfg->size, &len);
            if (rc <= 0) {
                rep.ok = rc == 0 && rep.messages == cfg->count;
                rep.err = rc == 0 ? EPIPE : errno;
                break;
            }
            if (rep.messages == warm || rep.messages + 1 == cfg->count) {
                last = clock_now_ns();
                if (rep.messages == warm)
                    first = last;
            }
            if (verify_check(&key, buf, len, rep.messages) == -1) {
                rep.err = errno;
                break;
            }
            rep.messages++;
            rep.bytes += len;
        }
        rep.seconds = (double)(last - first) / 1e9;
        rep.timed = rep.messages > warm ? rep.messages - warm - 1 : 0;
        rep.cpu_seconds = cpu_seconds_now() - cpu_start;
    }
    ch->ops->close(ch);
    free(buf);
    free(pattern);
    pipe_put(s->report[1], &rep, sizeof rep);
    _exit(rep.ok ? 0 : 1);
}

/* Waits for the child and turns its report into the result; 0 or -1. */
static int finish(pid_t pid, struct sync_pipes *s, struct child_report *rep, int send_errno)
{
    int got_report = pipe_get(s->report[0], rep, sizeof *rep);
    int status;
    while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
        ;
    sync_close(s);
    if (got_report == -1 || !rep->ok) {
        errno = got_report == -1 ? EPIPE : rep->err;
        return -1;
    }
    if (send_errno) {
        errno = send_errno;
        return -1;
    }
    return 0;
}

int measure_throughput(const struct measure_config *cfg, struct measure_result *res)
{
    struct channel ch;
    struct sync_pipes s;
    channel_init(&ch, cfg->mech);
    char *msg = malloc(cfg->size);
    if (msg == NULL)
        return -1;
    verify_prepare(msg, cfg->size); /* the sender needs only the pattern */
    if (sync_open(&s) == -1 || cfg->mech->open(&ch, cfg->size) == -1) {
        int saved = errno;
        free(msg);
        errno = saved;
        return -1;
    }
    pid_t pid = fork();
    if (pid == -1) {
        int saved = errno;
        ch.ops->close(&ch);
        sync_close(&s);
        free(msg);
        errno = saved;
        return -1;
    }
    if (pid == 0) {
        sync_choose(&s, 1);
        throughput_receiver(cfg, &ch, &s); /* never returns */
    }
    sync_choose(&s, 0);
    int send_errno = 0;
    char go;
    double cpu_start = 0;
    struct pinned pinned;
    if (pin_parent(&pinned, cfg->sender_cpu) == -1 || ch.ops->choose(&ch, CHANNEL_SENDER) == -1 ||
        pipe_get(s.ready[0], &go, 1) == -1) {
        send_errno = errno;
    } else {
        cpu_start = cpu_seconds_now();
        for (size_t i = 0; i < cfg->count; i++) {
            verify_stamp(msg, cfg->size, i);
            if (ch.ops->send(&ch, msg, cfg->size) == -1) {
                send_errno = errno;
                break;
            }
            res->messages_sent = i + 1;
        }
    }
    ch.ops->close(&ch); /* the receiver's end of stream */
    double cpu_sender = cpu_seconds_now() - cpu_start;
    unpin_parent(&pinned);
    free(msg);
    struct child_report rep;
    if (finish(pid, &s, &rep, send_errno) == -1)
        return -1;
    res->messages_received = rep.messages;
    res->bytes_received = rep.bytes;
    res->messages_timed = rep.timed;
    res->seconds = rep.seconds;
    res->cpu_seconds = cpu_sender + rep.cpu_seconds;
    return 0;
}

/* ---- round trips ---------------------------------------------------- */

long rtt_echo(struct channel *in, struct channel *out, void *buf, size_t cap)
{
    long echoed = 0;
    for (;;) {
        size_t len;
        int rc = in->ops->recv(in, buf, cap, &len);
        if (rc == 0)
            return echoed;
        if (rc == -1 || out->ops->send(out, buf, len) == -1)
            return -1;
        echoed++;
    }
}

static void echo_child(const struct measure_config *cfg, struct channel *ping, struct channel *pong,
                       struct sync_pipes *s)
{
    struct child_report rep = {0};
    char *buf = malloc(cfg->size);
    if (buf == NULL || measure_pin(cfg->receiver_cpu) == -1 ||
        ping->ops->choose(ping, CHANNEL_RECEIVER) == -1 ||
        pong->ops->choose(pong, CHANNEL_SENDER) == -1) {
        rep.err = errno;
    } else {
        char go = 'r';
        pipe_put(s->ready[1], &go, 1);
        double cpu_start = cpu_seconds_now();
        long echoed = rtt_echo(ping, pong, buf, cfg->size);
        rep.cpu_seconds = cpu_seconds_now() - cpu_start;
        rep.ok = echoed >= 0;
        rep.err = errno;
        rep.messages = echoed > 0 ? (uint64_t)echoed : 0;
    }
    ping->ops->close(ping);
    pong->ops->close(pong);
    free(buf);
    pipe_put(s->report[1], &rep, sizeof rep);
    _exit(rep.ok ? 0 : 1);
}

int measure_round_trips(const struct measure_config *cfg, uint64_t *samples_ns,
                        struct measure_result *res)
{
    struct channel ping, pong;
    struct sync_pipes s;
    channel_init(&ping, cfg->mech);
    channel_init(&pong, cfg->mech);
    char *msg = malloc(cfg->size), *reply = malloc(cfg->size);
    int opened = 0;
    if (msg == NULL || reply == NULL || sync_open(&s) == -1)
        goto fail;
    opened = 1;
    if (cfg->mech->open(&ping, cfg->size) == -1)
        goto fail;
    opened = 2;
    if (cfg->mech->open(&pong, cfg->size) == -1)
        goto fail;
    opened = 3;
    pid_t pid = fork();
    if (pid == -1)
        goto fail;
    if (pid == 0) {
        sync_choose(&s, 1);
        echo_child(cfg, &ping, &pong, &s); /* never returns */
    }
    sync_choose(&s, 0);
    struct verify_key key = verify_prepare(msg, cfg->size);
    int run_errno = 0;
    char go;
    double cpu_start = cpu_seconds_now();
    struct pinned pinned;
    /* A warm-up of a quarter of the trips first, into the same samples,
     * which the measured trips then overwrite: the first trips through
     * fresh buffers and rings pay page faults and cold caches. */
    size_t warm_up = cfg->count / 4 ? cfg->count / 4 : 1;
    if (pin_parent(&pinned, cfg->sender_cpu) == -1 ||
        ping.ops->choose(&ping, CHANNEL_SENDER) == -1 ||
        pong.ops->choose(&pong, CHANNEL_RECEIVER) == -1 || pipe_get(s.ready[0], &go, 1) == -1 ||
        rtt_measure(&ping, &pong, msg, reply, &key, warm_up, samples_ns) == -1 ||
        rtt_measure(&ping, &pong, msg, reply, &key, cfg->count, samples_ns) == -1)
        run_errno = errno;
    double cpu_ping = cpu_seconds_now() - cpu_start;
    ping.ops->close(&ping); /* the echo side's end of stream */
    pong.ops->close(&pong);
    unpin_parent(&pinned);
    free(msg);
    free(reply);
    struct child_report rep;
    if (finish(pid, &s, &rep, run_errno) == -1)
        return -1;
    res->messages_sent = cfg->count + warm_up;
    res->messages_received = rep.messages;
    res->bytes_received = rep.messages * cfg->size;
    res->cpu_seconds = cpu_ping + rep.cpu_seconds;
    res->seconds = 0;
    for (size_t i = 0; i < cfg->count; i++)
        res->seconds += (double)samples_ns[i] / 1e9;
    return 0;

fail:;
    int saved = errno;
    if (opened >= 3)
        pong.ops->close(&pong);
    if (opened >= 2)
        ping.ops->close(&ping);
    if (opened >= 1)
        sync_close(&s);
    free(msg);
    free(reply);
    errno = saved;
    return -1;
}
