/*
 * test_pipe_fifo.c - lab 02's tests: named pipes (section 5).
 * Their points are set in test_pipe.c's table only; helpers: pipe_helpers.c.
 * They run in the checker, with no student code (see test_pipe.c).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "agent_services.h"
#include "boundary.h"
#include "checksum.h"
#include "err.h"
#include "fault.h"
#include "clock.h"
#include "grader.h"
#include "pipe_lab.h"
#include "trace.h"
#include "pipe_helpers.h"
#include "pipe_tests.h"

/* ---- 5. named pipes ---------------------------------------------------- */

START_TEST(fifo_created_private_and_not_twice)
{
    int rc = pipe_fifo_create("lab.fifo");
    REQUIRE_IMPL(rc, "pipe_fifo_create");
    ck_assert_msg(rc == 0, "pipe_fifo_create failed: %s", errno_name(errno));
    struct stat st;
    ck_assert_int_eq(stat("lab.fifo", &st), 0);
    int is_fifo = S_ISFIFO(st.st_mode);
    int mode = (int)(st.st_mode & 0777);
    errno = 0;
    int again = pipe_fifo_create("lab.fifo");
    int again_errno = errno;
    unlink("lab.fifo");
    ck_assert_msg(is_fifo, "lab.fifo exists but is not a FIFO; use mkfifo()");
    ck_assert_msg(mode == 0600, "the FIFO has mode %03o; it must be 0600 (owner only)", mode);
    ck_assert_msg(again == -1 && again_errno == EEXIST,
                  "creating the same FIFO twice must fail with EEXIST");
}
END_TEST

/* What the dribbling writer (below) tells the test, as its exit status. */
enum { DRIBBLE_OK = 0, DRIBBLE_OPEN_FAILED = 3, DRIBBLE_NOT_TAKEN = 4, DRIBBLE_WRITE_FAILED = 5 };

/*
 * The test's own writer: opens the FIFO and writes len bytes in pieces of
 * `piece`, each only once the reader has taken everything before it
 * (FIONREAD says the FIFO is empty). So every read() the reader makes
 * returns at most one piece: real short reads, made by the kernel, which
 * reach every way of reading (read(), stdio's fread(), syscall()...), where
 * fault injection reaches only the calls the program makes itself.
 */
static _Noreturn void dribble_into_fifo(const char *path, const char *data, size_t len,
                                        size_t piece)
{
    int fd = open(path, O_WRONLY);
    if (fd == -1)
        _exit(DRIBBLE_OPEN_FAILED);
    for (size_t done = 0; done < len; done += piece) {
        size_t n = len - done < piece ? len - done : piece;
        if (write(fd, data + done, n) != (ssize_t)n)
            _exit(DRIBBLE_WRITE_FAILED);
        int unread = 1;
        for (int waited = 0; waited < 2000 && unread > 0; waited++) {
            if (ioctl(fd, FIONREAD, &unread) == -1)
                _exit(DRIBBLE_WRITE_FAILED);
            if (unread > 0)
                clock_sleep_ms(1);
        }
        if (unread > 0)
            _exit(DRIBBLE_NOT_TAKEN); /* the reader stopped reading for 2 s */
    }
    close(fd);
    _exit(DRIBBLE_OK);
}

