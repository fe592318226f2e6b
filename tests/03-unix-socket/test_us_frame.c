/*
 * test_us_frame.c - lab 03's tests, part 2: framing, and waiting without
 * burning CPU (us_frame.h).
 *
 * They run in the checker, a process with no student code (boundary.h):
 * each us_*() call goes to the student's process. The points of each test
 * are in the table of test_unix_socket.c.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "checksum.h"
#include "err.h"
#include "fault.h"
#include "fault_proof.h"
#include "grader.h"
#include "us_frame.h"
#include "us_serve.h"
#include "us_test_calls.h"
#include "us_test_helpers.h"
#include "us_tests.h"

/* ---- part 2: framing ---------------------------------------------------- */

START_TEST(frame_header_is_4_byte_big_endian_length)
{
    int fds[2];
    make_pair(fds);
    int rc = us_send_frame(fds[0], "hello", 5);
    REQUIRE_IMPL(rc, "us_send_frame");
    ck_assert_msg(rc == 0, "us_send_frame failed: %s", errno_name(errno));
    unsigned char wire[9];
    ck_assert_msg(raw_recv_exact(fds[1], wire, sizeof wire, WAIT_MS) == 9,
                  "a 5-byte message must travel as 9 bytes: a 4-byte header, then the data");
    ck_assert_msg(memcmp(wire, "\0\0\0\5hello", 9) == 0,
                  "expected 00 00 00 05 'hello' on the wire, got %02x %02x %02x %02x '%.5s'",
                  wire[0], wire[1], wire[2], wire[3], (const char *)wire + 4);
    char big[300];
    memset(big, 'x', sizeof big);
    ck_assert_int_eq(us_send_frame(fds[0], big, sizeof big), 0);
    unsigned char header[4];
    ck_assert(raw_recv_exact(fds[1], header, 4, WAIT_MS) == 4);
    ck_assert_msg(header[0] == 0 && header[1] == 0 && header[2] == 1 && header[3] == 0x2c,
                  "300 bytes must be announced as 00 00 01 2c (network byte order: htonl), got "
                  "%02x %02x %02x %02x",
                  header[0], header[1], header[2], header[3]);
    char body[300];
    ck_assert(raw_recv_exact(fds[1], body, sizeof body, WAIT_MS) == 300);
    ck_assert_msg(nothing_queued(fds[1]), "us_send_frame sent more bytes than header + message");
    close_pair(fds);
}
END_TEST

START_TEST(frames_round_trip_from_empty_to_max_size)
{
    int fds[2];
    make_pair(fds);
    int rc = us_send_frame(fds[0], "", 0);
    REQUIRE_IMPL(rc, "us_send_frame");
    char *big = malloc(US_MAX_MESSAGE), *back = malloc(US_MAX_MESSAGE);
    ck_assert(big != NULL && back != NULL);
    checksum_fill_pattern(big, US_MAX_MESSAGE, 7);
    ck_assert_msg(us_send_frame(fds[0], big, US_MAX_MESSAGE) == 0,
                  "us_send_frame must accept a message of exactly US_MAX_MESSAGE bytes");
    size_t len = 99;
    int got = us_recv_frame(fds[1], back, US_MAX_MESSAGE, &len);
    REQUIRE_IMPL(got, "us_recv_frame");
    ck_assert_msg(got == 1 && len == 0, "an empty message must arrive as one with length 0 "
                                        "(us_recv_frame returns 1, *len = 0)");
    got = us_recv_frame(fds[1], back, US_MAX_MESSAGE, &len);
    ck_assert_msg(got == 1 && len == US_MAX_MESSAGE,
                  "a US_MAX_MESSAGE-byte message came back as %d with length %zu", got, len);
    ck_assert_msg(memcmp(big, back, US_MAX_MESSAGE) == 0, "the largest message arrived changed");
    close(fds[0]);
    got = us_recv_frame(fds[1], back, US_MAX_MESSAGE, &len);
    ck_assert_msg(got == 0, "when the peer closes between frames us_recv_frame must return 0");
    free(big);
    free(back);
    close(fds[1]);
}
END_TEST

/* The length of the frame sent under planned faults: it fits unread. */
enum { FAULTED_FRAME_LEN = 1000 };

