/*
 * watch.c - what a test's processes are doing, and a watchdog that stops a
 * test which makes no progress (see grader.h, "Watching for a stall").
 *
 * A bug that hangs (a deadlock, a lost wake-up) would otherwise cost each
 * test its whole time limit and end in a bare "timed out". The watchdog is a
 * thread of the test process that looks every 100 ms at a progress counter
 * the test chooses: the ring's indices, or the wake-ups and system calls of
 * the test's own processes. When it has not moved for a few seconds, the
 * watchdog writes down what it saw and kills the test's children, so the
 * test's own wait returns and its check fails with those words.
 *
 * _GNU_SOURCE: syscall(SYS_gettid), the watchdog's own thread id, which it
 * leaves out of what it watches.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "clock.h"
#include "grader.h"

/* ---- what a process sleeps in ---- */

/* The system calls a test may find a process asleep in, by number. */
static const struct {
    long nr;
    const char *name;
} sleeping_calls[] = {
    {SYS_read, "read()"},        {SYS_write, "write()"},
    {SYS_readv, "readv()"},      {SYS_writev, "writev()"},
    {SYS_sendto, "send()"},      {SYS_recvfrom, "recv()"},
    {SYS_sendmsg, "sendmsg()"},  {SYS_recvmsg, "recvmsg()"},
    {SYS_futex, "futex()"},      {SYS_wait4, "waitpid()"},
    {SYS_openat, "open()"},      {SYS_accept4, "accept4()"},
    {SYS_connect, "connect()"},  {SYS_ppoll, "ppoll()"},
    {SYS_pselect6, "pselect()"}, {SYS_clock_nanosleep, "a sleep"},
#ifdef SYS_poll
    {SYS_poll, "poll()"},        {SYS_select, "select()"},
    {SYS_accept, "accept()"},    {SYS_open, "open()"},
    {SYS_nanosleep, "a sleep"},
#endif
};

/* The first number of a /proc/.../syscall file: the call's number, -1 when
 * asleep outside a call, -2 when running, -3 when it cannot be read. (The
 * checker cannot read its own: the file is its uid's, 0400, and it reads
 * with the student's uid, boundary.h. Its wake-ups still count.) */
static long syscall_number(const char *path)
{
    FILE *in = fopen(path, "re");
    if (in == NULL)
        return -3;
    char line[128];
    char *got = fgets(line, sizeof line, in);
    fclose(in);
    if (got == NULL || (line[0] != '-' && (line[0] < '0' || line[0] > '9')))
        return -2; /* "running" */
    return strtol(line, NULL, 10);
}

static const char *call_name(long nr)
{
    for (size_t i = 0; i < sizeof sleeping_calls / sizeof sleeping_calls[0]; i++) {
        if (sleeping_calls[i].nr == nr)
            return sleeping_calls[i].name;
    }
    return NULL;
}

const char *grade_blocked_call(pid_t pid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld/syscall", (long)pid);
    return call_name(syscall_number(path));
}

/* ---- the test's processes: this one's threads and its children ---- */

/* Times the task in /proc/.../DIR has woken up (voluntary and not), from its
 * status file: it changes each time the task runs, however briefly. */
static unsigned long wakeups(const char *dir)
{
    char path[96], line[128];
    snprintf(path, sizeof path, "%s/status", dir);
    FILE *in = fopen(path, "re");
    if (in == NULL)
        return 0;
    unsigned long total = 0, n;
    while (fgets(line, sizeof line, in)) {
        if (sscanf(line, "voluntary_ctxt_switches: %lu", &n) == 1 ||
            sscanf(line, "nonvoluntary_ctxt_switches: %lu", &n) == 1)
            total += n;
    }
    fclose(in);
    return total;
}

/* What for_each_task() calls for each task: pid 0 for this process's
 * threads; otherwise a child (generation 1) or a child's child (2). */
typedef void (*task_fn)(const char *dir, pid_t pid, int generation, void *arg);

/* Calls fn for each child of each thread of process `of`, as generation 2. */
static void for_each_grandchild(const char *of, task_fn fn, void *arg)
{
    char path[192], dir[96];
    snprintf(path, sizeof path, "%s/task", of);
    DIR *tasks = opendir(path);
    if (tasks == NULL)
        return;
    struct dirent *t;
    while ((t = readdir(tasks)) != NULL) {
        long tid = strtol(t->d_name, NULL, 10);
        if (tid <= 0)
            continue;
        snprintf(path, sizeof path, "%s/task/%ld/children", of, tid);
        FILE *in = fopen(path, "re");
        long child;
        while (in != NULL && fscanf(in, "%ld", &child) == 1) {
            snprintf(dir, sizeof dir, "/proc/%ld", child);
            fn(dir, (pid_t)child, 2, arg);
        }
        if (in != NULL)
            fclose(in);
    }
    closedir(tasks);
}

