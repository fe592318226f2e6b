/*
 * test_compare.c - the graded tests of lab 05 (measuring IPC).
 *
 * They check that the pipe and UNIX-socket adapters move exactly the right
 * bytes (also when every read and write comes up short or is interrupted),
 * that the harness's counts agree (N messages of S bytes sent, the same
 * received and checked), and that the round-trip loop times and checks
 * every reply. They never check how fast anything is: speed is measured by
 * `make bench`, not graded.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "channel.h"
#include "err.h"
#include "fault.h"
#include "grader.h"
#include "measure.h"
#include "rtt.h"
#include "verify.h"

/* ---- helpers ---------------------------------------------------------- */

/* Opens a channel or fails the test, saying "not implemented yet" for ENOSYS. */
static void open_channel(struct channel *ch, const struct channel_ops *ops, size_t max_msg)
{
    channel_init(ch, ops);
    int rc = ops->open(ch, max_msg);
    grade_require_impl(rc, errno, ops == &CHANNEL_PIPE ? "CHANNEL_PIPE.open" : "CHANNEL_UNIX.open");
    ck_assert_msg(rc == 0, "%s: open failed: %s", ops->name, errno_name(errno));
    ck_assert_msg(ch->fd[0] >= 0 && ch->fd[1] >= 0,
                  "%s: open must set fd[0] (receiving end) and fd[1] (sending end)", ops->name);
}

/*
 * Sends messages of lengths 0, 1, 100 ... up to `largest` and receives them
 * on the same channel, in one process, checking each. All of them must fit
 * in the kernel's buffer at once: with 7-byte writes a socket spends about
 * a kilobyte of buffer on each tiny write, so the short-I/O tests send less.
 */
static void round_messages(const struct channel_ops *ops, size_t largest)
{
    struct channel ch;
    open_channel(&ch, ops, 8192);
    const size_t lengths[] = {0, 1, 100, largest / 2, largest};
    char out[8192], in[8192];
    for (size_t i = 0; i < sizeof lengths / sizeof lengths[0]; i++) {
        memset(out, (int)('a' + i), lengths[i]);
        ck_assert_msg(ops->send(&ch, out, lengths[i]) == 0, "%s: send of %zu bytes failed: %s",
                      ops->name, lengths[i], strerror(errno));
    }
    for (size_t i = 0; i < sizeof lengths / sizeof lengths[0]; i++) {
        size_t len = 12345;
        int rc = ops->recv(&ch, in, sizeof in, &len);
        ck_assert_msg(rc == 1, "%s: message %zu: recv returned %d (%s)", ops->name, i, rc,
                      strerror(errno));
        ck_assert_msg(len == lengths[i], "%s: message %zu has %zu bytes, sent %zu", ops->name, i,
                      len, lengths[i]);
        memset(out, (int)('a' + i), lengths[i]);
        ck_assert_msg(memcmp(in, out, len) == 0, "%s: message %zu came back changed", ops->name, i);
    }
    ops->close(&ch);
}

/* The same, with every read and write cut to 7 bytes and EINTR on every 3rd. */
static void round_messages_short_io(const struct channel_ops *ops)
{
    struct fault_plan plan = {.fd = -1, .max_bytes = 7, .fail_every = 3, .fail_errno = EINTR};
    fault_set(FAULT_OUT, plan);
    fault_set(FAULT_IN, plan);
    round_messages(ops, 1000);
    unsigned long injected = fault_injected(FAULT_OUT) + fault_injected(FAULT_IN);
    char watched[600];
    snprintf(watched, sizeof watched, "out: %s; in: %s", fault_describe(FAULT_OUT),
             fault_describe(FAULT_IN));
    fault_reset();
    ck_assert_msg(injected > 50, "%s: the short reads and writes did not happen (%s)", ops->name,
                  watched);
}

static void counts_agree(const struct channel_ops *ops, size_t size, size_t count)
{
    signal(SIGPIPE, SIG_IGN);
    struct measure_config cfg = {
        .mech = ops, .size = size, .count = count, .sender_cpu = -1, .receiver_cpu = -1};
    struct measure_result res = {0};
    int rc = measure_throughput(&cfg, &res);
    grade_require_impl(rc, errno, ops == &CHANNEL_PIPE ? "CHANNEL_PIPE.open" : "CHANNEL_UNIX.open");
    ck_assert_msg(rc == 0, "%s: the throughput run failed: %s", ops->name, errno_name(errno));
    ck_assert_msg(res.messages_sent == count && res.messages_received == count,
                  "%s: sent %llu and received %llu messages, expected %zu", ops->name,
                  (unsigned long long)res.messages_sent, (unsigned long long)res.messages_received,
                  count);
    ck_assert_msg(res.bytes_received == (uint64_t)count * size,
                  "%s: received %llu bytes, expected N x S = %zu", ops->name,
                  (unsigned long long)res.bytes_received, count * size);
}

/* ---- the adapters ------------------------------------------------------ */

START_TEST(pipe_adapter_keeps_messages_whole)
{
    round_messages(&CHANNEL_PIPE, 8192);
}
END_TEST

START_TEST(unix_adapter_keeps_messages_whole)
{
    round_messages(&CHANNEL_UNIX, 8192);
}
END_TEST

START_TEST(pipe_adapter_survives_short_reads_and_writes)
{
    round_messages_short_io(&CHANNEL_PIPE);
}
END_TEST

START_TEST(unix_adapter_survives_short_reads_and_writes)
{
    round_messages_short_io(&CHANNEL_UNIX);
}
END_TEST

