/*
 * test_us_cred_fdpass.c - lab 03's tests, parts 5 and 6: peer credentials
 * (us_cred.h) and passing a descriptor (us_fdpass.h).
 *
 * They run in the checker, a process with no student code (boundary.h):
 * each us_*() call goes to the student's process. The points of each test
 * are in the table of test_unix_socket.c.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "agent_services.h"
#include "boundary.h"
#include "err.h"
#include "fault.h"
#include "grader.h"
#include "us_cred.h"
#include "us_dgram.h"
#include "us_fdpass.h"
#include "us_frame.h"
#include "us_serve.h"
#include "us_socket.h"
#include "us_test_helpers.h"
#include "us_tests.h"

/* ---- part 5: peer credentials ------------------------------------------ */

enum { CRED_BAD_PID = 20, CRED_BAD_UID = 21, CRED_BAD_GID = 22 };

START_TEST(peercred_gives_pid_uid_gid_both_ways)
{
    int lfd = raw_listen("c.sock", 16);
    int hold[2];
    ck_assert(pipe(hold) == 0);
    pid_t student;
    pid_t pid = fork_child(&student);
    if (pid == 0) {
        close(hold[1]);
        int fd = raw_connect("c.sock");
        if (fd == -1)
            _exit(CHILD_FAILED);
        struct us_peer peer;
        if (us_peer_credentials(fd, &peer) == -1)
            _exit(errno == ENOSYS ? CHILD_ENOSYS : CHILD_FAILED);
        int result = peer.pid != getppid()  ? CRED_BAD_PID
                     : peer.uid != getuid() ? CRED_BAD_UID
                     : peer.gid != getgid() ? CRED_BAD_GID
                                            : CHILD_OK;
        char byte;
        while (read(hold[0], &byte, 1) == -1 && errno == EINTR)
            ; /* stay connected until the parent has looked */
        _exit(result);
    }
    close(hold[0]);
    bool arrived = wait_readable(lfd, WAIT_MS);
    int conn = arrived ? accept(lfd, NULL, NULL) : -1;
    struct us_peer peer = {.pid = -1};
    errno = 0;
    int rc = conn >= 0 ? us_peer_credentials(conn, &peer) : -1;
    int cred_errno = errno;
    close(hold[1]);
    int status = wait_child_and_student(pid, student, WAIT_MS);
    if (conn >= 0)
        close(conn);
    close(lfd);
    unlink("c.sock");
    ck_assert_msg(conn >= 0, "test setup: the client never connected");
    grade_require_impl(rc, cred_errno, "us_peer_credentials");
    ck_assert_msg(rc == 0, "us_peer_credentials failed: %s", strerror(cred_errno));
    ck_assert_msg(peer.pid == pid,
                  "SO_PEERCRED on the accepted socket must give the client's pid "
                  "%ld; us_peer_credentials said %ld",
                  (long)pid, (long)peer.pid);
    ck_assert_msg(peer.uid == getuid() && peer.gid == getgid(),
                  "the client's uid/gid should be %ld/%ld; us_peer_credentials said %ld/%ld",
                  (long)getuid(), (long)getgid(), (long)peer.uid, (long)peer.gid);
    ck_assert_msg(status != -1 && WIFEXITED(status), "the client %s",
                  status == -1 ? "hung" : grade_describe_status(status));
    ck_assert_msg(WEXITSTATUS(status) != CRED_BAD_PID,
                  "on the client's socket, SO_PEERCRED must give the server's pid (the process "
                  "that called listen())");
    ck_assert_msg(WEXITSTATUS(status) == CHILD_OK,
                  "the client's own us_peer_credentials call failed or gave a wrong uid/gid "
                  "(exit %d)",
                  WEXITSTATUS(status));
}
END_TEST

START_TEST(server_logs_client_pid_and_uid)
{
    struct endpoint at = abstract_endpoint();
    int lfd = endpoint_listen(&at, 16);
    struct server s;
    int log = open_log();
    server_start(&s, lfd, 1, false, 0, log);
    int client = must_connect(&at);
    expect_answer(&s, client, "who am i?");
    close(client);
    stop_server(&s, lfd);
    char expected[96];
    snprintf(expected, sizeof expected, "pid=%ld uid=%ld gid=%ld", (long)getpid(), (long)getuid(),
             (long)getgid());
    expect_log_mentions(log, expected, "the server must log each client's credentials");
}
END_TEST

