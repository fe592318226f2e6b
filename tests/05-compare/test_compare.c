/*
 * test_compare.c - the graded tests of lab 05 (measuring IPC).
 *
 * They check that the pipe and UNIX-socket adapters move exactly the right
 * bytes (also when every read and write comes up short or is interrupted),
 * that the harness's counts agree (N messages of S bytes sent, the same
 * received and checked), and that the round-trip loop times and checks
 * every reply. They never check how fast anything is: speed is measured by
 * `make bench`, not graded.
 *
 * These tests run in the checker, a process with no student code
 * (tests/grader/boundary.h): each compare_*() call (compare_calls.h) runs
 * one of the student's channel operations in the student's process. The
 * tests hold the channel's descriptors themselves, make every message from
 * a seed and compare what arrives with what they made; the sending and
 * receiving processes of a run, and the echo side of the round trips, are
 * children of the checker, so the counts are the checker's own.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "agent_services.h"
#include "boundary.h"
#include "channel.h"
#include "checksum.h"
#include "clock.h"
#include "compare_calls.h"
#include "err.h"
#include "fault.h"
#include "grader.h"

/* ---- helpers ---------------------------------------------------------- */

/* A buffer of len bytes of the reproducible pattern of seed. */
static char *pattern(size_t len, uint64_t seed)
{
    char *buf = malloc(len ? len : 1);
    ck_assert_msg(buf != NULL, "test setup: malloc(%zu) failed", len);
    checksum_fill_pattern(buf, len, seed);
    return buf;
}

/* The student's open(), as a message names it. */
static const char *open_name(const char *mech)
{
    return strcmp(mech, "pipe") == 0 ? "CHANNEL_PIPE.open" : "CHANNEL_UNIX.open";
}

/*
 * Opens a channel of mechanism mech ("pipe", "unix") or fails the test,
 * saying "not implemented yet" for ENOSYS. Its descriptors are this
 * process's from now on: the student's process gets them for each call.
 */
static void open_channel(struct channel *ch, const char *mech, size_t max_msg)
{
    memset(ch, 0, sizeof *ch);
    ch->fd[0] = ch->fd[1] = -1;
    int rc = compare_open(mech, ch, max_msg);
    grade_require_impl(rc, errno, open_name(mech));
    ck_assert_msg(rc == 0, "%s: open failed: %s", mech, errno_name(errno));
    ck_assert_msg(ch->fd[0] >= 0 && ch->fd[1] >= 0,
                  "%s: open must set fd[0] (receiving end) and fd[1] (sending end)", mech);
}

/*
 * ops->choose() in the student's process. The descriptors this process
 * holds stand for that process's own, so an end the student's code dropped
 * (set to -1) is closed here too: exactly the copies a real choose() after
 * fork() would leave open stay open.
 */
static int choose_side(const char *mech, struct channel *ch, enum channel_side side)
{
    int before[2] = {ch->fd[0], ch->fd[1]};
    int rc = compare_choose(mech, ch, side);
    int saved = errno;
    for (int i = 0; i < 2; i++) {
        if (before[i] >= 0 && ch->fd[i] != before[i])
            close(before[i]);
    }
    errno = saved;
    return rc;
}

/* Bytes waiting to be read on fd (FIONREAD), measured here; -1 if unknown. */
static int waiting_bytes(int fd)
{
    int n;
    return ioctl(fd, FIONREAD, &n) == -1 ? -1 : n;
}

