/*
 * helpers.c - small tools for test authors (see grader.h).
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "err.h"
#include "grader.h"
#include "harness.h"
#include "proc_table.h"

void grade_require_impl(long result, int err, const char *fn)
{
    harness_called(fn);
    if (result == -1 && err == ENOSYS)
        ck_abort_msg("not implemented yet: %s() returned -1 with ENOSYS; fill in its TODO", fn);
}

int grade_timeout_ms(int ms)
{
    const char *text = getenv("CK_TIMEOUT_MULTIPLIER");
    double factor = text ? strtod(text, NULL) : 1.0;
    return factor > 1.0 ? (int)(ms * factor) : ms;
}

int grade_wait_child(pid_t pid, int timeout_ms)
{
    uint64_t deadline = clock_now_ns() + (uint64_t)grade_timeout_ms(timeout_ms) * 1000000u;
    for (;;) {
        int status;
        pid_t got = waitpid(pid, &status, WNOHANG);
        if (got == pid)
            return status;
        if (got == -1 && errno != EINTR)
            return -1;
        if (clock_now_ns() >= deadline)
            break;
        clock_sleep_ms(5);
    }
    kill(pid, SIGKILL);
    while (waitpid(pid, NULL, 0) == -1 && errno == EINTR)
        ;
    return -1;
}

pid_t grade_child_fork(struct grade_child *c)
{
    if (pipe(c->report) == -1)
        return -1;
    c->pid = fork();
    if (c->pid == -1) {
        close(c->report[0]);
        close(c->report[1]);
        return -1;
    }
    if (c->pid == 0)
        close(c->report[0]);
    else
        close(c->report[1]);
    return c->pid;
}

void grade_child_report(struct grade_child *c, int code)
{
    unsigned char byte = (unsigned char)code;
    if (write(c->report[1], &byte, 1) != 1) {
        /* the parent reads no code and says so */
    }
    _exit(code);
}

int grade_child_result(struct grade_child *c, int timeout_ms, int *status)
{
    *status = grade_wait_child(c->pid, timeout_ms);
    unsigned char byte;
    ssize_t n;
    do {
        n = read(c->report[0], &byte, 1); /* the child is gone: this never blocks */
    } while (n == -1 && errno == EINTR);
    close(c->report[0]);
    return n == 1 ? byte : -1;
}

const char *grade_describe_status(int status)
{
    static char text[64];
    if (WIFEXITED(status))
        snprintf(text, sizeof text, "exited with status %d", WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        snprintf(text, sizeof text, "killed by signal %d (%s)", WTERMSIG(status),
                 strsignal(WTERMSIG(status)));
    else
        snprintf(text, sizeof text, "wait status 0x%x", status);
    return text;
}

int grade_count_open_fds(void)
{
    DIR *dir = opendir("/proc/self/fd");
    if (dir == NULL)
        return -1;
    int count = 0;
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL) {
        if (entry->d_name[0] != '.')
            count++;
    }
    closedir(dir);
    return count - 1; /* not the directory's own descriptor */
}

struct fault_seen grade_end_faults(enum fault_op op)
{
    struct fault_seen seen = {.injected = fault_injected(op)};
    snprintf(seen.calls, sizeof seen.calls, "%s", fault_describe(op));
    fault_reset();
    return seen;
}

double grade_process_cpu_seconds(pid_t pid)
{
    char line[1024];
    const char *fields = proc_stat_fields(pid, line, sizeof line);
    unsigned long utime, stime;
    if (fields == NULL ||
        sscanf(fields, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime, &stime) != 2)
        return -1;
    return (double)(utime + stime) / (double)sysconf(_SC_CLK_TCK);
}

struct grade_io grade_process_io(pid_t pid)
{
    struct grade_io io = {0, 0, 0, 0};
    char path[64], line[128];
    snprintf(path, sizeof path, "/proc/%ld/io", (long)pid);
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "test setup: %s cannot be read: %s", path, errno_name(errno));
    while (fgets(line, sizeof line, f) != NULL) {
        sscanf(line, "rchar: %llu", &io.rchar);
        sscanf(line, "wchar: %llu", &io.wchar);
        sscanf(line, "syscr: %llu", &io.syscr);
        sscanf(line, "syscw: %llu", &io.syscw);
    }
    fclose(f);
    return io;
}

pid_t grade_parent_of(pid_t pid)
{
    char line[1024];
    const char *fields = proc_stat_fields(pid, line, sizeof line);
    long parent;
    return fields != NULL && sscanf(fields, "%*c %ld", &parent) == 1 ? (pid_t)parent : -1;
}

int trace_log_load(struct trace_log *log, const char *path)
{
    size_t bad_line;
    return trace_events_load(path, &log->steps, &log->count, &bad_line);
}

void trace_log_free(struct trace_log *log)
{
    free(log->steps);
    log->steps = NULL;
    log->count = 0;
}

/*
 * Calls that do one job under several names. The contract names a job
 * ("read until EOF", "create a pipe"), not a function, so a test that looks
 * for one name accepts every name of its group: pipe2 for pipe, read or
 * readv for recv, accept4 for accept, write or sendmsg for send...
 */
static const char *const same_job[][8] = {
    {"read", "readv", "pread", "preadv", "recv", "recvfrom", "recvmsg", NULL},
    {"write", "writev", "pwrite", "pwritev", "send", "sendto", "sendmsg", NULL},
    {"pipe", "pipe2", NULL},
    {"accept", "accept4", NULL},
};

static int job_of(const char *call)
{
    for (size_t g = 0; g < sizeof same_job / sizeof same_job[0]; g++) {
        for (size_t k = 0; same_job[g][k] != NULL; k++) {
            if (strcmp(same_job[g][k], call) == 0)
                return (int)g;
        }
    }
    return -1;
}

bool trace_call_is(const char *traced, const char *wanted)
{
    if (strcmp(traced, wanted) == 0)
        return true;
    int job = job_of(wanted);
    return job >= 0 && job == job_of(traced);
}

long trace_log_find(const struct trace_log *log, long from, const char *role, const char *call)
{
    for (size_t i = from < 0 ? 0 : (size_t)from; i < log->count; i++) {
        const struct trace_event *s = &log->steps[i];
        if (trace_call_is(s->call, call) && (role == NULL || strcmp(s->role, role) == 0))
            return (long)i;
    }
    return -1;
}