START_TEST(same_uid_refuses_other_uids)
{
    struct endpoint at = abstract_endpoint();
    int lfd = endpoint_listen(&at, 16);
    /* The server may let in only allowed_uid: make that a uid we do not have. */
    uid_t other = getuid() + 1;
    struct server s;
    int log = open_log();
    server_start(&s, lfd, 1, true, other, log);
    int stranger = must_connect(&at);
    /* The server may close before these arrive: a failed send is fine here. */
    uint32_t five = htonl(5);
    if (raw_send(stranger, &five, sizeof five))
        raw_send(stranger, "hello", 5);
    expect_closed(&s, stranger,
                  "--same-uid: the server to refuse a client whose uid is not "
                  "allowed_uid (close without an answer)");
    close(stranger);
    server_finish(&s);
    expect_log_mentions(log, "refused", "after refusing a client by uid");

    server_start(&s, lfd, 1, true, getuid(), -1);
    int friend = must_connect(&at);
    expect_answer(&s, friend, "same uid, let me in");
    close(friend);
    stop_server(&s, lfd);
}
END_TEST

/* ---- part 6: passing a descriptor -------------------------------------- */

static const char FILE_TEXT[] = "the open file travels, not its name\n";

START_TEST(fd_passing_round_trip_reads_file)
{
    write_text_file("passed.txt", FILE_TEXT);
    int fds[2];
    make_pair(fds);
    pid_t student;
    pid_t pid = fork_child(&student);
    if (pid == 0) {
        close(fds[0]);
        int rc = us_send_file(fds[1], "passed.txt");
        _exit(rc == 0 ? CHILD_OK : errno == ENOSYS ? CHILD_ENOSYS : CHILD_FAILED);
    }
    close(fds[1]);
    int fd = -1, recv_errno = 0;
    if (wait_readable(fds[0], WAIT_MS)) {
        fd = us_recv_fd(fds[0]);
        recv_errno = errno;
    }
    int status = wait_child_and_student(pid, student, WAIT_MS);
    close(fds[0]);
    struct stat want, got;
    ck_assert(stat("passed.txt", &want) == 0);
    unlink("passed.txt");
    grade_require_impl(fd, recv_errno, "us_recv_fd");
    ck_assert_msg(status != -1 && WIFEXITED(status), "the sending child %s",
                  status == -1 ? "hung" : grade_describe_status(status));
    if (WEXITSTATUS(status) == CHILD_ENOSYS)
        ck_abort_msg("not implemented yet: us_send_file() returned -1 with ENOSYS; fill in its "
                     "TODO");
    ck_assert_msg(WEXITSTATUS(status) == CHILD_OK, "us_send_file failed in the sending child");
    ck_assert_msg(fd >= 0, "us_recv_fd returned %d (%s)", fd, strerror(recv_errno));
    ck_assert_msg(fstat(fd, &got) == 0 && got.st_ino == want.st_ino && got.st_dev == want.st_dev,
                  "the received descriptor is not the file the sender opened");
    ck_assert_msg(fcntl(fd, F_GETFD) & FD_CLOEXEC,
                  "the received descriptor must be close-on-exec (recvmsg with MSG_CMSG_CLOEXEC)");
    char text[128] = "";
    ssize_t n = read(fd, text, sizeof text - 1);
    close(fd);
    ck_assert_msg(n == (ssize_t)strlen(FILE_TEXT) && strcmp(text, FILE_TEXT) == 0,
                  "reading through the received descriptor gave %zd bytes, not the file", n);
}
END_TEST

/* Sends one byte with two descriptors: more than us_recv_fd takes. */
static void send_two_fds(int sock, int a, int b)
{
    union {
        struct cmsghdr align;
        char buf[CMSG_SPACE(2 * sizeof(int))];
    } control;
    memset(&control, 0, sizeof control);
    char byte = 'x';
    struct iovec iov = {.iov_base = &byte, .iov_len = 1};
    struct msghdr msg = {.msg_iov = &iov,
                         .msg_iovlen = 1,
                         .msg_control = control.buf,
                         .msg_controllen = sizeof control.buf};
    struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(2 * sizeof(int));
    int both[2] = {a, b};
    memcpy(CMSG_DATA(cm), both, sizeof both);
    ck_assert_msg(sendmsg(sock, &msg, 0) == 1, "test setup: sendmsg: %s", strerror(errno));
}

