/*
 * student_side.h - lab 04's own helpers that run in the student's process
 * (tests/grader/boundary.h), next to the lab's functions. Each is a call
 * across the boundary like them (calls.c), for what only that process can
 * do: take a signal, keep its standard output, hold a descriptor during a
 * call.
 */
#ifndef IPC_KIT_TCP_STUDENT_SIDE_H
#define IPC_KIT_TCP_STUDENT_SIDE_H

#include <stddef.h>
#include <sys/types.h>

#include "tcp_scenario.h"

/*
 * Counts signal sig in the student's process from now on (the count starts
 * at 0), with a handler installed with SA_RESTART when restart != 0, else
 * without it, so blocking calls fail with EINTR. Returns 0, or -1 with errno.
 * agent_set_signal(sig, 0) puts the default action back.
 */
int tcp_side_catch_signal(int sig, int restart);

/* How many signals tcp_side_catch_signal() has counted since it was called. */
long tcp_side_signals_caught(void);

/*
 * tcp_shutdown_write(fd), then whether fd still names the same socket in
 * the student's process (*kept = 1) or was released by the call (0): the
 * lent descriptor is closed after every call, so only that process can
 * tell. Returns what tcp_shutdown_write() returned, with its errno.
 */
int tcp_side_shutdown_write(int fd, int *kept);

/*
 * tcp_send_frame(fd, msg, len) under a fault plan (fault.h) that counts the
 * calls that send, and changes nothing: *calls gets how many the frame
 * took, watched (size bytes) fault_describe()'s words for them. All within
 * one call across the boundary, so its own messages are not counted.
 * Returns what tcp_send_frame() returned, with its errno.
 */
ssize_t tcp_side_send_frame_counted(int fd, const void *msg, size_t len, unsigned long *calls,
                                    char *watched, size_t size);

/*
 * tcp_scenario_client(fd, ...), with the student's process's standard
 * output sent to out meanwhile: the client side prints what it received
 * there. Returns what tcp_scenario_client() returned, with its errno.
 */
int tcp_side_scenario_client(int out, int fd, enum tcp_mode mode, const char *message,
                             int timeout_ms);

#endif
