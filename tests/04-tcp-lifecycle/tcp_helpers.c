/*
 * tcp_helpers.c - what lab 04's tests share (tcp_helpers.h): the test's side
 * of each connection with plain system calls, the student's process seen
 * from here, and the JSON trace as an oracle.
 */
/* SO_DOMAIN and SO_PROTOCOL, which tell what a socket is, are Linux options
 * that glibc shows only with _DEFAULT_SOURCE. */
#define _DEFAULT_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "agent_services.h"
#include "boundary.h"
#include "checksum.h"
#include "clock.h"
#include "err.h"
#include "fault.h"
#include "grader.h"
#include "student_side.h"
#include "tcp_helpers.h"
#include "tcp_lab.h"
#include "tcp_scenario.h"
#include "tcp_state.h"
#include "tcp_tests.h"
#include "trace.h"

/* ---- helpers: the test's side of each connection, plain system calls ---- */

struct tcp_endpoint loopback(int family, int port)
{
    struct tcp_endpoint ep;
    memset(&ep, 0, sizeof ep);
    if (family == AF_INET6) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ep.addr;
        a->sin6_family = AF_INET6;
        a->sin6_addr = in6addr_loopback;
        a->sin6_port = htons((uint16_t)port);
        ep.len = sizeof *a;
    } else {
        struct sockaddr_in *a = (struct sockaddr_in *)&ep.addr;
        a->sin_family = AF_INET;
        a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a->sin_port = htons((uint16_t)port);
        ep.len = sizeof *a;
    }
    return ep;
}

int port_of(int fd)
{
    struct tcp_endpoint ep = {.len = sizeof ep.addr};
    ck_assert_msg(getsockname(fd, (struct sockaddr *)&ep.addr, &ep.len) == 0,
                  "test setup: getsockname failed: %s", errno_name(errno));
    return tcp_endpoint_port(&ep);
}

/* A socket bound to loopback port 0; listening unless backlog < 0. */
int raw_bound(int family, int backlog, int *port)
{
    int fd = socket(family, SOCK_STREAM, 0);
    ck_assert_msg(fd != -1, "test setup: socket failed: %s", errno_name(errno));
    struct tcp_endpoint ep = loopback(family, 0);
    ck_assert_msg(bind(fd, (struct sockaddr *)&ep.addr, ep.len) == 0,
                  "test setup: bind to loopback failed: %s", errno_name(errno));
    if (backlog >= 0)
        ck_assert_msg(listen(fd, backlog) == 0, "test setup: listen failed: %s", errno_name(errno));
    *port = port_of(fd);
    return fd;
}

int raw_listener(int *port)
{
    return raw_bound(AF_INET, 64, port);
}

int raw_connect(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_msg(fd != -1, "test setup: socket failed: %s", errno_name(errno));
    struct tcp_endpoint ep = loopback(AF_INET, port);
    ck_assert_msg(connect(fd, (struct sockaddr *)&ep.addr, ep.len) == 0,
                  "test setup: connect to port %d failed: %s", port, errno_name(errno));
    return fd;
}

/* Waits up to timeout_ms for events on fd; returns the revents (0: none in time). */
short wait_for(int fd, short events, int timeout_ms)
{
    struct pollfd p = {.fd = fd, .events = events};
    int n;
    while ((n = poll(&p, 1, timeout_ms)) == -1 && errno == EINTR)
        ;
    return n > 0 ? p.revents : 0;
}

int raw_accept(int listen_fd)
{
    ck_assert_msg(wait_for(listen_fd, POLLIN, 5000) & POLLIN,
                  "test setup: no connection arrived within 5 s");
    int fd = accept(listen_fd, NULL, NULL);
    ck_assert_msg(fd != -1, "test setup: accept failed: %s", errno_name(errno));
    return fd;
}

/* A connected IPv4 pair made without the lab: *client connected, *server accepted. */
void raw_pair(int *client, int *server)
{
    int port;
    int listener = raw_listener(&port);
    *client = raw_connect(port);
    *server = raw_accept(listener);
    close(listener);
}

/* SO_LINGER {1, 0} and close(): the peer gets RST. */
void raw_abort(int fd)
{
    struct linger linger = {.l_onoff = 1, .l_linger = 0};
    ck_assert(setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, sizeof linger) == 0);
    close(fd);
}

void raw_send(int fd, const void *buf, size_t len, int flags)
{
    ck_assert_msg(send(fd, buf, len, flags | MSG_NOSIGNAL) == (ssize_t)len,
                  "test setup: send of %zu bytes failed: %s", len, errno_name(errno));
}

/*
 * Reads until end of stream, cap bytes, or timeout_ms without data. Returns
 * the bytes read; *end is 1 when end of stream came, 0 otherwise, or -errno.
 */
size_t raw_read_all(int fd, char *buf, size_t cap, int timeout_ms, int *end)
{
    size_t got = 0;
    *end = 0;
    while (got < cap) {
        if (!(wait_for(fd, POLLIN, timeout_ms) & (POLLIN | POLLHUP | POLLERR)))
            return got;
        ssize_t n = recv(fd, buf + got, cap - got, 0);
        if (n == -1 && errno == EINTR)
            continue;
        if (n <= 0) {
            *end = n == 0 ? 1 : -errno;
            return got;
        }
        got += (size_t)n;
    }
    return got;
}

/*
 * Reads a pipe until end of file (or the end of the first line when
 * one_line), cap - 1 bytes, or timeout_ms without data; ends the text.
 */
