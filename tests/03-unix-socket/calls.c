/*
 * calls.c - lab 03's functions across the call boundary: one line each
 * (tests/grader/boundary_calls.h says what the kinds mean). The tests call
 * these names; the student's code runs in agent_03-unix-socket.
 *
 * us_serve() is not among them: its options hold a FILE *, so the tests
 * call us_serve_with() (us_test_calls.h), which opens the log on the
 * student's side. That one and the other helpers of us_test_calls.h are
 * written below, for the agent only.
 */
#include "kit_calls.h"
#include "us_cred.h"
#include "us_dgram.h"
#include "us_fdpass.h"
#include "us_frame.h"
#include "us_pair.h"
#include "us_serve.h"
#include "us_socket.h"
#include "us_test_calls.h"

#ifdef BOUNDARY_AGENT
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <unistd.h>

#include "boundary_wire.h"

long us_serve_with(int listen_fd, long max_clients, struct us_serve_values opts, int log_fd)
{
    FILE *log = NULL;
    if (log_fd >= 0) {
        int copy = dup(log_fd);
        if (copy == -1 || (log = fdopen(copy, "w")) == NULL) {
            int saved = errno;
            if (copy != -1)
                close(copy);
            errno = saved;
            return -1;
        }
    }
    struct us_serve_options options = {.same_uid = opts.same_uid,
                                       .allowed_uid = opts.allowed_uid,
                                       .log = log,
                                       .timeout_ms = opts.timeout_ms};
    long served = us_serve(listen_fd, max_clients, opts.given ? &options : NULL);
    int saved = errno;
    if (log != NULL)
        fclose(log);
    errno = saved;
    return served;
}

static volatile sig_atomic_t alarms_seen;

static void count_alarm(int sig)
{
    (void)sig;
    alarms_seen++;
}

long us_test_alarm_once(long usec)
{
    long seen = alarms_seen;
    alarms_seen = 0;
    if (usec <= 0)
        return seen;
    struct sigaction sa = {.sa_handler = count_alarm}; /* no SA_RESTART */
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGALRM, &sa, NULL) == -1)
        return -1;
    struct itimerval it = {.it_value = {usec / 1000000, usec % 1000000}};
    return setitimer(ITIMER_REAL, &it, NULL) == -1 ? -1 : seen;
}

long us_test_fd_limit(long limit)
{
    struct rlimit r;
    if (getrlimit(RLIMIT_NOFILE, &r) == -1)
        return -1;
    long old = (long)r.rlim_cur;
    r.rlim_cur = (rlim_t)limit;
    return setrlimit(RLIMIT_NOFILE, &r) == -1 ? -1 : old;
}

int us_listener_close_beside(struct us_listener *listener, int bystander)
{
    (void)bystander; /* given to this process: it stays open here, unless closed */
    return us_listener_close(listener);
}

long us_serve_client_given(int conn)
{
    return us_serve_client(conn);
}

int us_test_close(int fd)
{
    if (fd <= STDERR_FILENO || fd >= BOUNDARY_FD_FLOOR) { /* never the kit's own */
        errno = EBADF;
        return -1;
    }
    return close(fd);
}
#endif

/* us_pair.h declares int fds[2]; a stub's parameter is the int * it decays
 * to, the same type, which GCC would otherwise point out. */
#pragma GCC diagnostic ignored "-Warray-parameter"

/* The descriptors the lab's structs hold. */
#define LISTENER_FDS(F) F(fd)
#define CHILD_FDS(F)    F(fd)

#define LAB_CALLS                                                                                  \
    CALL2((RET, int), us_address, (PTR, struct sockaddr_un *, addr), (STRING, const char *, path)) \
    CALL1((RET, int), us_remove_stale, (STRING, const char *, path))                               \
    CALL2((RET, int), us_listen, (OBJ, struct us_listener *, listener, LISTENER_FDS),              \
          (STRING, const char *, path))                                                            \
    CALL1((RET, int), us_listener_close, (OBJ_GIVE, struct us_listener *, listener, LISTENER_FDS)) \
    CALL1((RET, int), us_cleanup_on_signals, (PTR_IN, const struct us_listener *, listener))       \
    CALL1((RET_FD, int), us_connect, (STRING, const char *, path))                                 \
    CALL3((RET, ssize_t), us_send_all, (FD, int, fd), (BYTES_IN, const void *, buf, len),          \
          (VALUE, size_t, len))                                                                    \
    CALL3((RET, ssize_t), us_recv_exact, (FD, int, fd), (BYTES_OUT, void *, buf, len),             \
          (VALUE, size_t, len))                                                                    \
    CALL3((RET, int), us_send_frame, (FD, int, fd), (BYTES_IN, const void *, msg, len),            \
          (VALUE, size_t, len))                                                                    \
    CALL4((RET, int), us_recv_frame, (FD, int, fd), (BYTES_OUT, void *, buf, cap),                 \
          (VALUE, size_t, cap), (PTR, size_t *, len))                                              \
    CALL1((RET, long), us_serve_client, (FD, int, conn))                                           \
    CALL1((RET_FD, int), us_dgram_open, (STRING, const char *, path))                              \
    CALL4((RET, ssize_t), us_dgram_send, (FD, int, fd), (STRING, const char *, to_path),           \
          (BYTES_IN, const void *, msg, len), (VALUE, size_t, len))                                \
    CALL3((RET, ssize_t), us_dgram_recv, (FD, int, fd), (BYTES_OUT, void *, buf, cap),             \
          (VALUE, size_t, cap))                                                                    \
    CALL3((RET, ssize_t), us_recv_once, (FD, int, fd), (BYTES_OUT, void *, buf, cap),              \
          (VALUE, size_t, cap))                                                                    \
    CALL2((RET, int), us_socketpair, (VALUE, int, type), (FDS_OUT, int *, fds, 2))                 \
    CALL3((RET, int), us_child_start, (OBJ, struct us_child *, child, CHILD_FDS),                  \
          (CALLBACK, us_child_fn, fn, arg), (CALLBACK_ARG, void *, arg))                           \
    CALL1((RET, int), us_child_finish, (OBJ_GIVE, struct us_child *, child, CHILD_FDS))            \
    CALL2((RET, int), us_peer_credentials, (FD, int, fd), (PTR, struct us_peer *, peer))           \
    CALL2((RET, int), us_send_fd, (FD, int, sock), (FD, int, fd))                                  \
    CALL1((RET_FD, int), us_recv_fd, (FD, int, sock))                                              \
    CALL2((RET, int), us_send_file, (FD, int, sock), (STRING, const char *, path))                 \
    CALL4((RET, long), us_serve_with, (FD, int, listen_fd), (VALUE, long, max_clients),            \
          (VALUE, struct us_serve_values, opts), (FD, int, log_fd))                                \
    CALL1((RET, long), us_test_alarm_once, (VALUE, long, usec))                                    \
    CALL1((RET, long), us_test_fd_limit, (VALUE, long, limit))                                     \
    CALL2((RET, int), us_listener_close_beside,                                                    \
          (OBJ_GIVE, struct us_listener *, listener, LISTENER_FDS), (FD_GIVE, int, bystander))     \
    CALL1((RET, long), us_serve_client_given, (FD_GIVE, int, conn))                                \
    CALL1((RET, int), us_test_close, (VALUE, int, fd))

#include "boundary_calls.h"