START_TEST(pipe_adapter_ends_stream_when_sender_closes)
{
    struct channel ch;
    open_channel(&ch, &CHANNEL_PIPE, 64);
    ck_assert_int_eq(CHANNEL_PIPE.send(&ch, "last", 4), 0);
    /* As the sender would after fork: keep only the sending end, then close it. */
    int receiving = dup(ch.fd[0]);
    ck_assert(receiving != -1);
    ck_assert_int_eq(CHANNEL_PIPE.choose(&ch, CHANNEL_SENDER), 0);
    ck_assert_int_eq(CHANNEL_PIPE.close(&ch), 0);
    ch.fd[0] = receiving;
    char buf[64];
    size_t len;
    ck_assert_msg(CHANNEL_PIPE.recv(&ch, buf, sizeof buf, &len) == 1 && len == 4,
                  "the message sent before closing must still arrive");
    ck_assert_msg(CHANNEL_PIPE.recv(&ch, buf, sizeof buf, &len) == 0,
                  "after the last message, recv must report end of stream (0)");
    close(receiving);
}
END_TEST

/* ---- the harness, two processes --------------------------------------- */

START_TEST(pipe_counts_agree_n_times_s)
{
    counts_agree(&CHANNEL_PIPE, 1000, 500);
}
END_TEST

START_TEST(unix_counts_agree_n_times_s)
{
    counts_agree(&CHANNEL_UNIX, 64 * 1024, 40);
}
END_TEST

START_TEST(one_mib_messages_cross_with_short_io)
{
    /* The plan is inherited by the forked receiver too. */
    fault_set(FAULT_OUT, (struct fault_plan){.fd = -1, .max_bytes = 4000});
    fault_set(FAULT_IN, (struct fault_plan){
                            .fd = -1, .max_bytes = 3000, .fail_every = 7, .fail_errno = EINTR});
    counts_agree(&CHANNEL_PIPE, 1024 * 1024, 6);
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

START_TEST(round_trips_timed_and_checked)
{
    signal(SIGPIPE, SIG_IGN);
    size_t count = 200;
    uint64_t *samples = calloc(count, sizeof *samples);
    ck_assert(samples != NULL);
    struct measure_config cfg = {
        .mech = &CHANNEL_UNIX, .size = 256, .count = count, .sender_cpu = -1, .receiver_cpu = -1};
    struct measure_result res = {0};
    int rc = measure_round_trips(&cfg, samples, &res);
    int saved = errno;
    size_t zero = 0;
    for (size_t i = 0; i < count; i++)
        zero += samples[i] == 0;
    free(samples);
    grade_require_impl(rc, saved, "rtt_measure or CHANNEL_UNIX.open");
    ck_assert_msg(rc == 0, "the round-trip run failed: %s", strerror(saved));
    ck_assert_msg(res.messages_received == res.messages_sent && res.messages_sent >= count,
                  "the echo side answered %llu of %llu messages",
                  (unsigned long long)res.messages_received, (unsigned long long)res.messages_sent);
    ck_assert_msg(zero == 0, "%zu round trips have no time; fill samples_ns[i] for every i", zero);
}
END_TEST

/* A fake channel: send keeps the message, recv hands it back, altered as asked. */
static char fake_box[256];
static size_t fake_len;
/* 0: faithful, 1: flip a byte, 2: end of stream, 3: 8 bytes short, 4: send fails with EIO */
static int fake_mode;
static int fake_send_ms, fake_recv_ms; /* how long each operation takes */

static void fake_sleep(int ms)
{
    struct timespec t = {.tv_sec = 0, .tv_nsec = (long)ms * 1000000};
    while (ms > 0 && nanosleep(&t, &t) == -1 && errno == EINTR)
        ;
}

static int fake_send(struct channel *ch, const void *msg, size_t len)
{
    (void)ch;
    fake_sleep(fake_send_ms);
    if (fake_mode == 4) {
        errno = EIO; /* the channel failed */
        return -1;
    }
    memcpy(fake_box, msg, len);
    fake_len = len;
    return 0;
}

static int fake_recv(struct channel *ch, void *buf, size_t cap, size_t *len)
{
    (void)ch;
    fake_sleep(fake_recv_ms);
    if (fake_mode == 2)
        return 0;
    memcpy(buf, fake_box, fake_len < cap ? fake_len : cap);
    if (fake_mode == 1)
        ((char *)buf)[fake_len - 1] ^= 0x40;
    *len = fake_mode == 3 ? fake_len - 8 : fake_len; /* 3: the bytes are right, the length not */
    return 1;
}

static const struct channel_ops FAKE = {.name = "fake", .send = fake_send, .recv = fake_recv};

static int run_fake(int mode, uint64_t *samples)
{
    struct channel ch;
    channel_init(&ch, &FAKE);
    char msg[256], reply[256];
    struct verify_key key = verify_prepare(msg, sizeof msg);
    fake_mode = mode;
    return rtt_measure(&ch, &ch, msg, reply, &key, 10, samples);
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

/* The smallest sample of a run whose send or receive takes ms milliseconds. */
static uint64_t fake_min_sample(int send_ms, int recv_ms)
{
    uint64_t samples[10];
    fake_send_ms = send_ms;
    fake_recv_ms = recv_ms;
    int rc = run_fake(0, samples);
    int err = errno;
    fake_send_ms = fake_recv_ms = 0;
    grade_require_impl(rc, err, "rtt_measure");
    ck_assert_msg(rc == 0, "a faithful echo must give 0, got -1 (%s)", errno_name(err));
    uint64_t min = UINT64_MAX;
    for (size_t i = 0; i < 10; i++)
        min = samples[i] < min ? samples[i] : min;
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