/* Reads a whole report a checker child wrote before it exited; true if it did. */
static bool read_report(int fd, void *report, size_t size)
{
    char *p = report;
    while (size > 0) {
        ssize_t n = read(fd, p, size);
        if (n == -1 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        p += n;
        size -= (size_t)n;
    }
    return true;
}

/* Writes a child's report to the test (the test checks that it is whole). */
static void write_report(int fd, const void *report, size_t size)
{
    const char *p = report;
    while (size > 0) {
        ssize_t n = write(fd, p, size);
        if (n == -1 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        p += n;
        size -= (size_t)n;
    }
}

/*
 * Arms a fault plan (fault.h) in the student's process for the channel's
 * own descriptors: writes on the sending end fd[1], reads on the receiving
 * end fd[0]. Never for every descriptor (fd -1): the student's process
 * talks to this one through descriptors too, and those must stay whole.
 */
static void faults_on_channel(const struct channel *ch, const struct fault_plan *out,
                              const struct fault_plan *in)
{
    if (out != NULL) {
        struct fault_plan plan = *out;
        plan.fd = ch->fd[1];
        fault_set(FAULT_OUT, plan);
    }
    if (in != NULL) {
        struct fault_plan plan = *in;
        plan.fd = ch->fd[0];
        fault_set(FAULT_IN, plan);
    }
}

/*
 * Sends messages of lengths 0, 1, 100 ... up to `largest` and receives them
 * on the same channel, checking each against the bytes made here, under the
 * fault plan `faults` when it is not NULL. All of them must fit in the
 * kernel's buffer at once: with 7-byte writes a socket spends about a
 * kilobyte of buffer on each tiny write, so the short-I/O tests send less.
 * Between the sends and the receives the messages are in the channel this
 * process holds: FIONREAD on fd[0] sees them there.
 */
static void round_messages(const char *mech, size_t largest, const struct fault_plan *faults)
{
    struct channel ch;
    open_channel(&ch, mech, 8192);
    faults_on_channel(&ch, faults, faults);
    const size_t lengths[] = {0, 1, 100, largest / 2, largest};
    enum { COUNT = sizeof lengths / sizeof lengths[0] };
    char *out[COUNT];
    size_t payload = 0;
    for (size_t i = 0; i < COUNT; i++) {
        out[i] = pattern(lengths[i], 100 + i);
        payload += lengths[i];
    }
    for (size_t i = 0; i < COUNT; i++) {
        ck_assert_msg(compare_send(mech, &ch, out[i], lengths[i]) == 0,
                      "%s: send of %zu bytes failed: %s", mech, lengths[i], strerror(errno));
    }
    int in_channel = waiting_bytes(ch.fd[0]);
    char in[8192];
    for (size_t i = 0; i < COUNT; i++) {
        size_t len = 12345;
        int rc = compare_recv(mech, &ch, in, sizeof in, &len);
        ck_assert_msg(rc == 1, "%s: message %zu: recv returned %d (%s)", mech, i, rc,
                      strerror(errno));
        ck_assert_msg(len == lengths[i], "%s: message %zu has %zu bytes, sent %zu", mech, i, len,
                      lengths[i]);
        ck_assert_msg(memcmp(in, out[i], len) == 0, "%s: message %zu came back changed", mech, i);
    }
    int left = waiting_bytes(ch.fd[0]);
    for (size_t i = 0; i < COUNT; i++)
        free(out[i]);
    ck_assert_msg(in_channel >= (int)payload,
                  "%s: after the sends, FIONREAD on the receiving end fd[0] counted %d bytes "
                  "waiting, fewer than the %zu bytes of the messages: send must write each message "
                  "into the channel (fd[1]), a byte stream (a pipe, a SOCK_STREAM socket) that "
                  "holds every byte until it is read",
                  mech, in_channel, payload);
    ck_assert_msg(left == 0,
                  "%s: after every message was received, %d bytes were still waiting in fd[0]: "
                  "recv must read each message from fd[0]",
                  mech, left);
    compare_close(mech, &ch);
}

/* The same, with every read and write cut to 7 bytes and EINTR on every 3rd. */
static void round_messages_short_io(const char *mech)
{
    struct fault_plan plan = {.fd = -1, .max_bytes = 7, .fail_every = 3, .fail_errno = EINTR};
    round_messages(mech, 1000, &plan);
    unsigned long injected = fault_injected(FAULT_OUT) + fault_injected(FAULT_IN);
    char watched[600];
    snprintf(watched, sizeof watched, "out: %s; in: %s", fault_describe(FAULT_OUT),
             fault_describe(FAULT_IN));
    fault_reset();
    ck_assert_msg(injected > 50, "%s: the short reads and writes did not happen (%s)", mech,
                  watched);
}

/* What the receiving process of a run saw, as its checker child found it. */
struct receiver_report {
    int outcome;              /* RECEIVED_* */
    int err;                  /* errno of a failed choose or recv */
    uint64_t messages, bytes; /* received whole and in order */
    size_t wrong_len;         /* RECEIVED_WRONG: the length the message had */
};

enum {
    RECEIVED_END = 1, /* end of stream (recv gave 0) */
    RECEIVED_CHOOSE_FAILED,
    RECEIVED_RECV_FAILED,
    RECEIVED_WRONG,    /* a message that is not the one sent */
    RECEIVED_TOO_MANY, /* more messages than were sent */
};

/*
 * The receiver of a run, in a child of the test (with a student process of
 * its own): chooses its side, receives until end of stream and compares
 * each message with the one the sender was given (data, made before the
 * fork). Never returns.
 */
static _Noreturn void receive_all(const char *mech, struct channel *ch, const char *data,
                                  size_t size, size_t count, int report_fd)
{
    struct receiver_report r = {0};
    char *buf = malloc(size);
    if (buf == NULL || choose_side(mech, ch, CHANNEL_RECEIVER) == -1) {
        r.outcome = RECEIVED_CHOOSE_FAILED;
        r.err = errno;
    } else {
        for (;;) {
            size_t len = 0;
            int got = compare_recv(mech, ch, buf, size, &len);
            if (got == 0) {
                r.outcome = RECEIVED_END;
                break;
            }
            if (got != 1) {
                r.outcome = RECEIVED_RECV_FAILED;
                r.err = errno;
                break;
            }
            if (r.messages == count) {
                r.outcome = RECEIVED_TOO_MANY;
                break;
            }
            if (len != size || memcmp(buf, data + r.messages * size, size) != 0) {
                r.outcome = RECEIVED_WRONG;
                r.wrong_len = len;
                break;
            }
            r.messages++;
            r.bytes += len;
        }
    }
    compare_close(mech, ch);
    free(buf);
    write_report(report_fd, &r, sizeof r);
    _exit(0);
}

/*
 * A throughput run, as measure_throughput() does it, with the test in both
 * roles: it forks, its child receives (receive_all) and this process sends
 * `count` messages of `size` bytes, each its own part of a seeded pattern,
 * then closes. Both sides use the student's adapter, each in its own
 * student process; the counts and the comparison are the test's. Fault
 * plans, when not NULL, are armed before the fork, so both sides have them.
 */
static void counts_agree(const char *mech, size_t size, size_t count,
                         const struct fault_plan *out_faults, const struct fault_plan *in_faults)
{
    signal(SIGPIPE, SIG_IGN);
    /* In the student's processes: a send to a receiver that died fails with EPIPE. */
    ck_assert_msg(agent_set_signal(SIGPIPE, 1) == 0, "test setup: ignoring SIGPIPE failed");
    struct channel ch;
    open_channel(&ch, mech, size);
    faults_on_channel(&ch, out_faults, in_faults);
    char *data = pattern(size * count, size + count);
    int report[2];
    ck_assert_msg(pipe(report) == 0, "test setup: pipe failed");
    pid_t pid = fork();
    ck_assert_msg(pid != -1, "test setup: fork failed");
    if (pid == 0) {
        close(report[0]);
        receive_all(mech, &ch, data, size, count, report[1]);
    }
    close(report[1]);

    uint64_t sent = 0;
    int send_err = 0;
    if (choose_side(mech, &ch, CHANNEL_SENDER) == -1) {
        send_err = errno;
    } else {
        for (size_t i = 0; i < count; i++) {
            if (compare_send(mech, &ch, data + i * size, size) == -1) {
                send_err = errno;
                break;
            }
            sent++;
        }
    }
    compare_close(mech, &ch); /* the receiver's end of stream */
    free(data);

    grade_waiting_for("the receiving process to see end of stream");
    int status = grade_wait_child(pid, 10000);
    if (status == -1) /* its student process may still wait in recv() */
        kill(boundary_student_of(pid), SIGKILL);
    struct receiver_report r;
    bool reported = read_report(report[0], &r, sizeof r);
    close(report[0]);
    ck_assert_msg(status != -1,
                  "%s: the sender sent %llu messages and closed, but the receiver saw no end of "
                  "stream within %d s: after fork() each process must close the end it does not "
                  "use (choose()), or the receiver itself keeps the stream open",
                  mech, (unsigned long long)sent, grade_timeout_ms(10000) / 1000);
    ck_assert_msg(reported, "%s: the receiving process %s before it finished", mech,
                  grade_describe_status(status));
    ck_assert_msg(r.outcome != RECEIVED_CHOOSE_FAILED,
                  "%s: the throughput run failed: the receiver's choose() failed: %s", mech,
                  errno_name(r.err));
    ck_assert_msg(r.outcome != RECEIVED_RECV_FAILED,
                  "%s: the throughput run failed: recv failed after %llu messages: %s", mech,
                  (unsigned long long)r.messages, errno_name(r.err));
    ck_assert_msg(r.outcome != RECEIVED_WRONG,
                  "%s: the throughput run failed: message %llu arrived changed (%zu bytes, sent "
                  "%zu)",
                  mech, (unsigned long long)r.messages, r.wrong_len, size);
    ck_assert_msg(r.outcome != RECEIVED_TOO_MANY,
                  "%s: the receiver got more than the %zu messages sent", mech, count);
    ck_assert_msg(send_err == 0, "%s: the throughput run failed: send of message %llu: %s", mech,
                  (unsigned long long)sent, errno_name(send_err));
    ck_assert_msg(sent == count && r.messages == count,
                  "%s: sent %llu and received %llu messages, expected %zu", mech,
                  (unsigned long long)sent, (unsigned long long)r.messages, count);
    ck_assert_msg(r.bytes == (uint64_t)count * size,
                  "%s: received %llu bytes, expected N x S = %zu", mech,
                  (unsigned long long)r.bytes, count * size);
}

/* ---- the adapters ------------------------------------------------------ */

START_TEST(pipe_adapter_keeps_messages_whole)
{
    round_messages("pipe", 8192, NULL);
}
END_TEST

START_TEST(unix_adapter_keeps_messages_whole)
{
    round_messages("unix", 8192, NULL);
}
END_TEST

START_TEST(pipe_adapter_survives_short_reads_and_writes)
{
    round_messages_short_io("pipe");
}
END_TEST

START_TEST(unix_adapter_survives_short_reads_and_writes)
{
    round_messages_short_io("unix");
}
END_TEST

START_TEST(pipe_adapter_ends_stream_when_sender_closes)
{
    struct channel ch;
    open_channel(&ch, "pipe", 64);
    ck_assert_int_eq(compare_send("pipe", &ch, "last", 4), 0);
    /* As the sender would after fork: keep only the sending end, then close it. */
    int receiving = dup(ch.fd[0]);
    ck_assert(receiving != -1);
    ck_assert_int_eq(choose_side("pipe", &ch, CHANNEL_SENDER), 0);
    ck_assert_int_eq(compare_close("pipe", &ch), 0);
    ch.fd[0] = receiving;
    ch.fd[1] = -1;
    char buf[64];
    size_t len;
    ck_assert_msg(compare_recv("pipe", &ch, buf, sizeof buf, &len) == 1 && len == 4 &&
                      memcmp(buf, "last", 4) == 0,
                  "the message sent before closing must still arrive");
    ck_assert_msg(compare_recv("pipe", &ch, buf, sizeof buf, &len) == 0,
                  "after the last message, recv must report end of stream (0)");
    close(receiving);
}
END_TEST

/* ---- the harness, two processes --------------------------------------- */

START_TEST(pipe_counts_agree_n_times_s)
{
    counts_agree("pipe", 1000, 500, NULL, NULL);
}
END_TEST

START_TEST(unix_counts_agree_n_times_s)
{
    counts_agree("unix", 64 * 1024, 40, NULL, NULL);
}
END_TEST

START_TEST(one_mib_messages_cross_with_short_io)
{
    /* The plans are inherited by the receiver's student process too. */
    struct fault_plan out = {.max_bytes = 4000};
    struct fault_plan in = {.max_bytes = 3000, .fail_every = 7, .fail_errno = EINTR};
    counts_agree("pipe", 1024 * 1024, 6, &out, &in);
    /* This process is the sender; the receiver, a child, has its own counters. */
    unsigned long injected = fault_injected(FAULT_OUT);
    char watched[256];
    snprintf(watched, sizeof watched, "%s", fault_describe(FAULT_OUT));
    fault_reset();
    ck_assert_msg(injected >= 6 * 262,
                  "the sender's writes were to be cut to 4000 bytes, but only %lu were (calls "
                  "seen: %s)",
                  injected, watched);
}
END_TEST

/* ---- the round-trip loop ----------------------------------------------- */

/* What the echo side of the round trips did, as its checker child found it. */
struct echo_report {
    int ended; /* 1: it reached end of stream */
    int err;   /* errno of what failed, when it did not */
    uint64_t echoed;
};

/*
 * The echo side, in a child of the test (with a student process of its
 * own), as rtt_echo() does it: each message that arrives on ping goes
 * straight back on pong, until end of stream. Never returns.
 */
static _Noreturn void echo_all(const char *mech, struct channel *ping, struct channel *pong,
                               size_t size, int report_fd)
{
    struct echo_report r = {0};
    char *buf = malloc(size);
    if (buf == NULL || choose_side(mech, ping, CHANNEL_RECEIVER) == -1 ||
        choose_side(mech, pong, CHANNEL_SENDER) == -1) {
        r.err = errno;
    } else {
        for (;;) {
            size_t len = 0;
            int got = compare_recv(mech, ping, buf, size, &len);
            if (got == 0) {
                r.ended = 1;
                break;
            }
            if (got != 1 || len > size || compare_send(mech, pong, buf, len) == -1) {
                r.err = got != 1 || len <= size ? errno : EMSGSIZE;
                break;
            }
            r.echoed++;
        }
    }
    compare_close(mech, ping);
    compare_close(mech, pong);
    free(buf);
    write_report(report_fd, &r, sizeof r);
    _exit(0);
}

START_TEST(round_trips_timed_and_checked)
{
    /* As measure_round_trips() does: a warm-up of a quarter of the trips,
     * then the measured ones, into the same samples. */
    const size_t count = 200, size = 256, warm_up = count / 4;
    signal(SIGPIPE, SIG_IGN);
    ck_assert_msg(agent_set_signal(SIGPIPE, 1) == 0, "test setup: ignoring SIGPIPE failed");
    struct channel ping, pong;
    open_channel(&ping, "unix", size);
    open_channel(&pong, "unix", size);
    int report[2];
    ck_assert_msg(pipe(report) == 0, "test setup: pipe failed");
    pid_t pid = fork();
    ck_assert_msg(pid != -1, "test setup: fork failed");
    if (pid == 0) {
        close(report[0]);
        echo_all("unix", &ping, &pong, size, report[1]);
    }
    close(report[1]);

    uint64_t *samples = calloc(count, sizeof *samples);
    ck_assert(samples != NULL);
    int rc = -1, saved = 0;
    if (choose_side("unix", &ping, CHANNEL_SENDER) == -1 ||
        choose_side("unix", &pong, CHANNEL_RECEIVER) == -1) {
        saved = errno;
    } else {
        rc = compare_rtt("unix", &ping, &pong, size, warm_up, samples);
        if (rc == 0)
            rc = compare_rtt("unix", &ping, &pong, size, count, samples);
        saved = errno;
    }
    compare_close("unix", &ping); /* the echo side's end of stream */
    compare_close("unix", &pong);
    size_t zero = 0;
    for (size_t i = 0; i < count; i++)
        zero += samples[i] == 0;
    free(samples);

    grade_waiting_for("the echo side to see end of stream");
    int status = grade_wait_child(pid, 10000);
    if (status == -1)
        kill(boundary_student_of(pid), SIGKILL);
    struct echo_report r;
    bool reported = read_report(report[0], &r, sizeof r);
    close(report[0]);
    grade_require_impl(rc, saved, "rtt_measure");
    ck_assert_msg(rc == 0, "the round-trip run failed: %s", strerror(saved));
    ck_assert_msg(status != -1,
                  "the round trips ended and both channels were closed, but the echo side saw no "
                  "end of stream within %d s: after fork() each process must close the end it "
                  "does not use (choose()), and the channel must be a stream (SOCK_STREAM), whose "
                  "reader sees end of stream once the sender closes",
                  grade_timeout_ms(10000) / 1000);
    ck_assert_msg(reported, "the echo side %s before it finished", grade_describe_status(status));
    ck_assert_msg(r.ended, "the round-trip run failed: the echo side's recv or send failed: %s",
                  errno_name(r.err));
    ck_assert_msg(r.echoed == warm_up + count, "the echo side answered %llu of %llu messages",
                  (unsigned long long)r.echoed, (unsigned long long)(warm_up + count));
    ck_assert_msg(zero == 0, "%zu round trips have no time; fill samples_ns[i] for every i", zero);
}
END_TEST

/* rtt_measure() over the kit's fake channel (compare_calls.h), 10 trips. */
static int run_fake(int mode, uint64_t *samples)
{
    return compare_rtt_fake(mode, 0, 0, 10, samples);
}

START_TEST(round_trip_loop_rejects_a_wrong_reply)
{
    uint64_t samples[10];
    int rc = run_fake(0, samples);
    REQUIRE_IMPL(rc, "rtt_measure");
    ck_assert_msg(rc == 0, "a faithful echo must give 0, got -1 (%s)", strerror(errno));
    errno = 0;
    rc = run_fake(1, samples);
    ck_assert_msg(rc == -1 && errno == EBADMSG,
                  "a reply with one byte changed must fail with EBADMSG (use verify_check)");
    errno = 0;
    rc = run_fake(3, samples);
    int err = errno;
    ck_assert_msg(rc == -1 && err == EBADMSG,
                  "a reply 8 bytes shorter than the message must fail with EBADMSG: check it with "
                  "the length recv() reported (verify_check(key, reply, len, i)), not the length "
                  "you asked for; got %d (%s)",
                  rc, rc == -1 ? errno_name(err) : "accepted");
}
END_TEST

/*
 * The smallest sample of a run whose send or receive takes ms milliseconds.
 * The samples are the student's numbers, so this process times the whole
 * call too: trips timed one after the other cannot add up to more.
 */
static uint64_t fake_min_sample(int send_ms, int recv_ms)
{
    uint64_t samples[10] = {0};
    uint64_t start = clock_now_ns();
    int rc = compare_rtt_fake(0, send_ms, recv_ms, 10, samples);
    int err = errno;
    uint64_t took = clock_now_ns() - start;
    grade_require_impl(rc, err, "rtt_measure");
    ck_assert_msg(rc == 0, "a faithful echo must give 0, got -1 (%s)", errno_name(err));
    uint64_t min = UINT64_MAX;
    double sum = 0;
    for (size_t i = 0; i < 10; i++) {
        min = samples[i] < min ? samples[i] : min;
        sum += (double)samples[i];
    }
    ck_assert_msg(sum <= (double)took,
                  "the 10 round trips add up to %.3f ms, but the whole rtt_measure() call took "
                  "%.3f ms: each sample is the clock_now_ns() after one trip's receive minus the "
                  "one before its send",
                  sum / 1e6, (double)took / 1e6);
    return min;
}

START_TEST(round_trip_time_covers_the_send_and_the_reply)
{
    /* A round trip is the time from just before the send to just after the
     * reply arrived: a send that takes 5 ms, or a reply that takes 5 ms to
     * come, must be in every sample. */
    uint64_t with_slow_send = fake_min_sample(5, 0);
    uint64_t with_slow_reply = fake_min_sample(0, 5);
    ck_assert_msg(with_slow_send >= 4000000,
                  "each send took 5 ms, but a round trip measured %.3f ms: take the start time "
                  "(clock_now_ns) just before the send, not after it",
                  (double)with_slow_send / 1e6);
    ck_assert_msg(with_slow_reply >= 4000000,
                  "each reply took 5 ms to arrive, but a round trip measured %.3f ms: take the end "
                  "time just after the receive returned, not before it",
                  (double)with_slow_reply / 1e6);
}
END_TEST

START_TEST(round_trip_loop_reports_epipe_when_echo_ends)
{
    uint64_t samples[10];
    errno = 0;
    int rc = run_fake(2, samples);
    REQUIRE_IMPL(rc, "rtt_measure");
    ck_assert_msg(rc == -1 && errno == EPIPE,
                  "recv returning 0 (end of stream) must make rtt_measure fail with EPIPE");
    errno = 0;
    rc = run_fake(4, samples);
    int err = errno;
    ck_assert_msg(rc == -1 && err == EIO,
                  "when the channel's send fails (here with EIO), rtt_measure must stop and return "
                  "-1 with the channel's errno; got %d (%s)",
                  rc, rc == -1 ? errno_name(err) : "success");
}
END_TEST

int main(int argc, char **argv)
{
    const struct grade_test tests[] = {
        {"pipe_adapter_keeps_messages_whole", pipe_adapter_keeps_messages_whole, 3, 10,
         "chan_pipe.c: pipe_channel_open() makes fd[0] the read end and fd[1] the write end"},
        {"unix_adapter_keeps_messages_whole", unix_adapter_keeps_messages_whole, 3, 10,
         "chan_unix.c: unix_channel_open() with socketpair(AF_UNIX, SOCK_STREAM, 0, fd)"},
        {"pipe_adapter_survives_short_reads_and_writes",
         pipe_adapter_survives_short_reads_and_writes, 2, 10,
         "chan_pipe.c: use the chan_stream_* operations, which loop on short counts"},
        {"unix_adapter_survives_short_reads_and_writes",
         unix_adapter_survives_short_reads_and_writes, 2, 10,
         "chan_unix.c: use the chan_stream_* operations, which loop on short counts"},
        {"pipe_adapter_ends_stream_when_sender_closes", pipe_adapter_ends_stream_when_sender_closes,
         2, 10, "chan_pipe.c: choose() must close the unused end; recv() gives 0 at EOF"},
        {"pipe_counts_agree_n_times_s", pipe_counts_agree_n_times_s, 3, 20,
         "chan_pipe.c: 500 messages of 1000 bytes must all arrive, checked"},
        {"unix_counts_agree_n_times_s", unix_counts_agree_n_times_s, 3, 20,
         "chan_unix.c: 40 messages of 64 KiB must all arrive, checked"},
        {"one_mib_messages_cross_with_short_io", one_mib_messages_cross_with_short_io, 3, 30,
         "chan_pipe.c: 1 MiB messages through a 64 KiB pipe, with short reads and writes"},
        {"round_trips_timed_and_checked", round_trips_timed_and_checked, 4, 20,
         "rtt.c: rtt_measure() sends, receives, checks and times each round trip"},
        {"round_trip_loop_rejects_a_wrong_reply", round_trip_loop_rejects_a_wrong_reply, 3, 10,
         "rtt.c: check every reply with verify_check(key, reply, len, i)"},
        {"round_trip_time_covers_the_send_and_the_reply",
         round_trip_time_covers_the_send_and_the_reply, 2, 10,
         "rtt.c: clock_now_ns() just before the send and just after the receive; stamp and "
         "check outside"},
        {"round_trip_loop_reports_epipe_when_echo_ends",
         round_trip_loop_reports_epipe_when_echo_ends, 2, 10,
         "rtt.c: recv() returning 0 means the echo side is gone: fail with EPIPE; a failed send "
         "or recv ends the loop with its errno"},
    };
    return grade_main(argc, argv, "05-compare", tests, GRADE_COUNT(tests));
}