START_TEST(recv_fd_refuses_messages_without_one_fd)
{
    int fds[2];
    make_pair(fds);
    must_send(fds[0], "x", 1);
    errno = 0;
    int fd = us_recv_fd(fds[1]);
    int recv_errno = errno;
    REQUIRE_IMPL(fd, "us_recv_fd");
    ck_assert_msg(fd == -1 && recv_errno == EPROTO,
                  "a byte without a descriptor: us_recv_fd must fail with EPROTO, not %s",
                  fd >= 0 ? "return a descriptor" : errno_name(recv_errno));

    int a = open("/dev/null", O_RDONLY), b = open("/dev/null", O_RDONLY);
    ck_assert(a >= 0 && b >= 0);
    send_two_fds(fds[0], a, b);
    close(a);
    close(b);
    errno = 0;
    fd = us_recv_fd(fds[1]);
    recv_errno = errno;
    if (fd >= 0)
        close(fd);
    char held[256];
    int left = student_fds(held, sizeof held); /* what arrived there and stayed */
    ck_assert_msg(fd == -1 && recv_errno == EPROTO,
                  "two descriptors where one was expected (MSG_CTRUNC): us_recv_fd must fail "
                  "with EPROTO");
    ck_assert_msg(left == 0,
                  "after refusing a message with too many descriptors, %d descriptors were left "
                  "open (%s); close any that arrived",
                  left, held);

    close(fds[0]);
    errno = 0;
    fd = us_recv_fd(fds[1]);
    ck_assert_msg(fd == -1 && errno == EPROTO,
                  "when the peer has closed, us_recv_fd must fail with EPROTO");
    close(fds[1]);
}
END_TEST

START_TEST(failed_connect_and_bind_leave_no_descriptor)
{
    /* What the student's process holds after each failed call is its leak. */
    errno = 0;
    int fd = us_connect("nobody-here.sock");
    int err = errno;
    REQUIRE_IMPL(fd, "us_connect");
    if (fd >= 0)
        close(fd);
    ck_assert_msg(fd == -1 && err == ENOENT,
                  "us_connect() to a path where no file is must fail with ENOENT, got %d (%s)", fd,
                  fd == -1 ? errno_name(err) : "connected");
    ck_assert_msg(student_fds(NULL, 0) == 0,
                  "a failed us_connect() left its socket open: close it on the error path");
    int first = us_dgram_open("taken.sock");
    REQUIRE_IMPL(first, "us_dgram_open");
    ck_assert_msg(first >= 0, "us_dgram_open(\"taken.sock\") failed: %s", errno_name(errno));
    errno = 0;
    int second = us_dgram_open("taken.sock");
    err = errno;
    if (second >= 0)
        close(second);
    int leaked = student_fds(NULL, 0);
    close(first);
    unlink("taken.sock");
    ck_assert_msg(second == -1 && err == EADDRINUSE,
                  "us_dgram_open() of a path already bound must fail with EADDRINUSE, got %d (%s)",
                  second, second == -1 ? errno_name(err) : "a descriptor");
    ck_assert_msg(leaked == 0,
                  "a failed us_dgram_open() left its socket open: close it when bind() fails");
}
END_TEST

START_TEST(datagram_and_fd_calls_retry_eintr)
{
    int receiver, sender;
    open_datagram_pair(&receiver, &sender);
    /* Every 2nd receive fails with EINTR: the first datagram passes, the
     * second meets the signal and must be received on the retry. */
    for (int i = 0; i < 2; i++)
        ck_assert(us_dgram_send(sender, "d.sock", WORDS[i], strlen(WORDS[i])) >= 0);
    ck_assert(wait_readable(receiver, WAIT_MS));
    fault_set(FAULT_IN, (struct fault_plan){.fd = receiver, .fail_every = 2, .fail_errno = EINTR});
    char buf[64];
    ssize_t first = us_dgram_recv(receiver, buf, sizeof buf);
    errno = 0;
    ssize_t second = us_dgram_recv(receiver, buf, sizeof buf);
    int err = errno;
    unsigned long injected = fault_injected(FAULT_IN);
    fault_reset();
    close_datagram_pair(receiver, sender);
    REQUIRE_IMPL(first, "us_dgram_recv");
    ck_assert_msg(injected > 0, "no EINTR was injected into the receives (calls seen: %s)",
                  fault_describe(FAULT_IN));
    ck_assert_msg(first >= 0 && second == (ssize_t)strlen(WORDS[1]),
                  "with EINTR on every 2nd receive, us_dgram_recv returned %zd then %zd (%s): "
                  "retry the receive after EINTR",
                  first, second, second == -1 ? errno_name(err) : "wrong length");

    write_text_file("passed.txt", FILE_TEXT);
    int fds[2];
    make_pair(fds);
    int file = open("passed.txt", O_RDONLY);
    unlink("passed.txt");
    ck_assert(file >= 0);
    fault_set(FAULT_OUT, (struct fault_plan){.fd = fds[0], .fail_every = 2, .fail_errno = EINTR});
    fault_set(FAULT_IN, (struct fault_plan){.fd = fds[1], .fail_every = 2, .fail_errno = EINTR});
    int sent1 = us_send_fd(fds[0], file);
    int sent2 = us_send_fd(fds[0], file);
    int send_err = errno;
    int got1 = us_recv_fd(fds[1]);
    int got2 = us_recv_fd(fds[1]);
    int recv_err = errno;
    unsigned long out_faults = fault_injected(FAULT_OUT), in_faults = fault_injected(FAULT_IN);
    fault_reset();
    close(file);
    if (got1 >= 0)
        close(got1);
    if (got2 >= 0)
        close(got2);
    close_pair(fds);
    REQUIRE_IMPL(sent1, "us_send_fd");
    ck_assert_msg(out_faults > 0 && in_faults > 0, "no EINTR was injected into sendmsg/recvmsg");
    ck_assert_msg(sent1 == 0 && sent2 == 0,
                  "with EINTR on every 2nd send, us_send_fd returned %d then %d (%s): retry after "
                  "EINTR",
                  sent1, sent2, errno_name(send_err));
    ck_assert_msg(got1 >= 0 && got2 >= 0,
                  "with EINTR on every 2nd receive, us_recv_fd returned %d then %d (%s): retry "
                  "after EINTR",
                  got1, got2, errno_name(recv_err));
}
END_TEST

