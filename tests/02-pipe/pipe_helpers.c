/*
 * pipe_helpers.c - what lab 02's test files share (pipe_helpers.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "boundary.h"
#include "checksum.h"
#include "err.h"
#include "grader.h"
#include "pipe_helpers.h"

void make_pipe(int fds[2])
{
    ck_assert_msg(pipe(fds) == 0, "test setup: pipe() failed: %s", errno_name(errno));
}

char *pattern(size_t len, uint64_t seed)
{
    char *buf = malloc(len ? len : 1);
    ck_assert_msg(buf != NULL, "test setup: malloc(%zu) failed", len);
    checksum_fill_pattern(buf, len, seed);
    return buf;
}

void set_nonblocking(int fd)
{
    int flags = fcntl(fd, F_GETFL);
    ck_assert_msg(flags != -1 && fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0,
                  "test setup: fcntl(O_NONBLOCK) failed");
}

double student_cpu_seconds(void)
{
    double cpu = grade_process_cpu_seconds(boundary_agent_pid());
    ck_assert_msg(cpu >= 0, "test setup: the CPU time of the student's process cannot be read");
    return cpu;
}

int student_fds(char *list, size_t size)
{
    int count = boundary_agent_fds(boundary_agent_pid(), list, size);
    ck_assert_msg(count >= 0, "test setup: the student's process cannot be looked at");
    return count;
}
