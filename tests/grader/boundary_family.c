/*
 * boundary_family.c - test children and test threads. Linked with
 * -Wl,--wrap=fork,--wrap=pthread_create (BOUNDARY_WRAP in the Makefile): a
 * test's fork() or pthread_create() reaches __wrap_fork() and
 * __wrap_pthread_create() here, which give the new child a student process
 * of its own (a copy of its parent's) and the new thread a student thread,
 * before it runs.
 */
#define _GNU_SOURCE /* dup3(), F_DUPFD_CLOEXEC, setresuid(), gettid() */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/kcmp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "boundary.h"
#include "boundary_checker.h"
#include "boundary_stub.h"
#include "boundary_wire.h"
#include "err.h"
#include "grader.h"
#include "harness.h"

/* ---- test children and test threads ---- */

/* Sends a FORK or THREAD request with these sockets; 0 when the agent did it. */
static int ask_agent(int conn, enum boundary_kind kind, int a, int b)
{
    struct bmsg m;
    bmsg_init(&m);
    bmsg_put_i64(&m, kind);
    bmsg_put_fd(&m, a);
    if (b != -1)
        bmsg_put_fd(&m, b);
    int ok = bmsg_send(conn, &m) == 0 && bmsg_recv(conn, &m) == 1 &&
             bmsg_get_i64(&m) == BOUNDARY_DONE && bmsg_get_i64(&m) == 0 && !m.bad;
    bmsg_free(&m);
    return ok ? 0 : -1;
}

pid_t __wrap_fork(void)
{
    int conn = boundary_conn_owner == getpid() ? boundary_conn : -1;
    if (conn == -1)
        return __real_fork(); /* no agent here: a plain fork */
    int copy_conn[2], copy_callbacks[2];
    if (boundary_make_pair(copy_conn, true) == -1)
        return -1;
    if (boundary_make_pair(copy_callbacks, true) == -1) {
        close(copy_conn[0]), close(copy_conn[1]);
        return -1;
    }
    pid_t copy = -1;
    if (ask_agent(conn, BOUNDARY_FORK, copy_conn[1], copy_callbacks[1]) == 0)
        copy = boundary_await_hello(copy_conn[0]);
    close(copy_conn[1]);
    close(copy_callbacks[1]);
    if (copy == -1) {
        close(copy_conn[0]), close(copy_callbacks[0]);
        boundary_fail_call(
            "fork(): the process running your code could not be copied for the test's "
            "child (it %s)",
            boundary_agent_ending());
        errno = EAGAIN;
        return -1;
    }
    bool had_callbacks = boundary_state.callback_thread_running;
    pid_t pid = __real_fork();
    if (pid == 0) {
        /* The child: its own student process, sockets and tables. */
        close(boundary_state.callback_sock);
        close(boundary_conn);
        boundary_state.owner = getpid();
        boundary_state.main_thread = boundary_self_tid();
        boundary_state.agent = copy;
        boundary_state.agent_is_child = false;
        boundary_state.callback_sock = copy_callbacks[0];
        boundary_state.callback_thread_running = false;
        boundary_state.mirror_count = 0;
        boundary_conn = copy_conn[0];
        boundary_conn_owner = getpid();
        boundary_conn_peer = copy;
        if (had_callbacks)
            boundary_start_callback_thread();
        return 0;
    }
    close(copy_conn[0]);
    close(copy_callbacks[0]);
    if (pid == -1) {
        kill(copy, SIGKILL);
        return -1;
    }
    pthread_mutex_lock(&boundary_lock);
    if (boundary_state.mirror_count < MAX_MIRRORS) {
        boundary_state.mirrors[boundary_state.mirror_count].child = pid;
        boundary_state.mirrors[boundary_state.mirror_count++].agent = copy;
    }
    pthread_mutex_unlock(&boundary_lock);
    return pid;
}

pid_t boundary_student_of(pid_t child)
{
    pid_t agent = 0;
    pthread_mutex_lock(&boundary_lock);
    for (int i = 0; i < boundary_state.mirror_count; i++) {
        if (boundary_state.mirrors[i].child == child)
            agent = boundary_state.mirrors[i].agent;
    }
    pthread_mutex_unlock(&boundary_lock);
    return agent;
}

int boundary_kill_student_of(pid_t child, int sig)
{
    pid_t student = boundary_student_of(child);
    if (student <= 0) { /* never kill(0) or kill(-1): our own group, or everyone */
        errno = ESRCH;
        return -1;
    }
    return kill(student, sig);
}

struct thread_start {
    void *(*start)(void *);
    void *arg;
    int conn;
    pid_t peer;
};

static pthread_key_t conn_key;
static pthread_once_t conn_key_once = PTHREAD_ONCE_INIT;

static void close_thread_conn(void *value)
{
    close((int)(intptr_t)value - 1);
}

static void make_conn_key(void)
{
    pthread_key_create(&conn_key, close_thread_conn);
}

static void *thread_begins(void *arg)
{
    struct thread_start s = *(struct thread_start *)arg;
    free(arg);
    boundary_conn = s.conn;
    boundary_conn_owner = getpid();
    boundary_conn_peer = s.peer;
    /* Closed when the thread ends: its student thread then ends too. */
    pthread_setspecific(conn_key, (void *)(intptr_t)(s.conn + 1));
    return s.start(s.arg);
}

int __wrap_pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*start)(void *),
                          void *arg)
{
    int conn = boundary_conn_owner == getpid() ? boundary_conn : -1;
    if (conn == -1)
        return __real_pthread_create(thread, attr, start, arg);
    pthread_once(&conn_key_once, make_conn_key);
    int pair[2];
    if (boundary_make_pair(pair, true) == -1)
        return EAGAIN;
    int asked = ask_agent(conn, BOUNDARY_THREAD, pair[1], -1);
    close(pair[1]);
    struct thread_start *s = malloc(sizeof *s);
    if (asked == -1 || s == NULL) {
        close(pair[0]);
        free(s);
        return EAGAIN;
    }
    *s = (struct thread_start){start, arg, pair[0], boundary_conn_peer};
    int rc = __real_pthread_create(thread, attr, thread_begins, s);
    if (rc != 0) {
        close(pair[0]);
        free(s);
    }
    return rc;
}