/*
 * After us_send_frame() under planned faults (after names them): receives
 * the frame with plain recv() and compares it with msg, then asks the
 * kernel whether the faults really happened (fault_proof.h).
 */
static void expect_frame_survived(int fd, const char *msg, const char *after,
                                  const struct fault_proof *proof)
{
    unsigned char header[4];
    char back[FAULTED_FRAME_LEN];
    ck_assert(raw_recv_exact(fd, header, 4, WAIT_MS) == 4);
    ck_assert_msg(memcmp(header, "\0\0\x03\xe8", 4) == 0 /* 1000, big-endian */,
                  "the header was damaged by %s", after);
    ck_assert(raw_recv_exact(fd, back, sizeof back, WAIT_MS) == (ssize_t)sizeof back);
    ck_assert_msg(memcmp(back, msg, sizeof back) == 0,
                  "bytes were lost or repeated across %s (advance by what send() returned)", after);
    fault_proof_require(proof, "us_send_frame()");
}

/*
 * Sends msg (FAULTED_FRAME_LEN bytes) as one frame on fds[0] while plan cuts
 * and fails the sends (what says how); the frame must arrive whole, after
 * more than min_faults faults. On failure, advice says what to do.
 */
static void send_frame_under_faults(int fds[2], const char *msg, struct fault_plan plan,
                                    const char *what, unsigned long min_faults, const char *advice)
{
    struct fault_proof proof = fault_proof_arm(FAULT_OUT, plan, FAULTED_FRAME_LEN);
    int rc = us_send_frame(fds[0], msg, FAULTED_FRAME_LEN);
    REQUIRE_IMPL(rc, "us_send_frame");
    int err = errno;
    struct fault_seen seen = grade_end_faults(FAULT_OUT);
    ck_assert_msg(rc == 0, "with %s, us_send_frame failed (%s); it must %s", what, errno_name(err),
                  advice);
    ck_assert_msg(seen.injected > min_faults,
                  "with %s, only %lu faults happened (calls seen: %s); us_send_frame must send "
                  "on the socket itself",
                  what, seen.injected, seen.calls);
    expect_frame_survived(fds[1], msg, what, &proof);
}

START_TEST(frames_survive_short_sends_eintr_and_eagain)
{
    /* Each send() of a few bytes costs the socket buffer far more than the
     * bytes themselves, so the message stays small enough to fit unread. */
    int fds[2];
    make_pair(fds);
    char msg[FAULTED_FRAME_LEN];
    checksum_fill_pattern(msg, sizeof msg, 11);
    send_frame_under_faults(
        fds, msg,
        (struct fault_plan){.fd = fds[0], .max_bytes = 16, .fail_every = 3, .fail_errno = EINTR},
        "short sends and EINTR", 60, "send the rest after a short send; send again after EINTR");
    send_frame_under_faults(
        fds, msg,
        (struct fault_plan){.fd = fds[0], .max_bytes = 64, .fail_every = 2, .fail_errno = EAGAIN},
        "EAGAIN on every 2nd send", 15, "poll() for POLLOUT and go on");
    close_pair(fds);
}
END_TEST

