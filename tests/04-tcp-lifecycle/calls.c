/*
 * calls.c - lab 04's functions across the call boundary: one line each
 * (tests/grader/boundary_calls.h says what the kinds mean). The tests call
 * these names; the student's code runs in agent_04-tcp-lifecycle.
 *
 * Who holds a descriptor (tcp_lab.h): a socket a function returns moves to
 * the test (RET_FD); tcp_close, tcp_close_gracefully, tcp_abort and the
 * scenarios release theirs for good (FD_GIVE), so the test's own copy is
 * closed first and the student's close() really ends the connection (FIN
 * or RST, TIME_WAIT). The given modules tcp_state.c and tcp_endpoint.c call
 * no student function: the tests link them (the Makefile's
 * CHECKER_GIVEN_04-tcp-lifecycle) and read TCP states on their own copies.
 */
#include "kit_calls.h"
#include "student_side.h"
#include "tcp_lab.h"
#include "tcp_scenario.h"

#define LAB_CALLS                                                                                  \
    CALL1((RET_FD, int), tcp_socket, (VALUE, int, family))                                         \
    CALL5((RET, int), tcp_resolve, (STRING, const char *, host), (STRING, const char *, port),     \
          (VALUE, int, passive), (ARRAY, struct tcp_endpoint *, out, max), (VALUE, size_t, max))   \
    CALL2((RET, int), tcp_bind, (FD, int, fd), (PTR_IN, const struct tcp_endpoint *, ep))          \
    CALL1((RET, int), tcp_local_port, (FD, int, fd))                                               \
    CALL3((RET, int), tcp_connect, (FD, int, fd), (PTR_IN, const struct tcp_endpoint *, ep),       \
          (VALUE, int, timeout_ms))                                                                \
    CALL2((RET, int), tcp_listen, (FD, int, fd), (VALUE, int, backlog))                            \
    CALL2((RET_FD, int), tcp_accept, (FD, int, fd), (PTR, struct tcp_endpoint *, peer))            \
    CALL3((RET_FD, int), tcp_open_server, (STRING, const char *, host),                            \
          (STRING, const char *, port), (VALUE, int, backlog))                                     \
    CALL3((RET_FD, int), tcp_open_client, (STRING, const char *, host),                            \
          (STRING, const char *, port), (VALUE, int, timeout_ms))                                  \
    CALL3((RET, ssize_t), tcp_send_all, (FD, int, fd), (BYTES_IN, const void *, buf, len),         \
          (VALUE, size_t, len))                                                                    \
    CALL3((RET, ssize_t), tcp_recv_exact, (FD, int, fd), (BYTES_OUT, void *, buf, len),            \
          (VALUE, size_t, len))                                                                    \
    CALL3((RET, ssize_t), tcp_send_frame, (FD, int, fd), (BYTES_IN, const void *, msg, len),       \
          (VALUE, size_t, len))                                                                    \
    CALL3((RET, ssize_t), tcp_recv_frame, (FD, int, fd), (BYTES_OUT, void *, buf, cap),            \
          (VALUE, size_t, cap))                                                                    \
    CALL2((RET, long), tcp_poll_serve, (FD, int, listen_fd), (VALUE, long, clients))               \
    CALL2((RET, int), tcp_send_urgent, (FD, int, fd), (VALUE, char, byte))                         \
    CALL1((RET, int), tcp_urgent_owner, (FD, int, fd))                                             \
    CALL3((RET, int), tcp_recv_urgent, (FD, int, fd), (PTR, char *, byte),                         \
          (VALUE, int, timeout_ms))                                                                \
    CALL3((RET, ssize_t), tcp_recv_to_mark, (FD, int, fd), (BYTES_OUT, void *, buf, cap),          \
          (VALUE, size_t, cap))                                                                    \
    CALL1((RET, int), tcp_shutdown_write, (FD, int, fd))                                           \
    CALL2((RET, ssize_t), tcp_wait_peer_close, (FD, int, fd), (VALUE, int, timeout_ms))            \
    CALL1((RET, int), tcp_abort, (FD_GIVE, int, fd))                                               \
    CALL4((RET, int), tcp_describe_error, (BYTES_OUT, char *, buf, size), (VALUE, size_t, size),   \
          (STRING, const char *, what), (VALUE, int, err))                                         \
    CALL1((RET, int), tcp_close, (FD_GIVE, int, fd))                                               \
    CALL2((RET, int), tcp_close_gracefully, (FD_GIVE, int, fd), (VALUE, int, timeout_ms))          \
    CALL3((RET, int), tcp_scenario_serve, (FD_GIVE, int, conn), (VALUE, enum tcp_mode, mode),      \
          (VALUE, int, timeout_ms))                                                                \
    CALL1((RET_STRING, const char *), tcp_mode_name, (VALUE, enum tcp_mode, mode))                 \
    CALL2((RET, int), tcp_side_catch_signal, (VALUE, int, sig), (VALUE, int, restart))             \
    CALL0((RET, long), tcp_side_signals_caught)                                                    \
    CALL2((RET, int), tcp_side_shutdown_write, (FD, int, fd), (PTR, int *, kept))                  \
    CALL6((RET, ssize_t), tcp_side_send_frame_counted, (FD, int, fd),                              \
          (BYTES_IN, const void *, msg, len), (VALUE, size_t, len), (PTR, unsigned long *, calls), \
          (BYTES_OUT, char *, watched, size), (VALUE, size_t, size))                               \
    CALL5((RET, int), tcp_side_scenario_client, (FD, int, out), (FD_GIVE, int, fd),                \
          (VALUE, enum tcp_mode, mode), (STRING, const char *, message), (VALUE, int, timeout_ms))