size_t read_pipe(int fd, char *buf, size_t cap, int timeout_ms, int one_line)
{
    size_t got = 0;
    while (got + 1 < cap && !(one_line && got > 0 && buf[got - 1] == '\n')) {
        if (!(wait_for(fd, POLLIN, timeout_ms) & (POLLIN | POLLHUP)))
            break;
        ssize_t n = read(fd, buf + got, one_line ? 1 : cap - 1 - got);
        if (n == -1 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    buf[got] = '\0';
    return got;
}

/* ---- helpers: the lab's own sockets, set up for a test ---- */

int lab_listener(int backlog, char *port)
{
    int listener = tcp_open_server("127.0.0.1", "0", backlog);
    REQUIRE_IMPL(listener, "tcp_open_server");
    ck_assert_msg(listener >= 0, "tcp_open_server failed: %s", errno_name(errno));
    snprintf(port, PORT_TEXT_MAX, "%d", port_of(listener));
    return listener;
}

struct aimed_socket aim_lab_socket(int backlog)
{
    struct aimed_socket s;
    s.holder = raw_bound(AF_INET, backlog, &s.port);
    snprintf(s.port_text, sizeof s.port_text, "%d", s.port);
    s.fd = tcp_socket(AF_INET);
    REQUIRE_IMPL(s.fd, "tcp_socket");
    s.ep = loopback(AF_INET, s.port);
    return s;
}

struct open_outcome outcome_of_open(int fd)
{
    struct open_outcome o = {.fd = fd, .err = errno};
    o.left = student_fds(o.held, sizeof o.held); /* what the failed call left open */
    if (fd >= 0)
        close(fd);
    return o;
}

/* ---- helpers: the student's process, seen from here ---- */

/* Descriptors the student's process holds between calls: its leaks (boundary.h). */
int student_fds(char *list, size_t size)
{
    int count = boundary_agent_fds(boundary_agent_pid(), list, size);
    ck_assert_msg(count >= 0, "test setup: the student's process cannot be looked at");
    return count;
}

/* The inode of socket fd, to know it again in the student's process. */
ino_t socket_inode(int fd)
{
    struct stat st;
    ck_assert_msg(fstat(fd, &st) == 0, "test setup: fstat(%d) failed: %s", fd, errno_name(errno));
    return st.st_ino;
}

/*
 * True when the student's process still holds socket `inode` at number fd
 * (/proc/PID/fd/FD names "socket:[INODE]"): a call that was to release
 * a descriptor (tcp_close...) it was given did not.
 */
int student_holds(int fd, ino_t inode)
{
    char link[64], target[64], want[64];
    snprintf(link, sizeof link, "/proc/%ld/fd/%d", (long)boundary_agent_pid(), fd);
    ssize_t n = readlink(link, target, sizeof target - 1);
    if (n <= 0)
        return 0;
    target[n] = '\0';
    snprintf(want, sizeof want, "socket:[%lu]", (unsigned long)inode);
    return strcmp(target, want) == 0;
}

/* Waits for a test child that calls lab functions; when it hangs (killed
 * after timeout_ms), its student process is killed too: it may still be
 * inside the call. Returns the wait status, or -1 when it hung. */
int wait_child_and_student(pid_t pid, int timeout_ms)
{
    pid_t student = boundary_student_of(pid);
    int status = grade_wait_child(pid, timeout_ms);
    if (status == -1 && student > 0)
        kill(student, SIGKILL);
    return status;
}

char *pattern(size_t len, uint64_t seed)
{
    char *buf = malloc(len ? len : 1);
    ck_assert_msg(buf != NULL, "test setup: malloc(%zu) failed", len);
    checksum_fill_pattern(buf, len, seed);
    return buf;
}

/* Waits for the test's child; turns its exit status into a clear failure. */
void expect_child_ok(pid_t pid, int timeout_ms, const char *what)
{
    int status = wait_child_and_student(pid, timeout_ms);
    ck_assert_msg(status != -1, "%s: the child process hung (killed after %d ms)", what,
                  timeout_ms);
    if (WIFEXITED(status) && WEXITSTATUS(status) == CHILD_ENOSYS)
        ck_abort_msg("not implemented yet: %s returned -1 with ENOSYS in a child process", what);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == CHILD_OK, "%s: the child %s", what,
                  grade_describe_status(status));
}

/* ---- helpers: the JSON trace as an oracle ---- */

static const char TRACE_PATH[] = "trace.jsonl";

/* The student's process writes the trace (agent_trace_to), as does any
 * process the test starts meanwhile. */
void trace_begin(void)
{
    unlink(TRACE_PATH);
    setenv("IPC_TRACE_FILE", TRACE_PATH, 1);
    trace_reset();
    ck_assert_msg(agent_trace_to(TRACE_PATH) == 0,
                  "test setup: tracing the student's process failed");
}

/* Stops tracing, loads the trace, and removes the file.
 * Check it with require_trace() once the lab calls are known to exist. */
void trace_finish(struct traced *t)
{
    agent_trace_to(NULL);
    unsetenv("IPC_TRACE_FILE");
    trace_reset();
    t->loaded = trace_log_load(&t->log, TRACE_PATH) == 0;
    unlink(TRACE_PATH);
}

void require_trace(const struct traced *t)
{
    ck_assert_msg(t->loaded && t->log.count > 0,
                  "no trace was written; report each call with trace_call_note()");
}

void traced_free(struct traced *t)
{
    trace_log_free(&t->log);
    t->loaded = false;
}

/* Index of the first `call` on fd at or after from, or -1. */
long find_on_fd(const struct traced *t, long from, const char *call, int fd)
{
    for (long i = from < 0 ? 0 : from; i < (long)t->log.count; i++) {
        if (trace_call_is(t->log.steps[i].call, call) && t->log.steps[i].fd == fd)
            return i;
    }
    return -1;
}