START_TEST(frames_survive_short_recvs_eintr_and_eagain)
{
    int fds[2];
    make_pair(fds);
    char msg[3000], back[3000];
    checksum_fill_pattern(msg, sizeof msg, 12);
    for (int i = 0; i < 2; i++) {
        raw_send_header(fds[0], sizeof msg);
        must_send(fds[0], msg, sizeof msg);
    }
    struct fault_proof proof = fault_proof_arm(
        FAULT_IN,
        (struct fault_plan){.fd = fds[1], .max_bytes = 7, .fail_every = 4, .fail_errno = EINTR},
        sizeof msg);
    size_t len = 0;
    int got = us_recv_frame(fds[1], back, sizeof back, &len);
    REQUIRE_IMPL(got, "us_recv_frame");
    unsigned long injected = fault_injected(FAULT_IN);
    ck_assert_msg(got == 1 && len == sizeof msg,
                  "with receives cut to 7 bytes and EINTR, us_recv_frame returned %d, length %zu",
                  got, len);
    ck_assert_msg(injected > 300,
                  "only %lu faults happened (calls seen: %s); us_recv_frame must receive from the "
                  "socket itself",
                  injected, fault_describe(FAULT_IN));
    ck_assert_msg(memcmp(back, msg, sizeof msg) == 0, "bytes were lost across short receives");
    fault_proof_require(&proof, "us_recv_frame()");
    proof = fault_proof_arm(
        FAULT_IN,
        (struct fault_plan){.fd = fds[1], .max_bytes = 3, .fail_every = 2, .fail_errno = EAGAIN},
        sizeof msg);
    memset(back, 0, sizeof back);
    got = us_recv_frame(fds[1], back, sizeof back, &len);
    int err = errno;
    injected = fault_injected(FAULT_IN);
    fault_reset();
    ck_assert_msg(got == 1 && len == sizeof msg,
                  "with EAGAIN on every 2nd recv, us_recv_frame returned %d (%s); it must poll() "
                  "for POLLIN and go on",
                  got, got == -1 ? errno_name(err) : "wrong length");
    ck_assert_msg(injected > 100, "EAGAIN was to fail every 2nd recv, but only %lu faults happened",
                  injected);
    ck_assert_msg(memcmp(back, msg, sizeof msg) == 0, "bytes were lost around EAGAIN");
    fault_proof_require(&proof, "us_recv_frame()");
    close_pair(fds);
}
END_TEST

/* ---- waiting costs no CPU -------------------------------------------------- */

enum { SLOW_PEER_MS = 400 };

/*
 * A lab call that must sleep in poll() while its peer is slow, and the words
 * its failure messages use: the call, what it was given, what it waits for,
 * the call it must not retry at once, and the poll() event that says when.
 */
struct waiting_call {
    const char *name;
    const char *given;
    const char *waits_for;
    const char *retried;
    const char *poll_event;
};

static const struct waiting_call SEND_ALL_WAITS = {"us_send_all", "on a full non-blocking socket",
                                                   "room", "send()", "POLLOUT"};
static const struct waiting_call RECV_EXACT_WAITS = {
    "us_recv_exact", "on a non-blocking socket with nothing yet", "data", "recv()", "POLLIN"};

/*
 * A connected pair for a waiting call: the test's end (mine) is
 * non-blocking; the other end (theirs) goes to a slow peer, a child that
 * acts on it only after SLOW_PEER_MS. The clocks start when it is forked.
 */
struct slow_peer_pair {
    int mine, theirs;
    pid_t pid, student;
    double cpu_before, wall_before;
};

static struct slow_peer_pair slow_peer_pair_open(void)
{
    int fds[2];
    make_pair(fds);
    struct slow_peer_pair p = {.mine = fds[0], .theirs = fds[1]};
    int flags = fcntl(p.mine, F_GETFL);
    ck_assert(fcntl(p.mine, F_SETFL, flags | O_NONBLOCK) == 0);
    return p;
}

/*
 * Forks the slow peer, which closes mine, waits SLOW_PEER_MS, and exits
 * with what act(theirs) returns. Here theirs is closed, and the clocks
 * start: the call under test comes next.
 */
static void slow_peer_start(struct slow_peer_pair *p, int (*act)(int fd))
{
    p->pid = fork_child(&p->student);
    if (p->pid == 0) {
        close(p->mine);
        pause_ms(SLOW_PEER_MS);
        _exit(act(p->theirs));
    }
    close(p->theirs);
    p->cpu_before = cpu_seconds();
    p->wall_before = wall_seconds();
}

/*
 * Right after the waiting call on mine, which returned n with errno err
 * (want: the full count): stops the clocks, closes mine and waits for the
 * peer; then the call must have done its whole job, and used less than a
 * quarter of the time it waited in CPU. A busy loop on EAGAIN uses it all.
 */
