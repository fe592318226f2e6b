/*
 * hidden_pipe.c - lab 02 tests that students do not see.
 *
 * Hidden tests run only in instructor grading (make grade HIDDEN=1, batch
 * grading) and on Gradescope, where they are "after_published". They are
 * left out of the student tarball (make dist-student). Keep them about the
 * same contract as the public tests: edge cases a careful student handles.
 */
#include <errno.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "grader.h"
#include "pipe_lab.h"

START_TEST(zero_length_write_and_read_return_zero)
{
    int fds[2];
    ck_assert(pipe(fds) == 0);
    ssize_t w = pipe_write_all(fds[1], "", 0);
    REQUIRE_IMPL(w, "pipe_write_all");
    ssize_t r = pipe_read_exact(fds[0], NULL, 0);
    REQUIRE_IMPL(r, "pipe_read_exact");
    close(fds[0]);
    close(fds[1]);
    ck_assert_msg(w == 0, "writing 0 bytes must return 0, not %zd", w);
    ck_assert_msg(r == 0, "reading 0 bytes must return 0 at once, not %zd", r);
}
END_TEST

/* The reader's answers: a status no child gives by accident, so a child that
 * exits without running the reader cannot pass for one that saw EOF. */
enum { SAW_EXACT_EOF = 42, SAW_OTHER = 43 };

/* What the reader expects, and what it saw: it runs in the test's process
 * (boundary.h), so its own record is what counts. */
struct count {
    size_t expected;
    int saw; /* 0 until the reader ran */
};

static int count_bytes(int fd, void *arg)
{
    struct count *c = arg;
    char buf[256];
    size_t total = 0;
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0)
        total += (size_t)n;
    c->saw = n == 0 && total == c->expected ? SAW_EXACT_EOF : SAW_OTHER;
    return c->saw;
}

START_TEST(empty_transfer_still_delivers_eof)
{
    struct count c = {.expected = 0};
    /* Watched: a child that never sees EOF fails in 2 s, named, not at the limit. */
    grade_watch_start(grade_progress_of_processes, grade_describe_processes, NULL, 2000, NULL);
    int status = pipe_send_to_child("", 0, count_bytes, &c);
    int err = errno;
    const char *stalled = grade_watch_stop();
    ck_assert_msg(stalled == NULL,
                  "pipe_send_to_child(len 0) never returned (%s): the child waits for an end of "
                  "file that never comes; every copy of the write end must be closed, the "
                  "child's too",
                  stalled);
    errno = err;
    REQUIRE_IMPL(status, "pipe_send_to_child");
    ck_assert_msg(status != -1, "pipe_send_to_child(len 0) returned -1 (%s)", strerror(errno));
    ck_assert_msg(c.saw != 0, "the test's reader never ran: the child must call reader()");
    ck_assert_msg(c.saw != SAW_OTHER, "the reader saw bytes or an error instead of a clean EOF");
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == SAW_EXACT_EOF,
                  "the child %s, not with the reader's result (%d): it must call reader() and "
                  "exit with what it returns",
                  grade_describe_status(status), SAW_EXACT_EOF);
}
END_TEST

START_TEST(write_all_reports_bad_descriptor)
{
    errno = 0;
    ssize_t n = pipe_write_all(-1, "x", 1);
    REQUIRE_IMPL(n, "pipe_write_all");
    ck_assert_msg(n == -1 && errno == EBADF,
                  "a bad descriptor must give -1 with EBADF, not loop or succeed");
}
END_TEST

int main(int argc, char **argv)
{
    const struct grade_test tests[] = {
        {"zero_length_write_and_read_return_zero", zero_length_write_and_read_return_zero, 1, 5,
         "pipe_write_all()/pipe_read_exact() with len 0"},
        {"empty_transfer_still_delivers_eof", empty_transfer_still_delivers_eof, 1, 10,
         "pipe_send_to_child() with len 0"},
        {"write_all_reports_bad_descriptor", write_all_reports_bad_descriptor, 1, 5,
         "pipe_write_all(): errors other than EINTR/EAGAIN end the loop"},
    };
    return grade_main(argc, argv, "02-pipe", tests, GRADE_COUNT(tests));
}