/*
 * The student's code runs in a process of its own, started here with
 * SIGPIPE at its default action (death). A send that raises SIGPIPE there
 * ends that process during the call, and the test fails with the call
 * named and the signal that ended it ("killed by SIGPIPE").
 */

START_TEST(send_all_to_a_closed_peer_gives_epipe_not_death)
{
    ck_assert(agent_set_signal(SIGPIPE, 0) == 0); /* the default: death */
    int fds[2];
    make_pair(fds);
    close(fds[1]);
    errno = 0;
    ssize_t n = us_send_all(fds[0], "anyone there?", 13);
    int err = errno;
    close(fds[0]);
    grade_require_impl(n, err, "us_send_all");
    ck_assert_msg(n == -1 && (err == EPIPE || err == ECONNRESET),
                  "us_send_all() to a closed peer must return -1 with EPIPE, not %zd (%s)", n,
                  n == -1 ? errno_name(err) : "success");
}
END_TEST

START_TEST(send_fd_to_a_closed_peer_gives_epipe_not_death)
{
    ck_assert(agent_set_signal(SIGPIPE, 0) == 0); /* the default: death */
    int fds[2];
    make_pair(fds);
    close(fds[1]);
    errno = 0;
    int rc = us_send_fd(fds[0], STDIN_FILENO);
    int err = errno;
    close(fds[0]);
    grade_require_impl(rc, err, "us_send_fd");
    ck_assert_msg(rc == -1 && err == EPIPE,
                  "us_send_fd() to a closed peer must return -1 with EPIPE, not %d (%s)", rc,
                  rc == -1 ? errno_name(err) : "success");
}
END_TEST

START_TEST(fd_passing_leaks_no_descriptors)
{
    write_text_file("passed.txt", FILE_TEXT);
    int fds[2];
    make_pair(fds);
    for (int i = 0; i < 20; i++) {
        int rc = us_send_file(fds[0], "passed.txt");
        if (rc == -1)
            unlink("passed.txt");
        REQUIRE_IMPL(rc, "us_send_file");
        ck_assert_msg(rc == 0, "us_send_file failed: %s", errno_name(errno));
    }
    /* Counted in the student's process: the files in flight are held by the
     * messages, not by the sender. */
    int in_flight = student_fds(NULL, 0);
    for (int i = 0; i < 20; i++) {
        int fd = us_recv_fd(fds[1]);
        if (fd == -1)
            unlink("passed.txt");
        REQUIRE_IMPL(fd, "us_recv_fd");
        ck_assert_msg(fd >= 0, "us_recv_fd failed: %s", errno_name(errno));
        char first[4];
        ck_assert(pread(fd, first, 4, 0) == 4 && memcmp(first, "the ", 4) == 0);
        close(fd);
    }
    int after = student_fds(NULL, 0);
    unlink("passed.txt");
    close_pair(fds);
    ck_assert_msg(in_flight == 0,
                  "after sending 20 files the sender holds %d more descriptors: us_send_file "
                  "must close its own copy (the message in flight keeps the file open)",
                  in_flight);
    ck_assert_msg(after == 0, "after receiving and closing 20 descriptors, %d remain open", after);
}
END_TEST

/* For the points table (us_tests.h). */
US_TESTS_CRED_FDPASS(GRADE_EXPORT)