static void expect_waited_in_poll(struct slow_peer_pair *p, ssize_t n, int err, size_t want,
                                  const struct waiting_call *call)
{
    double cpu = cpu_seconds() - p->cpu_before, waited = wall_seconds() - p->wall_before;
    close(p->mine);
    wait_child_and_student(p->pid, p->student, WAIT_MS);
    grade_require_impl(n, err, call->name);
    ck_assert_msg(n == (ssize_t)want,
                  "%s() %s returned %zd (%s); on EAGAIN it must wait for %s with poll(%s), then "
                  "call %s again",
                  call->name, call->given, n, n == -1 ? errno_name(err) : "short", call->waits_for,
                  call->poll_event, call->retried);
    ck_assert_msg(cpu < 0.25 * waited,
                  "%s() used %.0f ms of CPU while waiting %.0f ms for %s: it retries %s at once on "
                  "EAGAIN (a busy loop). Wait with poll(%s) instead",
                  call->name, cpu * 1000, waited * 1000, call->waits_for, call->retried,
                  call->poll_event);
}

/* The slow reader: takes everything, until the test closes its end. */
static int read_everything(int fd)
{
    char buf[65536];
    while (recv(fd, buf, sizeof buf, 0) > 0)
        ;
    return 0;
}

/* The slow sender: four bytes, then it is gone. */
static int send_four_bytes(int fd)
{
    return send(fd, "late", 4, MSG_NOSIGNAL) == 4 ? 0 : 1;
}

START_TEST(send_all_waits_in_poll_while_the_socket_is_full)
{
    struct slow_peer_pair p = slow_peer_pair_open();
    char block[4096];
    memset(block, 'f', sizeof block);
    while (send(p.mine, block, sizeof block, MSG_NOSIGNAL) > 0)
        ;
    ck_assert_msg(errno == EAGAIN, "test setup: filling the socket ended with %s",
                  errno_name(errno));
    slow_peer_start(&p, read_everything);
    ssize_t n = us_send_all(p.mine, block, sizeof block);
    expect_waited_in_poll(&p, n, errno, sizeof block, &SEND_ALL_WAITS);
}
END_TEST

START_TEST(recv_exact_waits_in_poll_while_nothing_came)
{
    struct slow_peer_pair p = slow_peer_pair_open();
    slow_peer_start(&p, send_four_bytes);
    char buf[4];
    ssize_t n = us_recv_exact(p.mine, buf, sizeof buf);
    expect_waited_in_poll(&p, n, errno, sizeof buf, &RECV_EXACT_WAITS);
}
END_TEST

START_TEST(oversized_frame_refused_from_header_alone)
{
    int fds[2];
    make_pair(fds);
    char *big = calloc(1, US_MAX_MESSAGE + 1);
    ck_assert(big != NULL);
    errno = 0;
    int rc = us_send_frame(fds[0], big, US_MAX_MESSAGE + 1);
    int send_errno = errno;
    free(big);
    REQUIRE_IMPL(rc, "us_send_frame");
    ck_assert_msg(rc == -1 && send_errno == EMSGSIZE,
                  "us_send_frame of US_MAX_MESSAGE + 1 bytes must fail with EMSGSIZE");
    ck_assert_msg(nothing_queued(fds[1]), "us_send_frame refused a message but sent bytes anyway");

    raw_send_header(fds[0], US_MAX_MESSAGE + 1);
    must_send(fds[0], "abc", 3);
    char buf[64];
    size_t len;
    errno = 0;
    int got = us_recv_frame(fds[1], buf, sizeof buf, &len);
    REQUIRE_IMPL(got, "us_recv_frame");
    ck_assert_msg(got == -1 && errno == EMSGSIZE,
                  "a header announcing US_MAX_MESSAGE + 1 bytes must make us_recv_frame fail with "
                  "EMSGSIZE");
    char rest[3];
    ck_assert_msg(recv(fds[1], rest, 3, MSG_DONTWAIT) == 3 && memcmp(rest, "abc", 3) == 0,
                  "us_recv_frame read the payload of a frame it refuses; decide from the header "
                  "alone, before reading (or allocating) anything for it");

    /* The limit holds even for a caller whose buffer is larger. */
    char *roomy = malloc(US_MAX_MESSAGE + 16);
    ck_assert(roomy != NULL);
    raw_send_header(fds[0], US_MAX_MESSAGE + 1);
    errno = 0;
    got = us_recv_frame(fds[1], roomy, US_MAX_MESSAGE + 16, &len);
    int roomy_errno = errno;
    free(roomy);
    ck_assert_msg(got == -1 && roomy_errno == EMSGSIZE,
                  "US_MAX_MESSAGE + 1 bytes is over the limit even when cap is larger: "
                  "us_recv_frame must fail with EMSGSIZE");

    raw_send_header(fds[0], 0xFFFFFFFFu);
    errno = 0;
    got = us_recv_frame(fds[1], buf, sizeof buf, &len);
    ck_assert_msg(got == -1 && errno == EMSGSIZE,
                  "a header announcing 4 GiB must fail with EMSGSIZE at once");

    raw_send_header(fds[0], 40);
    must_send(fds[0], buf, 40);
    errno = 0;
    got = us_recv_frame(fds[1], buf, 10, &len);
    ck_assert_msg(got == -1 && errno == EMSGSIZE,
                  "a 40-byte frame does not fit a 10-byte buffer: us_recv_frame must fail with "
                  "EMSGSIZE (compare the length with cap too)");
    close_pair(fds);
}
END_TEST

