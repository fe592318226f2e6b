/*
 * boundary_checker.h - what the checker's files of the call boundary share
 * (boundary_checker.c, boundary_callbacks.c, boundary_family.c,
 * boundary_end.c): the state of this checker process and a few helpers.
 * Test authors use boundary.h; stubs use boundary_stub.h.
 */
#ifndef IPC_KIT_BOUNDARY_CHECKER_H
#define IPC_KIT_BOUNDARY_CHECKER_H

#include <pthread.h>
#include <stdbool.h>
#include <sys/types.h>

#include "boundary_wire.h"

enum { MAX_MIRRORS = 64, MAX_CALLBACKS = 64, MAX_RENUMBERED = 32 };

/* This checker process's side of the boundary (a fork() copies it; the
 * child then makes it its own: boundary_family.c). */
struct checker_state {
    pid_t owner;         /* the checker process this state is for (a fork copies it) */
    pid_t main_thread;   /* its first thread: the only one Check may stop */
    pid_t agent;         /* the student process serving it */
    bool agent_is_child; /* spawned here (so waitpid sees how it ends) */
    int callback_sock;   /* callbacks arrive here */
    bool callback_thread_running;
    /* test children and the student process each got */
    struct {
        pid_t child, agent;
    } mirrors[MAX_MIRRORS];
    int mirror_count;
    /* descriptors that arrived under another number than the agent's */
    struct {
        int ours, theirs;
    } renumbered[MAX_RENUMBERED];
    int renumbered_count;
    char failed_elsewhere[512]; /* a call that failed in another thread */
};
extern struct checker_state boundary_state;
extern pthread_mutex_t boundary_lock;

/* Each thread's own connection, valid only in the process that made it. */
extern __thread int boundary_conn;
extern __thread pid_t boundary_conn_peer; /* the student process that must answer on it */
extern __thread pid_t boundary_conn_owner;

/* The real fork() and pthread_create(), past the --wrap (boundary_family.c). */
pid_t __real_fork(void);
int __real_pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*start)(void *),
                          void *arg);

pid_t boundary_self_tid(void);
/* Fails the test now (main thread), or marks it failed (another thread). */
void boundary_fail_call(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Moves fd to the checker's own range (BOUNDARY_FD_FLOOR up); returns it, or -1. */
int boundary_keep_apart(int fd);
/* A SOCK_SEQPACKET pair, sv[0] kept apart; pass_credentials: SO_PASSCRED on sv[0]. */
int boundary_make_pair(int sv[2], bool pass_credentials);
/* Reads the agent's HELLO on conn: its pid, or -1. */
pid_t boundary_await_hello(int conn);
/* How the agent ended, for a message ("was killed by signal 11 ..."). */
const char *boundary_agent_ending(void);
/* Orders, for a thread checker, every callback that finished before now
 * before what follows, and what came before it before any callback that
 * starts later (a stub calls it around each call: boundary_callbacks.c). */
void boundary_callbacks_seen(void);
/* Starts this process's callback thread, if it has a callback socket (boundary_callbacks.c). */
void boundary_start_callback_thread(void);

#endif
