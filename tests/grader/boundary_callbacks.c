/*
 * boundary_callbacks.c - a test's callback, called by student code (a
 * pipe_reader_fn...), runs here in the checker, in a thread of its own,
 * with a copy of the descriptor it was given (boundary.h).
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

/* Callbacks, by id: a student process names one, never an address. */
static struct {
    boundary_callback_fn fn;
    void *arg;
} callbacks[MAX_CALLBACKS];
static int callback_count;
static pthread_mutex_t callbacks_done = PTHREAD_MUTEX_INITIALIZER;
static __thread pid_t thread_callback_pid; /* in a callback: who called */

/* ---- callbacks ---- */

struct callback_job {
    boundary_callback_fn fn;
    void *arg;
    int fd, reply;
    pid_t caller;
};

void boundary_callbacks_seen(void)
{
    pthread_mutex_lock(&callbacks_done);
    pthread_mutex_unlock(&callbacks_done);
}

pid_t boundary_callback_pid(void)
{
    return thread_callback_pid;
}

static void *run_callback(void *arg)
{
    struct callback_job *job = arg;
    thread_callback_pid = job->caller;
    /* After every callback that finished before it (see below). */
    pthread_mutex_lock(&callbacks_done);
    pthread_mutex_unlock(&callbacks_done);
    int result = job->fn(job->fd, job->arg);
    if (job->fd != -1)
        close(job->fd);
    /* What the callback wrote (its arg) reaches the test body, or the next
     * callback, through other processes and sockets, which a thread checker
     * cannot follow: this lock, taken again by every call's stub once its
     * reply is in (boundary_callbacks_seen()) and by every callback before
     * it starts, says so in the language of threads. */
    pthread_mutex_lock(&callbacks_done);
    pthread_mutex_unlock(&callbacks_done);
    struct bmsg m;
    bmsg_init(&m);
    bmsg_put_i64(&m, result);
    bmsg_send(job->reply, &m); /* a caller that is gone needs no answer */
    bmsg_free(&m);
    close(job->reply);
    free(job);
    return NULL;
}

/* Receives callback requests and runs each in a thread of its own, as each
 * ran in a process of its own before: they may block, and overlap. */
static void *serve_callbacks(void *unused)
{
    (void)unused;
    struct bmsg m;
    bmsg_init(&m);
    while (bmsg_recv(boundary_state.callback_sock, &m) == 1) {
        int number;
        bool cloexec;
        if (bmsg_get_i64(&m) != BOUNDARY_CALLBACK)
            continue;
        int64_t id = bmsg_get_i64(&m);
        int fd = bmsg_get_fd(&m, &number, &cloexec);
        int reply = bmsg_get_fd(&m, &number, &cloexec);
        /* The table grows as stubs register callbacks: read it under its lock. */
        pthread_mutex_lock(&boundary_lock);
        bool known = id >= 0 && id < callback_count;
        boundary_callback_fn fn = known ? callbacks[id].fn : NULL;
        void *fn_arg = known ? callbacks[id].arg : NULL;
        pthread_mutex_unlock(&boundary_lock);
        if (m.bad || reply == -1 || !known) {
            if (fd != -1)
                close(fd);
            if (reply != -1)
                close(reply); /* the caller sees no answer: -1 */
            continue;
        }
        struct callback_job *job = malloc(sizeof *job);
        pthread_t t;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        if (job != NULL) {
            *job = (struct callback_job){fn, fn_arg, fd, reply, m.pid};
            if (__real_pthread_create(&t, &attr, run_callback, job) == 0)
                job = NULL;
        }
        if (job != NULL) {
            close(fd);
            close(reply);
            free(job);
        }
        pthread_attr_destroy(&attr);
    }
    bmsg_free(&m);
    return NULL;
}

void boundary_start_callback_thread(void)
{
    if (boundary_state.callback_thread_running || boundary_state.callback_sock == -1)
        return;
    pthread_t t;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    if (__real_pthread_create(&t, &attr, serve_callbacks, NULL) == 0)
        boundary_state.callback_thread_running = true;
    pthread_attr_destroy(&attr);
}

int64_t boundary_callback_id(boundary_callback_fn fn, void *arg)
{
    if (fn == NULL)
        return -1;
    pthread_mutex_lock(&boundary_lock);
    int64_t id = -1;
    for (int i = 0; i < callback_count && id == -1; i++) {
        if (callbacks[i].fn == fn && callbacks[i].arg == arg)
            id = i;
    }
    if (id == -1 && callback_count < MAX_CALLBACKS) {
        callbacks[callback_count].fn = fn;
        callbacks[callback_count].arg = arg;
        id = callback_count++;
    }
    boundary_start_callback_thread();
    pthread_mutex_unlock(&boundary_lock);
    return id;
}