START_TEST(truncated_frame_reports_eproto)
{
    struct {
        const char *what;
        const char *bytes;
        size_t len;
        int want;
    } cases[] = {
        {"2 of the 4 header bytes", "\0\0", 2, EPROTO},
        {"a header for 10 bytes and 4 of them",
         "\0\0\0\x0a"
         "abcd",
         8, EPROTO},
        {"nothing at all", "", 0, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int fds[2];
        make_pair(fds);
        must_send(fds[0], cases[i].bytes, cases[i].len);
        shutdown(fds[0], SHUT_WR); /* no more bytes will come */
        char buf[64];
        size_t len;
        errno = 0;
        int got = us_recv_frame(fds[1], buf, sizeof buf, &len);
        int recv_errno = errno;
        close_pair(fds);
        REQUIRE_IMPL(got, "us_recv_frame");
        if (cases[i].want == 0)
            ck_assert_msg(got == 0, "a peer that closes before any frame is a clean end: "
                                    "us_recv_frame must return 0");
        else
            ck_assert_msg(got == -1 && recv_errno == EPROTO,
                          "after %s the peer closed: us_recv_frame must fail with EPROTO, not %s",
                          cases[i].what, got == -1 ? errno_name(recv_errno) : "succeed");
    }
}
END_TEST

START_TEST(serve_client_upcases_each_frame_until_eof)
{
    int fds[2];
    make_pair(fds);
    raw_send_frame(fds[0], "hello");
    raw_send_frame(fds[0], "Mixed Case 123!");
    raw_send_frame(fds[0], "");
    shutdown(fds[0], SHUT_WR);
    /* conn is given to the student's process, so that afterwards only it
     * holds that end: fds[0] then sees end of file if, and only if, the
     * student's code closed conn. */
    int conn = fds[1];
    long answered = us_serve_client_given(conn);
    int err = errno;
    if (answered == -1 && err == ENOSYS)
        us_test_close(conn);
    grade_require_impl(answered, err, "us_serve_client");
    ck_assert_msg(answered == 3, "us_serve_client answered %ld messages; expected 3 (%s)", answered,
                  answered == -1 ? strerror(err) : "then EOF");
    const char *want[] = {"HELLO", "MIXED CASE 123!", ""};
    for (int i = 0; i < 3; i++) {
        uint32_t net;
        char body[64];
        ck_assert(raw_recv_exact(fds[0], &net, 4, WAIT_MS) == 4);
        size_t len = ntohl(net);
        ck_assert_msg(len == strlen(want[i]), "answer %d announces %zu bytes, expected %zu", i + 1,
                      len, strlen(want[i]));
        ck_assert(raw_recv_exact(fds[0], body, len, WAIT_MS) == (ssize_t)len);
        ck_assert_msg(memcmp(body, want[i], len) == 0, "answer %d is \"%.*s\", expected \"%s\"",
                      i + 1, (int)len, body, want[i]);
    }
    bool kept = nothing_queued(fds[0]); /* no end of file: conn is still open */
    us_test_close(conn);
    close(fds[0]);
    ck_assert_msg(kept, "us_serve_client must not close conn");
}
END_TEST

/* For the points table (us_tests.h). */
US_TESTS_FRAME(GRADE_EXPORT)
