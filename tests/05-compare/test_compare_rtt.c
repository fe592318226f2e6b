/*
 * test_compare_rtt.c - lab 05, the round-trip loop: rtt_measure() sends,
 * receives, checks and times every trip. Over a real UNIX channel the echo
 * side is a child of the test; over the kit's fake channel (in the
 * student's process, compare_calls.h) a wrong, short or missing reply and
 * slow operations show whether each trip is checked and timed right.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent_services.h"
#include "channel.h"
#include "clock.h"
#include "compare_calls.h"
#include "compare_helpers.h"
#include "compare_tests.h"
#include "err.h"
#include "grader.h"

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

/*
 * The samples are the student's numbers, so this process times the whole
 * rtt_measure() call too: trips timed one after the other cannot add up to
 * more than the call took, whatever the clock was read for.
 */
static void assert_samples_fit(const uint64_t *samples, size_t count, uint64_t took)
{
    double sum = 0;
    for (size_t i = 0; i < count; i++)
        sum += (double)samples[i];
    ck_assert_msg(sum <= (double)took,
                  "the %zu round trips add up to %.3f ms, but the whole rtt_measure() call took "
                  "%.3f ms: each sample is the clock_now_ns() after one trip's receive minus the "
                  "one before its send",
                  count, sum / 1e6, (double)took / 1e6);
}

START_TEST(round_trips_timed_and_checked)
{
    /* As measure_round_trips() does: a warm-up of a quarter of the trips,
     * then the measured ones, into the same samples. */
    enum { COUNT = 200 };
    const size_t count = COUNT, size = 256, warm_up = count / 4;
    signal(SIGPIPE, SIG_IGN);
    ck_assert_msg(agent_set_signal(SIGPIPE, 1) == 0, "test setup: ignoring SIGPIPE failed");
    struct channel ping, pong;
    open_channel(&ping, "unix", size);
    open_channel(&pong, "unix", size);
    int report_fd;
    pid_t pid = fork_reporter(&report_fd);
    if (pid == 0)
        echo_all("unix", &ping, &pong, size, report_fd);

    uint64_t samples[COUNT] = {0};
    int rc = -1, saved = 0;
    uint64_t took = 0; /* the measured run, timed here */
    if (choose_side("unix", &ping, CHANNEL_SENDER) == -1 ||
        choose_side("unix", &pong, CHANNEL_RECEIVER) == -1) {
        saved = errno;
    } else {
        rc = compare_rtt("unix", &ping, &pong, size, warm_up, samples);
        if (rc == 0) {
            uint64_t start = clock_now_ns();
            rc = compare_rtt("unix", &ping, &pong, size, count, samples);
            took = clock_now_ns() - start;
        }
        saved = errno;
    }
    compare_close("unix", &ping); /* the echo side's end of stream */
    compare_close("unix", &pong);
    size_t zero = 0;
    for (size_t i = 0; i < count; i++)
        zero += samples[i] == 0;

    grade_waiting_for("the echo side to see end of stream");
    struct echo_report r;
    bool reported;
    int status = end_reporter(pid, report_fd, 10000, &r, sizeof r, &reported);
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
    assert_samples_fit(samples, count, took);
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

/* The smallest sample of a run whose send or receive takes ms milliseconds. */
static uint64_t fake_min_sample(int send_ms, int recv_ms)
{
    uint64_t samples[10] = {0};
    uint64_t start = clock_now_ns();
    int rc = compare_rtt_fake(0, send_ms, recv_ms, 10, samples);
    int err = errno;
    uint64_t took = clock_now_ns() - start;
    grade_require_impl(rc, err, "rtt_measure");
    ck_assert_msg(rc == 0, "a faithful echo must give 0, got -1 (%s)", errno_name(err));
    assert_samples_fit(samples, 10, took);
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

/* The points table (test_compare.c) reaches these tests through compare_tests.h. */
GRADE_EXPORT(round_trips_timed_and_checked)
GRADE_EXPORT(round_trip_loop_rejects_a_wrong_reply)
GRADE_EXPORT(round_trip_time_covers_the_send_and_the_reply)
GRADE_EXPORT(round_trip_loop_reports_epipe_when_echo_ends)