/* Calls fn(dir, pid, arg) for each thread of this process but the caller,
 * then for each child process (pid > 0 for children, 0 for threads) and
 * each child of those: across the call boundary the student's process is
 * the test's child, and the processes its code forks are grandchildren. */
static void for_each_task(task_fn fn, void *arg)
{
    long self = syscall(SYS_gettid);
    DIR *tasks = opendir("/proc/self/task");
    if (tasks == NULL)
        return;
    struct dirent *t;
    char dir[96], path[128];
    while ((t = readdir(tasks)) != NULL) {
        long tid = strtol(t->d_name, NULL, 10);
        if (tid <= 0 || tid == self)
            continue;
        snprintf(dir, sizeof dir, "/proc/self/task/%ld", tid);
        fn(dir, 0, 0, arg);
        snprintf(path, sizeof path, "%s/children", dir);
        FILE *in = fopen(path, "re");
        long child;
        while (in != NULL && fscanf(in, "%ld", &child) == 1) {
            snprintf(dir, sizeof dir, "/proc/%ld", child);
            fn(dir, (pid_t)child, 1, arg);
            for_each_grandchild(dir, fn, arg);
        }
        if (in != NULL)
            fclose(in);
    }
    closedir(tasks);
}

/* Adds one thread's state (dir: /proc/.../task/TID or /proc/self/task/TID). */
static void add_thread_state(const char *dir, uint64_t *sum)
{
    char path[192];
    snprintf(path, sizeof path, "%s/syscall", dir);
    long nr = syscall_number(path);
    if (nr == -2)
        *sum += clock_now_ns(); /* running right now: that is progress */
    *sum = *sum * 31 + (uint64_t)nr * 1000003u + wakeups(dir);
}

/* A thread of this process, or every thread of a child process: the
 * student's code may run in any thread of the agent (boundary.h). */
static void add_task_state(const char *dir, pid_t pid, int generation, void *arg)
{
    (void)generation;
    uint64_t *sum = arg;
    if (pid == 0) {
        add_thread_state(dir, sum);
        return;
    }
    char path[192];
    snprintf(path, sizeof path, "%s/task", dir);
    DIR *threads = opendir(path);
    if (threads == NULL)
        return; /* gone: its parent's wake-up to reap it is the progress */
    struct dirent *t;
    while ((t = readdir(threads)) != NULL) {
        long tid = strtol(t->d_name, NULL, 10);
        if (tid <= 0)
            continue;
        snprintf(path, sizeof path, "%s/task/%ld", dir, tid);
        add_thread_state(path, sum);
    }
    closedir(threads);
}

uint64_t grade_progress_of_processes(void *unused)
{
    (void)unused;
    uint64_t sum = 1;
    for_each_task(add_task_state, &sum);
    return sum;
}

uint64_t grade_progress_of_io(void *pid)
{
    char path[64], line[128];
    snprintf(path, sizeof path, "/proc/%ld/io", (long)*(const pid_t *)pid);
    FILE *in = fopen(path, "re");
    if (in == NULL)
        return 0; /* gone: nothing moves any more */
    uint64_t bytes = 0;
    unsigned long long n;
    while (fgets(line, sizeof line, in)) {
        if (sscanf(line, "rchar: %llu", &n) == 1 || sscanf(line, "wchar: %llu", &n) == 1)
            bytes += n;
    }
    fclose(in);
    return bytes;
}

struct description {
    char *out;
    size_t size, used;
};

static void describe_task(const char *dir, pid_t pid, int generation, void *arg)
{
    struct description *d = arg;
    char path[128];
    snprintf(path, sizeof path, "%s/syscall", dir);
    long nr = syscall_number(path);
    if (pid == 0 && nr == -3)
        return; /* the checker's own threads, which it cannot read: nothing to say */
    const char *call = call_name(nr);
    char who[48];
    if (generation == 2)
        snprintf(who, sizeof who, "that child's child %ld", (long)pid);
    else if (pid > 0)
        snprintf(who, sizeof who, "the test's child %ld", (long)pid);
    else
        snprintf(who, sizeof who, "the test process");
    int n = snprintf(d->out + d->used, d->size - d->used, "%s%s asleep in %s", d->used ? ", " : "",
                     who, call ? call : "the kernel");
    if (n > 0 && (size_t)n < d->size - d->used)
        d->used += (size_t)n;
}

void grade_describe_processes(void *unused, char *out, size_t size)
{
    (void)unused;
    struct description d = {.out = out, .size = size};
    out[0] = '\0';
    for_each_task(describe_task, &d);
}

/* A child the next watch leaves alive (grade_watch_spare()), or 0. */
static pid_t spared_child;