START_TEST(fifo_carries_message_between_processes)
{
    int rc = pipe_fifo_create("talk.fifo");
    REQUIRE_IMPL(rc, "pipe_fifo_create");
    ck_assert_msg(rc == 0, "pipe_fifo_create failed: %s", errno_name(errno));
    const char msg[] = "through a name in the file system";

    /* 1. The lab's sender and the lab's receiver. */
    pid_t pid = fork();
    ck_assert(pid != -1);
    if (pid == 0) { /* its own student process sends; it must hold nothing after */
        ssize_t sent = pipe_fifo_send("talk.fifo", msg, sizeof msg);
        if (sent != (ssize_t)sizeof msg)
            _exit(1);
        _exit(boundary_agent_fds(boundary_agent_pid(), NULL, 0) == 0 ? 0 : 2);
    }
    grade_waiting_for("pipe_fifo_receive() to read what pipe_fifo_send() wrote");
    char buf[256] = "";
    ssize_t got = pipe_fifo_receive("talk.fifo", buf, sizeof buf);
    int receive_errno = errno;
    if (got == -1) { /* the writer may wait in open() for a reader that never came */
        boundary_kill_student_of(pid, SIGKILL);
        kill(pid, SIGKILL);
    }
    int status = grade_wait_child(pid, 5000);
    grade_require_impl(got, receive_errno, "pipe_fifo_receive");
    int writer_exited = status != -1 && WIFEXITED(status);
    ck_assert_msg(!writer_exited || WEXITSTATUS(status) != 2,
                  "pipe_fifo_send() left the FIFO open in the writing process: close it when done");
    ck_assert_msg(!writer_exited || WEXITSTATUS(status) == 0,
                  "the writing process failed: pipe_fifo_send must write all bytes and close");
    ck_assert_msg(got == (ssize_t)sizeof msg,
                  "pipe_fifo_receive returned %zd (%s) for the %zu bytes pipe_fifo_send wrote: "
                  "read until end of file or until cap bytes",
                  got, got == -1 ? errno_name(receive_errno) : "wrong length", sizeof msg);
    ck_assert_str_eq(buf, msg);
    ck_assert_msg(writer_exited, "the writing process never finished: pipe_fifo_send() must "
                                 "return once it has written everything and closed the FIFO");

    /* 2. A writer that hands over 5 bytes at a time: each read returns at most 5. */
    pid = fork();
    ck_assert(pid != -1);
    if (pid == 0)
        dribble_into_fifo("talk.fifo", msg, sizeof msg, 5);
    grade_waiting_for("pipe_fifo_receive() to read a message that arrives 5 bytes at a time");
    memset(buf, 0, sizeof buf);
    got = pipe_fifo_receive("talk.fifo", buf, sizeof buf);
    receive_errno = errno;
    if (got == -1)
        kill(pid, SIGKILL);
    status = grade_wait_child(pid, 5000);
    unlink("talk.fifo");
    ck_assert_msg(got == (ssize_t)sizeof msg,
                  "with the message arriving 5 bytes at a time (each read() returns at most 5), "
                  "pipe_fifo_receive returned %zd (%s), expected %zu: read until end of file or "
                  "until cap bytes",
                  got, got == -1 ? errno_name(receive_errno) : "wrong length", sizeof msg);
    ck_assert_str_eq(buf, msg);
    ck_assert_msg(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == DRIBBLE_OK,
                  "test setup: the test's writer %s",
                  status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == DRIBBLE_NOT_TAKEN
                      ? "saw pipe_fifo_receive() stop reading for 2 s"
                      : "failed");
}
END_TEST

START_TEST(fifo_open_interrupted_by_a_signal_gives_eintr)
{
    int rc = pipe_fifo_create("nobody.fifo");
    REQUIRE_IMPL(rc, "pipe_fifo_create");
    ck_assert_msg(rc == 0, "pipe_fifo_create failed: %s", errno_name(errno));
    pid_t pid = fork();
    ck_assert(pid != -1);
    if (pid == 0) {
        /* Nobody ever opens the other end; in its student process a signal
         * (without SA_RESTART) comes after 0.2 s. */
        if (agent_interrupt_every(200000) == -1)
            _exit(11);
        char buf[16];
        ssize_t got = pipe_fifo_receive("nobody.fifo", buf, sizeof buf);
        if (got == -1 && errno == ENOSYS)
            _exit(10);
        _exit(got == -1 && errno == EINTR ? 0 : 1);
    }
    pid_t student = boundary_student_of(pid);
    int status = grade_wait_child(pid, 3000);
    if (status == -1 && student > 0)
        kill(student, SIGKILL); /* still waiting in open() */
    unlink("nobody.fifo");
    ck_assert_msg(
        status != -1,
        "pipe_fifo_receive() was still waiting 3 s after a signal interrupted its open() "
        "of a FIFO nobody writes to: return -1 with EINTR (see pipe_lab.h), do not retry, "
        "so that a program can stop on Ctrl-C");
    ck_assert_msg(WIFEXITED(status), "the receiving process %s", grade_describe_status(status));
    if (WEXITSTATUS(status) == 10)
        ck_abort_msg("not implemented yet: pipe_fifo_receive() returned ENOSYS");
    ck_assert_msg(WEXITSTATUS(status) == 0,
                  "when a signal interrupts open(), pipe_fifo_receive() must return -1 with EINTR");
}
END_TEST

GRADE_EXPORT(fifo_created_private_and_not_twice)
GRADE_EXPORT(fifo_carries_message_between_processes)
GRADE_EXPORT(fifo_open_interrupted_by_a_signal_gives_eintr)
