/*
 * tcp_helpers.h - what lab 04's tests share (tcp_helpers.c). The other end
 * of each connection is made by the test itself with plain system calls
 * (raw_*), so a step is graded on its own; the student's process is looked at
 * from outside (boundary.h); the trace is read as an oracle.
 */
#ifndef IPC_KIT_TCP_HELPERS_H
#define IPC_KIT_TCP_HELPERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "tcp_endpoint.h"
#include "trace.h"

/* Exit statuses of the test's own child processes. */
enum {
    CHILD_OK = 0,
    CHILD_ENOSYS = 10,
    CHILD_WRONG = 11,
    CHILD_FAILED = 12,
    CHILD_EINTR = 14, /* a lab function gave up with EINTR */
};

/* A trace the student's process wrote during a test. */
struct traced {
    struct trace_log log;
    bool loaded; /* false: no trace could be read */
};

/* The loopback endpoint of family (AF_INET or AF_INET6) at port. */
struct tcp_endpoint loopback(int family, int port);

/* The local port of fd, from getsockname() here. */
int port_of(int fd);

/* A socket bound to loopback port 0; listening unless backlog < 0. */
int raw_bound(int family, int backlog, int *port);

/* An IPv4 listener on loopback port 0; *port gets the port. */
int raw_listener(int *port);

/* A socket connected to loopback port (IPv4). */
int raw_connect(int port);

/* Waits up to timeout_ms for events on fd; returns the revents (0: none in time). */
short wait_for(int fd, short events, int timeout_ms);

/* The next connection on listen_fd, waiting up to 5 s for it. */
int raw_accept(int listen_fd);

/* A connected IPv4 pair made without the lab: *client connected, *server accepted. */
void raw_pair(int *client, int *server);

/* SO_LINGER {1, 0} and close(): the peer gets RST. */
void raw_abort(int fd);

/* Sends all of buf with one send(flags | MSG_NOSIGNAL), or fails the test. */
void raw_send(int fd, const void *buf, size_t len, int flags);

/*
 * Reads until end of stream, cap bytes, or timeout_ms without data. Returns
 * the bytes read; *end is 1 when end of stream came, 0 otherwise, or -errno.
 */
size_t raw_read_all(int fd, char *buf, size_t cap, int timeout_ms, int *end);

/*
 * Reads a pipe until end of file (or the end of the first line when
 * one_line), cap - 1 bytes, or timeout_ms without data; ends the text.
 */
size_t read_pipe(int fd, char *buf, size_t cap, int timeout_ms, int one_line);

/* Descriptors the student's process holds between calls: its leaks (boundary.h). */
int student_fds(char *list, size_t size);

/* A port number as text, for the lab's open helpers (tcp_open_client...). */
enum { PORT_TEXT_MAX = 8 };

/*
 * A listener made by the lab's tcp_open_server("127.0.0.1", "0", backlog),
 * with its port as text in port (PORT_TEXT_MAX bytes); the test ends ("not
 * implemented yet", or failed) when there is none.
 */
int lab_listener(int backlog, char *port);

/*
 * A loopback port the test holds with a socket of its own (holder:
 * listening with backlog, or only bound when backlog < 0), and a socket of
 * the lab's (tcp_socket(AF_INET)) for the test to aim at it. The test ends
 * ("not implemented yet") when tcp_socket is.
 */
struct aimed_socket {
    int holder;                    /* the test's socket on the port */
    int port;                      /* and the port, as a number */
    char port_text[PORT_TEXT_MAX]; /* and as text */
    struct tcp_endpoint ep;        /* 127.0.0.1:port */
    int fd;                        /* the lab's socket */
};

struct aimed_socket aim_lab_socket(int backlog);

/*
 * What an open helper (tcp_open_client, tcp_open_server) left after a call
 * that should fail: what it returned (fd), its errno (err), and the
 * descriptors the student's process still holds (left, named in held).
 */
struct open_outcome {
    int fd;
    int err;
    int left;
    char held[256];
};

/*
 * Called with the open helper's result, right after it (set errno to 0
 * before the call): records the outcome, and closes fd if it is one.
 */
struct open_outcome outcome_of_open(int fd);

/* The inode of socket fd, to know it again in the student's process. */
ino_t socket_inode(int fd);

/*
 * True when the student's process still holds socket `inode` at number fd
 * (/proc/PID/fd/FD names "socket:[INODE]"): a call that was to release
 * a descriptor (tcp_close...) it was given did not.
 */
int student_holds(int fd, ino_t inode);

/* Waits for a test child that calls lab functions; when it hangs (killed
 * after timeout_ms), its student process is killed too: it may still be
 * inside the call. Returns the wait status, or -1 when it hung. */
int wait_child_and_student(pid_t pid, int timeout_ms);

/* len bytes of checksum_fill_pattern(seed), malloc()ed: the caller frees them. */
char *pattern(size_t len, uint64_t seed);

/* Waits for the test's child; turns its exit status into a clear failure. */
void expect_child_ok(pid_t pid, int timeout_ms, const char *what);

/* The student's process writes the trace (agent_trace_to), as does any
 * process the test starts meanwhile. */
void trace_begin(void);

/* Stops tracing, loads the trace, and removes the file.
 * Check it with require_trace() once the lab calls are known to exist. */
void trace_finish(struct traced *t);

/* Fails the test when no trace was written. */
void require_trace(const struct traced *t);

/* Frees what trace_finish() loaded. */
void traced_free(struct traced *t);

/* Index of the first `call` on fd at or after from, or -1. */
long find_on_fd(const struct traced *t, long from, const char *call, int fd);

#endif
