/*
 * compare_helpers.c - what lab 05's test files share (compare_helpers.h
 * says what each one does).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "boundary.h"
#include "checksum.h"
#include "clock.h"
#include "compare_calls.h"
#include "compare_helpers.h"
#include "err.h"
#include "grader.h"

char *make_pattern(size_t len, uint64_t seed)
{
    char *buf = malloc(len ? len : 1);
    ck_assert_msg(buf != NULL, "test setup: malloc(%zu) failed", len);
    checksum_fill_pattern(buf, len, seed);
    return buf;
}

const char *open_name(const char *mech)
{
    return strcmp(mech, "pipe") == 0 ? "CHANNEL_PIPE.open" : "CHANNEL_UNIX.open";
}

void open_channel(struct channel *ch, const char *mech, size_t max_msg)
{
    memset(ch, 0, sizeof *ch);
    ch->fd[0] = ch->fd[1] = -1;
    int rc = compare_open(mech, ch, max_msg);
    grade_require_impl(rc, errno, open_name(mech));
    ck_assert_msg(rc == 0, "%s: open failed: %s", mech, errno_name(errno));
    ck_assert_msg(ch->fd[0] >= 0 && ch->fd[1] >= 0,
                  "%s: open must set fd[0] (receiving end) and fd[1] (sending end)", mech);
}

int choose_side(const char *mech, struct channel *ch, enum channel_side side)
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

/* The state letter and the parent of process pid (/proc/pid/stat); false when it is gone. */
static bool process_state(pid_t pid, char *state, pid_t *parent)
{
    char path[64], line[512];
    snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return false;
    bool got = fgets(line, sizeof line, f) != NULL;
    fclose(f);
    const char *after_name = got ? strrchr(line, ')') : NULL; /* the name may hold anything */
    long ppid;
    if (after_name == NULL || sscanf(after_name + 1, " %c %ld", state, &ppid) != 2)
        return false;
    *parent = (pid_t)ppid;
    return true;
}

int wait_test_child(pid_t child, int timeout_ms)
{
    pid_t student = boundary_student_of(child);
    int status = grade_wait_child(child, timeout_ms);
    if (student <= 0)
        return status;
    if (status == -1) /* it may still wait in a call */
        kill(student, SIGKILL);
    /* Until it is reaped. An orphan, it ended as a zombie of the judge
     * (which reaps its orphans itself, after the test) or of the namespace's
     * init (pid 1), which reaps at once: only then is it waited for. */
    int zombie_ms = 0;
    for (int waited = 0; waited < grade_timeout_ms(2000); waited += 5) {
        char state;
        pid_t parent;
        if (!process_state(student, &state, &parent))
            break;
        if (state == 'Z' && (parent != 1 || (zombie_ms += 5) > 200))
            break;
        clock_sleep_ms(5);
    }
    return status;
}

int waiting_bytes(int fd)
{
    int n;
    return ioctl(fd, FIONREAD, &n) == -1 ? -1 : n;
}

bool read_report(int fd, void *report, size_t size)
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

void write_report(int fd, const void *report, size_t size)
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

pid_t fork_reporter(int *report_fd)
{
    int report[2];
    ck_assert_msg(pipe(report) == 0, "test setup: pipe failed");
    pid_t pid = fork();
    ck_assert_msg(pid != -1, "test setup: fork failed");
    if (pid == 0) { /* the child writes the report */
        close(report[0]);
        *report_fd = report[1];
    } else {
        close(report[1]);
        *report_fd = report[0];
    }
    return pid;
}

int end_reporter(pid_t pid, int report_fd, int timeout_ms, void *report, size_t size,
                 bool *reported)
{
    int status = wait_test_child(pid, timeout_ms);
    *reported = read_report(report_fd, report, size);
    close(report_fd);
    return status;
}

struct channel_faults faults_on_channel(const struct channel *ch, const struct fault_plan *out,
                                        const struct fault_plan *in, size_t bytes)
{
    struct channel_faults proofs = {0}; /* calls_needed 0: nothing to prove */
    if (out != NULL) {
        struct fault_plan plan = *out;
        plan.fd = ch->fd[1];
        proofs.out = fault_proof_arm(FAULT_OUT, plan, bytes);
    }
    if (in != NULL) {
        struct fault_plan plan = *in;
        plan.fd = ch->fd[0];
        proofs.in = fault_proof_arm(FAULT_IN, plan, bytes);
    }
    return proofs;
}
