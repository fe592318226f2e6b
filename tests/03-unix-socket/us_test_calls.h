/*
 * us_test_calls.h - what lab 03's tests ask of the student's process beyond
 * the lab's functions (tests/03-unix-socket/calls.c runs them there).
 *
 * us_serve() takes its options as a struct that holds a FILE *, which means
 * nothing in another process; us_serve_with() carries the options as values
 * and the log as a descriptor, and opens the FILE on the student's side.
 * The others set up a situation inside the student's process (a signal
 * during accept(), a low descriptor limit, a connection the student's code
 * holds alone) that a test can then observe from outside.
 */
#ifndef IPC_KIT_US_TEST_CALLS_H
#define IPC_KIT_US_TEST_CALLS_H

#include <stdbool.h>
#include <sys/types.h>

/* The options of us_serve(), as values only. */
struct us_serve_values {
    bool given;    /* false: us_serve() gets opts == NULL */
    bool same_uid; /* as in struct us_serve_options */
    uid_t allowed_uid;
    int timeout_ms;
};

/*
 * us_serve(listen_fd, max_clients, opts) in the student's process, with
 * opts->log a FILE opened on a copy of log_fd (-1: no log), closed after.
 * Returns what us_serve() returned, with its errno.
 */
long us_serve_with(int listen_fd, long max_clients, struct us_serve_values opts, int log_fd);

/*
 * In the student's process: one SIGALRM after usec microseconds, caught by
 * a handler installed without SA_RESTART (so a blocking call fails with
 * EINTR); 0 takes nothing new. Returns how many arrived since the last
 * call, or -1 with errno.
 */
long us_test_alarm_once(long usec);

/* Sets the student process's soft RLIMIT_NOFILE; returns the old one, or -1. */
long us_test_fd_limit(long limit);

/*
 * us_listener_close(listener), with bystander given to the student's process
 * for good: it stays open there unless the student's code closes it (a
 * descriptor number it no longer owns). us_test_close() then closes it.
 */
struct us_listener;
int us_listener_close_beside(struct us_listener *listener, int bystander);

/*
 * us_serve_client(conn), with conn given to the student's process for good:
 * afterwards that process holds the connection alone, and still holds it
 * if the student's code left it open, as it must. us_test_close() then
 * closes it there.
 */
long us_serve_client_given(int conn);
int us_test_close(int fd);

#endif
