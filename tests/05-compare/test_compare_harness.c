/*
 * test_compare_harness.c - lab 05, the harness in two processes: N messages
 * of S bytes sent through the student's adapter all arrive, whole and in
 * order, and the receiver then sees end of stream. The test plays both
 * sides (a child of its own receives), so the counts are its own.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent_services.h"
#include "channel.h"
#include "compare_calls.h"
#include "compare_helpers.h"
#include "compare_tests.h"
#include "err.h"
#include "fault.h"
#include "grader.h"

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
    struct channel_faults proofs = faults_on_channel(&ch, out_faults, in_faults, size * count);
    char *data = make_pattern(size * count, size + count);
    int report_fd;
    pid_t pid = fork_reporter(&report_fd);
    if (pid == 0)
        receive_all(mech, &ch, data, size, count, report_fd);

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
    struct receiver_report r;
    bool reported;
    int status = end_reporter(pid, report_fd, 10000, &r, sizeof r, &reported);
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
    /* This process's student process sent; the receiver, a child, has its own count. */
    fault_proof_require(&proofs.out, "the adapter's send");
}

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
    struct fault_seen seen = grade_end_faults(FAULT_OUT);
    ck_assert_msg(seen.injected >= 6 * 262,
                  "the sender's writes were to be cut to 4000 bytes, but only %lu were (calls "
                  "seen: %s)",
                  seen.injected, seen.calls);
}
END_TEST

/* The points table (test_compare.c) reaches these tests through compare_tests.h. */
GRADE_EXPORT(pipe_counts_agree_n_times_s)
GRADE_EXPORT(unix_counts_agree_n_times_s)
GRADE_EXPORT(one_mib_messages_cross_with_short_io)
