/*
 * test_compare_adapters.c - lab 05, the adapters: the pipe and UNIX-socket
 * channels move exactly the right bytes, also when every read and write
 * comes up short or is interrupted, and the pipe's reader sees end of
 * stream when the sender closes. The test holds the channel's descriptors;
 * each operation runs in the student's process (compare_calls.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "channel.h"
#include "checksum.h"
#include "compare_calls.h"
#include "compare_helpers.h"
#include "compare_tests.h"
#include "fault.h"
#include "grader.h"

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
    const size_t lengths[] = {0, 1, 100, largest / 2, largest};
    enum { COUNT = sizeof lengths / sizeof lengths[0] };
    static char out[COUNT][8192]; /* the messages, made here */
    ck_assert(largest <= sizeof out[0]);
    size_t payload = 0;
    for (size_t i = 0; i < COUNT; i++) {
        checksum_fill_pattern(out[i], lengths[i], 100 + i);
        payload += lengths[i];
    }
    struct channel_faults proofs = faults_on_channel(&ch, faults, faults, payload);
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
    fault_proof_require(&proofs.out, "the adapter's send");
    fault_proof_require(&proofs.in, "the adapter's recv");
    compare_close(mech, &ch);
}

/* The same, with every read and write on the channel cut to 7 bytes and
 * EINTR on every 3rd. */
static void round_messages_short_io(const char *mech)
{
    struct fault_plan plan = {.max_bytes = 7, .fail_every = 3, .fail_errno = EINTR};
    round_messages(mech, 1000, &plan);
    unsigned long injected = fault_injected(FAULT_OUT) + fault_injected(FAULT_IN);
    char watched[600];
    snprintf(watched, sizeof watched, "out: %s; in: %s", fault_describe(FAULT_OUT),
             fault_describe(FAULT_IN));
    fault_reset();
    ck_assert_msg(injected > 50, "%s: the short reads and writes did not happen (%s)", mech,
                  watched);
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

/* The points table (test_compare.c) reaches these tests through compare_tests.h. */
GRADE_EXPORT(pipe_adapter_keeps_messages_whole)
GRADE_EXPORT(unix_adapter_keeps_messages_whole)
GRADE_EXPORT(pipe_adapter_survives_short_reads_and_writes)
GRADE_EXPORT(unix_adapter_survives_short_reads_and_writes)
GRADE_EXPORT(pipe_adapter_ends_stream_when_sender_closes)