#include "boundary_calls.h"

#ifdef BOUNDARY_AGENT
/* ---- the helpers of student_side.h, in the student's process ---- */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

static volatile sig_atomic_t signals_caught;

static void count_signal(int sig)
{
    (void)sig;
    signals_caught++;
}

int tcp_side_catch_signal(int sig, int restart)
{
    struct sigaction sa = {.sa_handler = count_signal, .sa_flags = restart ? SA_RESTART : 0};
    sigemptyset(&sa.sa_mask);
    signals_caught = 0;
    return sigaction(sig, &sa, NULL);
}

long tcp_side_signals_caught(void)
{
    return signals_caught;
}

int tcp_side_shutdown_write(int fd, int *kept)
{
    struct stat before, after;
    *kept = 0;
    if (fstat(fd, &before) == -1)
        return -1;
    int rc = tcp_shutdown_write(fd);
    int err = errno;
    *kept =
        fstat(fd, &after) == 0 && after.st_dev == before.st_dev && after.st_ino == before.st_ino;
    errno = err;
    return rc;
}

ssize_t tcp_side_send_frame_counted(int fd, const void *msg, size_t len, unsigned long *calls,
                                    char *watched, size_t size)
{
    fault_reset();
    fault_set(FAULT_OUT, (struct fault_plan){.fd = fd}); /* counts, changes nothing */
    ssize_t n = tcp_send_frame(fd, msg, len);
    int err = errno;
    *calls = fault_calls(FAULT_OUT);
    snprintf(watched, size, "%s", fault_describe(FAULT_OUT));
    fault_reset();
    errno = err;
    return n;
}

int tcp_side_scenario_client(int out, int fd, enum tcp_mode mode, const char *message,
                             int timeout_ms)
{
    /* Standard output goes to out during the call, and comes back after it. */
    fflush(stdout);
    int saved = dup(STDOUT_FILENO);
    if (saved == -1 || dup2(out, STDOUT_FILENO) == -1) {
        int err = errno;
        if (saved != -1)
            close(saved);
        close(fd); /* released in every case, as tcp_scenario_client() would */
        errno = err;
        return -1;
    }
    int rc = tcp_scenario_client(fd, mode, message, timeout_ms);
    int err = errno;
    fflush(stdout);
    dup2(saved, STDOUT_FILENO);
    close(saved);
    errno = err;
    return rc;
}
#endif