/* Kills the children of generation *arg, but the spared one and its own. */
static void kill_child(const char *dir, pid_t pid, int generation, void *arg)
{
    (void)dir;
    if (pid <= 0 || generation != *(const int *)arg || pid == spared_child)
        return;
    if (generation == 2 && spared_child != 0 && grade_parent_of(pid) == spared_child)
        return;
    kill(pid, SIGKILL);
}

/* Grandchildren first: a child killed first hands its own children to init
 * before they are seen, and they keep open what the test waits on (the
 * student's process's end of the call boundary, a pipe's write end...). */
static void kill_children(void)
{
    for (int generation = 2; generation >= 1; generation--)
        for_each_task(kill_child, &generation);
}

void grade_watch_spare(pid_t pid)
{
    spared_child = pid;
}

/* ---- the watchdog ---- */

static struct {
    pthread_t thread;
    bool running;
    atomic_bool stop, fired;
    grade_progress_fn progress;
    grade_describe_fn describe;
    void *arg;
    int stall_ms;
    volatile sig_atomic_t *stop_flag;
    int wake[2]; /* grade_watch_stop() writes here: the watchdog ends at once */
    char reason[1024];
} watch;

/* Sleeps up to ms, or less when grade_watch_stop() wakes the watchdog. */
static void nap(int ms)
{
    struct pollfd p = {.fd = watch.wake[0], .events = POLLIN};
    if (poll(&p, 1, ms) == -1 && errno != EINTR)
        clock_sleep_ms(ms); /* no wake-up then, only a slower stop */
}

static void *watchdog(void *unused)
{
    (void)unused;
    uint64_t last = watch.progress(watch.arg);
    uint64_t still_since = clock_now_ns();
    while (!atomic_load(&watch.stop)) {
        nap(100);
        uint64_t now = watch.progress(watch.arg);
        if (now != last) {
            last = now;
            still_since = clock_now_ns();
            continue;
        }
        if (clock_now_ns() - still_since < (uint64_t)watch.stall_ms * 1000000u)
            continue;
        /* Stuck: say what we saw, then unblock the test. */
        char seen[700];
        watch.describe(watch.arg, seen, sizeof seen);
        snprintf(watch.reason, sizeof watch.reason, "nothing moved for %.1f s: %s",
                 watch.stall_ms / 1000.0, seen);
        atomic_store(&watch.fired, true);
        if (watch.stop_flag != NULL)
            *watch.stop_flag = 1;
        kill_children();
        /* A test whose own wait does not return even so still ends now, with
         * the reason in its report rather than a bare timeout. SIGKILL, not
         * exit(): the report must not suggest that the student's code exited. */
        for (int i = 0; i < 30 && !atomic_load(&watch.stop); i++)
            nap(100);
        if (!atomic_load(&watch.stop)) {
            grade_note("the test's watchdog stopped this test (its wait never returned): %s",
                       watch.reason);
            kill(getpid(), SIGKILL);
        }
        break;
    }
    return NULL;
}

void grade_watch_start(grade_progress_fn progress, grade_describe_fn describe, void *arg,
                       int stall_ms, volatile sig_atomic_t *stop_flag)
{
    watch.progress = progress;
    watch.describe = describe;
    watch.arg = arg;
    watch.stall_ms = grade_timeout_ms(stall_ms);
    watch.stop_flag = stop_flag;
    watch.reason[0] = '\0';
    atomic_store(&watch.stop, false);
    atomic_store(&watch.fired, false);
    if (pipe2(watch.wake, O_CLOEXEC) == -1)
        watch.wake[0] = watch.wake[1] = -1; /* poll() then only times out */
    /* The watchdog takes no signal: a test's SIGALRM (interrupt_every) and
     * its handler stay on the test's own thread, as they would without it. */
    sigset_t all, before;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &before);
    watch.running = pthread_create(&watch.thread, NULL, watchdog, NULL) == 0;
    pthread_sigmask(SIG_SETMASK, &before, NULL);
}

const char *grade_watch_stop(void)
{
    if (!watch.running) {
        spared_child = 0; /* for one watch only */
        return NULL;
    }
    atomic_store(&watch.stop, true);
    if (watch.wake[1] != -1 && write(watch.wake[1], "x", 1) == -1) {
        /* the watchdog still sees stop within 100 ms */
    }
    pthread_join(watch.thread, NULL);
    watch.running = false;
    /* For one watch only; the watchdog has ended, so it reads it no more. */
    spared_child = 0;
    if (watch.wake[0] != -1) { /* the test's own descriptors are counted: leave none */
        close(watch.wake[0]);
        close(watch.wake[1]);
    }
    return atomic_load(&watch.fired) ? watch.reason : NULL;
}
