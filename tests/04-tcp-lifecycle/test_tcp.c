/*
 * test_tcp.c - the graded tests of lab 04 (the TCP socket lifecycle).
 *
 * One or more tests per numbered step of tcp_lab.h, named stepNN_..., plus
 * the trace (the TCP state after each step), tools (nc, socat) and the
 * programs. The other end of each connection is made by the test itself with
 * plain system calls (raw_*), so a step is graded on its own. Only loopback
 * addresses and ports chosen by the kernel (port 0) are used, so graders can
 * run side by side. The table at the bottom is the only place points are set.
 *
 * The tests run across the call boundary (tests/grader/boundary.h): the
 * lab's functions run in the student's process, and this one judges from
 * its own copy of every socket (states, flags, owners), the descriptors
 * the student's process still holds (/proc), and the data it made itself.
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
#include "tcp_lab.h"
#include "tcp_scenario.h"
#include "tcp_state.h"
#include "trace.h"

/* Exit statuses of the test's own child processes. */
enum {
    CHILD_OK = 0,
    CHILD_ENOSYS = 10,
    CHILD_WRONG = 11,
    CHILD_FAILED = 12,
    CHILD_EINTR = 14, /* a lab function gave up with EINTR */
};

/* ---- helpers: the test's side of each connection, plain system calls ---- */

static struct tcp_endpoint loopback(int family, int port)
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

static int port_of(int fd)
{
    struct tcp_endpoint ep = {.len = sizeof ep.addr};
    ck_assert_msg(getsockname(fd, (struct sockaddr *)&ep.addr, &ep.len) == 0,
                  "test setup: getsockname failed: %s", errno_name(errno));
    return tcp_endpoint_port(&ep);
}

/* A socket bound to loopback port 0; listening unless backlog < 0. */
static int raw_bound(int family, int backlog, int *port)
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

static int raw_listener(int *port)
{
    return raw_bound(AF_INET, 64, port);
}

static int raw_connect(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_msg(fd != -1, "test setup: socket failed: %s", errno_name(errno));
    struct tcp_endpoint ep = loopback(AF_INET, port);
    ck_assert_msg(connect(fd, (struct sockaddr *)&ep.addr, ep.len) == 0,
                  "test setup: connect to port %d failed: %s", port, errno_name(errno));
    return fd;
}

/* Waits up to timeout_ms for events on fd; returns the revents (0: none in time). */
static short wait_for(int fd, short events, int timeout_ms)
{
    struct pollfd p = {.fd = fd, .events = events};
    int n;
    while ((n = poll(&p, 1, timeout_ms)) == -1 && errno == EINTR)
        ;
    return n > 0 ? p.revents : 0;
}

static int raw_accept(int listen_fd)
{
    ck_assert_msg(wait_for(listen_fd, POLLIN, 5000) & POLLIN,
                  "test setup: no connection arrived within 5 s");
    int fd = accept(listen_fd, NULL, NULL);
    ck_assert_msg(fd != -1, "test setup: accept failed: %s", errno_name(errno));
    return fd;
}

/* A connected IPv4 pair made without the lab: *client connected, *server accepted. */
static void raw_pair(int *client, int *server)
{
    int port;
    int listener = raw_listener(&port);
    *client = raw_connect(port);
    *server = raw_accept(listener);
    close(listener);
}

/* SO_LINGER {1, 0} and close(): the peer gets RST. */
static void raw_abort(int fd)
{
    struct linger linger = {.l_onoff = 1, .l_linger = 0};
    ck_assert(setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, sizeof linger) == 0);
    close(fd);
}

static void raw_send(int fd, const void *buf, size_t len, int flags)
{
    ck_assert_msg(send(fd, buf, len, flags | MSG_NOSIGNAL) == (ssize_t)len,
                  "test setup: send of %zu bytes failed: %s", len, errno_name(errno));
}

/*
 * Reads until end of stream, cap bytes, or timeout_ms without data. Returns
 * the bytes read; *end is 1 when end of stream came, 0 otherwise, or -errno.
 */
static size_t raw_read_all(int fd, char *buf, size_t cap, int timeout_ms, int *end)
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
static size_t read_pipe(int fd, char *buf, size_t cap, int timeout_ms, int one_line)
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

/* ---- helpers: the student's process, seen from here ---- */

/* Descriptors the student's process holds between calls: its leaks (boundary.h). */
static int student_fds(char *list, size_t size)
{
    int count = boundary_agent_fds(boundary_agent_pid(), list, size);
    ck_assert_msg(count >= 0, "test setup: the student's process cannot be looked at");
    return count;
}

/* The inode of socket fd, to know it again in the student's process. */
static ino_t socket_inode(int fd)
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
static int student_holds(int fd, ino_t inode)
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
static int wait_child_and_student(pid_t pid, int timeout_ms)
{
    pid_t student = boundary_student_of(pid);
    int status = grade_wait_child(pid, timeout_ms);
    if (status == -1 && student > 0)
        kill(student, SIGKILL);
    return status;
}

static char *pattern(size_t len, uint64_t seed)
{
    char *buf = malloc(len ? len : 1);
    ck_assert_msg(buf != NULL, "test setup: malloc(%zu) failed", len);
    checksum_fill_pattern(buf, len, seed);
    return buf;
}

/* Waits for the test's child; turns its exit status into a clear failure. */
static void expect_child_ok(pid_t pid, int timeout_ms, const char *what)
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

struct traced {
    struct trace_log log;
    char (*notes)[96]; /* notes[i] belongs to log.steps[i]; "" when none */
};

/* The student's process writes the trace (agent_trace_to), as does any
 * process the test starts meanwhile. */
static void trace_begin(void)
{
    unlink(TRACE_PATH);
    setenv("IPC_TRACE_FILE", TRACE_PATH, 1);
    trace_reset();
    ck_assert_msg(agent_trace_to(TRACE_PATH) == 0,
                  "test setup: tracing the student's process failed");
}

/* Copies the "note" of one JSON trace line into out ("" for null). */
static void note_of_line(const char *line, char *out, size_t size)
{
    out[0] = '\0';
    const char *p = strstr(line, "\"note\":\"");
    if (p == NULL)
        return;
    p += strlen("\"note\":\"");
    size_t used = 0;
    for (; *p && *p != '"' && used + 1 < size; p++) {
        if (*p == '\\' && p[1] != '\0')
            p++;
        out[used++] = *p;
    }
    out[used] = '\0';
}

/* Stops tracing, loads the trace with its notes, and removes the file.
 * Check it with require_trace() once the lab calls are known to exist. */
static void trace_finish(struct traced *t)
{
    agent_trace_to(NULL);
    unsetenv("IPC_TRACE_FILE");
    trace_reset();
    t->notes = NULL;
    if (trace_log_load(&t->log, TRACE_PATH) == 0) {
        t->notes = calloc(t->log.count ? t->log.count : 1, sizeof *t->notes);
        FILE *in = fopen(TRACE_PATH, "re");
        char line[4096];
        for (size_t i = 0; in && t->notes && i < t->log.count && fgets(line, sizeof line, in); i++)
            note_of_line(line, t->notes[i], sizeof t->notes[i]);
        if (in)
            fclose(in);
    }
    unlink(TRACE_PATH);
}

static void require_trace(const struct traced *t)
{
    ck_assert_msg(t->notes != NULL && t->log.count > 0,
                  "no trace was written; report each call with trace_call_note()");
}

static void traced_free(struct traced *t)
{
    trace_log_free(&t->log);
    free(t->notes);
    t->notes = NULL;
}

/* Index of the first `call` on fd at or after from, or -1. */
static long find_on_fd(const struct traced *t, long from, const char *call, int fd)
{
    for (long i = from < 0 ? 0 : from; i < (long)t->log.count; i++) {
        if (trace_call_is(t->log.steps[i].call, call) && trace_names_fd(t->log.steps[i].args, fd))
            return i;
    }
    return -1;
}

/* ---- 1. allocate --------------------------------------------------------- */

static int socket_option(int fd, int option)
{
    int value = -1;
    socklen_t len = sizeof value;
    if (getsockopt(fd, SOL_SOCKET, option, &value, &len) == -1)
        return -1;
    return value;
}

START_TEST(step01_socket_creates_a_tcp_stream_socket)
{
    int fd = tcp_socket(AF_INET);
    REQUIRE_IMPL(fd, "tcp_socket");
    ck_assert_msg(fd >= 0, "tcp_socket(AF_INET) failed: %s", errno_name(errno));
    int type = socket_option(fd, SO_TYPE);
    int protocol = socket_option(fd, SO_PROTOCOL);
    int domain = socket_option(fd, SO_DOMAIN);
    int state = tcp_state_of(fd);
    close(fd);
    ck_assert_msg(type == SOCK_STREAM, "the socket's type is %d, not SOCK_STREAM", type);
    ck_assert_msg(protocol == IPPROTO_TCP, "the socket's protocol is %d, not IPPROTO_TCP",
                  protocol);
    ck_assert_msg(domain == AF_INET, "the socket's family is %d, not the AF_INET asked for",
                  domain);
    ck_assert_msg(state == TCP_STATE_CLOSED, "a new TCP socket is CLOSED; this one is %s",
                  tcp_state_name(state));

    int fd6 = tcp_socket(AF_INET6);
    if (fd6 == -1 && errno == EAFNOSUPPORT) {
        grade_note("SKIP (part): IPv6 is not available here");
        return;
    }
    ck_assert_msg(fd6 >= 0, "tcp_socket(AF_INET6) failed: %s", errno_name(errno));
    domain = socket_option(fd6, SO_DOMAIN);
    close(fd6);
    ck_assert_msg(domain == AF_INET6, "tcp_socket(AF_INET6) made a socket of family %d", domain);
}
END_TEST

START_TEST(step01_socket_reports_eafnosupport)
{
    errno = 0;
    int fd = tcp_socket(12345); /* no such address family */
    int err = errno;
    REQUIRE_IMPL(fd, "tcp_socket");
    if (fd >= 0)
        close(fd);
    ck_assert_msg(fd == -1, "tcp_socket(12345) returned %d; an unknown family must fail", fd);
    ck_assert_msg(err == EAFNOSUPPORT, "tcp_socket(12345) failed with %s, not EAFNOSUPPORT",
                  errno_name(err));
    char held[256];
    ck_assert_msg(student_fds(held, sizeof held) == 0, "a descriptor was left open (%s)", held);
}
END_TEST

/* ---- 2. endpoints --------------------------------------------------------- */

START_TEST(step02_resolve_handles_ipv4_ipv6_and_bad_ports)
{
    struct tcp_endpoint eps[4];
    int n = tcp_resolve("127.0.0.1", "8080", 0, eps, 4);
    REQUIRE_IMPL(n, "tcp_resolve");
    ck_assert_msg(n >= 1, "tcp_resolve(\"127.0.0.1\", \"8080\") failed: %s", errno_name(errno));
    char text[TCP_ENDPOINT_TEXT_MAX];
    tcp_endpoint_text(&eps[0], text, sizeof text);
    ck_assert_msg(strcmp(text, "127.0.0.1:8080") == 0,
                  "tcp_resolve(\"127.0.0.1\", \"8080\") gave %s; getaddrinfo() with the port "
                  "as its service",
                  text);

    n = tcp_resolve("::1", "0", 1, eps, 4);
    ck_assert_msg(n >= 1 && eps[0].addr.ss_family == AF_INET6,
                  "tcp_resolve(\"::1\") must give an AF_INET6 endpoint (AF_UNSPEC in the hints)");
    n = tcp_resolve("localhost", "1", 0, eps, 4);
    ck_assert_msg(n >= 1, "tcp_resolve(\"localhost\") failed: %s", errno_name(errno));
    /* A name no host can have (spaces): getaddrinfo() says EAI_NONAME without
     * asking a name server, so this holds in a sandbox without network too. */
    errno = 0;
    n = tcp_resolve("no such host", "80", 0, eps, 4);
    ck_assert_msg(n == -1 && errno == ENOENT,
                  "tcp_resolve(\"no such host\") must fail with ENOENT (getaddrinfo() said "
                  "EAI_NONAME: the host does not resolve); got %d, %s",
                  n, errno_name(errno));

    const char *bad[] = {"99999", "65536", "-1", "http", "", "12a"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        errno = 0;
        n = tcp_resolve("127.0.0.1", bad[i], 0, eps, 4);
        ck_assert_msg(n == -1 && errno == EINVAL,
                      "port \"%s\" must be refused with EINVAL (a number from 0 to 65535); got "
                      "%d, %s",
                      bad[i], n, errno_name(errno));
    }
}
END_TEST

START_TEST(step02_bind_port_0_and_getsockname_report_the_chosen_port)
{
    int fd = tcp_socket(AF_INET);
    REQUIRE_IMPL(fd, "tcp_socket");
    int unbound = tcp_local_port(fd);
    REQUIRE_IMPL(unbound, "tcp_local_port");
    struct tcp_endpoint ep = loopback(AF_INET, 0);
    trace_begin();
    int rc = tcp_bind(fd, &ep);
    int err = errno;
    int port = tcp_local_port(fd);
    struct traced t;
    trace_finish(&t);
    int reuse = socket_option(fd, SO_REUSEADDR);
    int real_port = port_of(fd);
    close(fd);
    grade_require_impl(rc, err, "tcp_bind");
    require_trace(&t);
    ck_assert_msg(rc == 0, "tcp_bind(127.0.0.1:0) failed: %s", strerror(err));
    ck_assert_msg(unbound == 0, "tcp_local_port() of an unbound socket is 0, not %d", unbound);
    ck_assert_msg(port > 0 && port == real_port,
                  "after binding port 0, tcp_local_port() returned %d; getsockname() says %d", port,
                  real_port);
    ck_assert_msg(reuse == 1, "tcp_bind() must set SO_REUSEADDR before bind()");
    long set_at = find_on_fd(&t, 0, "setsockopt", fd);
    long bind_at = find_on_fd(&t, 0, "bind", fd);
    long name_at = find_on_fd(&t, 0, "getsockname", fd);
    traced_free(&t);
    ck_assert_msg(bind_at >= 0 && name_at > bind_at,
                  "the trace must show bind(fd=%d, ...) and then getsockname(fd=%d ...)", fd, fd);
    ck_assert_msg(set_at >= 0 && set_at < bind_at,
                  "the trace must show setsockopt(fd=%d, SO_REUSEADDR...) before bind()", fd);
}
END_TEST

/* True when this machine can bind a TCP socket to ::1. */
static int have_ipv6_loopback(void)
{
    int fd = socket(AF_INET6, SOCK_STREAM, 0);
    if (fd == -1)
        return 0;
    struct tcp_endpoint ep = loopback(AF_INET6, 0);
    int ok = bind(fd, (struct sockaddr *)&ep.addr, ep.len) == 0;
    close(fd);
    return ok;
}

/* The local address of fd as text ("127.0.0.1"), or "?" */
static const char *local_address(int fd, char *buf, size_t size)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    snprintf(buf, size, "?");
    if (getsockname(fd, (struct sockaddr *)&ss, &len) == -1)
        return buf;
    if (ss.ss_family == AF_INET)
        inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, buf, (socklen_t)size);
    else if (ss.ss_family == AF_INET6)
        inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, buf, (socklen_t)size);
    return buf;
}

START_TEST(step02_open_server_binds_the_address_it_is_given)
{
    /* A server asked for 127.0.0.1 must not listen on every interface: a
     * process on another machine could then reach it. */
    const char *hosts[] = {"127.0.0.1", "0.0.0.0"};
    for (size_t i = 0; i < 2; i++) {
        int fd = tcp_open_server(hosts[i], "0", 4);
        int err = errno;
        REQUIRE_IMPL(fd, "tcp_open_server");
        ck_assert_msg(fd >= 0, "tcp_open_server(\"%s\", \"0\") failed: %s", hosts[i],
                      errno_name(err));
        char got[64];
        local_address(fd, got, sizeof got);
        close(fd);
        ck_assert_msg(strcmp(got, hosts[i]) == 0,
                      "tcp_open_server(\"%s\", \"0\") listens on %s: bind() the address "
                      "tcp_resolve() gave for host, not a wildcard or another one",
                      hosts[i], got);
    }
}
END_TEST

START_TEST(step02_ipv6_loopback_round_trip)
{
    int server = tcp_open_server("::1", "0", 4);
    int err = errno;
    REQUIRE_IMPL(server, "tcp_open_server");
    if (server == -1 && !have_ipv6_loopback()) {
        grade_note("SKIP: IPv6 loopback (::1) is not available here (%s)", errno_name(err));
        return;
    }
    ck_assert_msg(server >= 0, "tcp_open_server(\"::1\", \"0\") failed: %s", strerror(err));
    char port[8];
    snprintf(port, sizeof port, "%d", port_of(server));
    int client = tcp_open_client("::1", port, 2000);
    ck_assert_msg(client >= 0, "tcp_open_client(\"::1\", \"%s\") failed: %s", port,
                  strerror(errno));
    struct tcp_endpoint peer;
    int conn = tcp_accept(server, &peer);
    ck_assert_msg(conn >= 0, "tcp_accept on ::1 failed: %s", errno_name(errno));
    ck_assert_msg(peer.addr.ss_family == AF_INET6, "the peer of a ::1 connection is IPv6");
    raw_send(client, "six", 3, 0);
    char buf[4] = "";
    ck_assert_msg(recv(conn, buf, 3, MSG_WAITALL) == 3 && memcmp(buf, "six", 3) == 0,
                  "bytes sent over ::1 did not arrive");
    close(client);
    close(conn);
    close(server);
}
END_TEST

/* ---- 3. initiate ---------------------------------------------------------- */

START_TEST(step03_connect_reaches_a_listener)
{
    int port;
    int listener = raw_listener(&port);
    int fd = tcp_socket(AF_INET);
    REQUIRE_IMPL(fd, "tcp_socket");
    struct tcp_endpoint ep = loopback(AF_INET, port);
    int rc = tcp_connect(fd, &ep, 2000);
    REQUIRE_IMPL(rc, "tcp_connect");
    ck_assert_msg(rc == 0, "tcp_connect to a listener failed: %s", errno_name(errno));
    int conn = raw_accept(listener);
    int flags = fcntl(fd, F_GETFL);
    int state = tcp_state_of(fd);
    close(conn);
    close(fd);
    ck_assert_msg(state == TCP_STATE_ESTABLISHED, "after tcp_connect the socket is %s",
                  tcp_state_name(state));
    ck_assert_msg(!(flags & O_NONBLOCK),
                  "tcp_connect must make the socket blocking again (restore the flags)");

    char text[8];
    snprintf(text, sizeof text, "%d", port);
    fd = tcp_open_client("127.0.0.1", text, 2000);
    ck_assert_msg(fd >= 0, "tcp_open_client(\"127.0.0.1\", \"%s\") failed: %s", text,
                  strerror(errno));
    conn = raw_accept(listener);
    close(conn);
    close(fd);
    close(listener);
}
END_TEST

START_TEST(step03_connect_to_a_closed_port_gives_econnrefused)
{
    /* Bound but not listening: nobody else can take the port, and a SYN to
     * it is answered with RST. */
    int port;
    int holder = raw_bound(AF_INET, -1, &port);
    int fd = tcp_socket(AF_INET);
    REQUIRE_IMPL(fd, "tcp_socket");
    struct tcp_endpoint ep = loopback(AF_INET, port);
    int rc = tcp_connect(fd, &ep, 5000);
    int err = errno;
    close(fd);
    grade_require_impl(rc, err, "tcp_connect");
    ck_assert_msg(rc == -1 && err == ECONNREFUSED,
                  "connecting to a port nobody listens on must fail with ECONNREFUSED (read "
                  "SO_ERROR after poll()); got %d, %s",
                  rc, errno_name(err));

    char text[8];
    snprintf(text, sizeof text, "%d", port);
    errno = 0;
    fd = tcp_open_client("127.0.0.1", text, 5000);
    err = errno;
    char held[256];
    int left = student_fds(held, sizeof held); /* what the failed call left open */
    if (fd >= 0)
        close(fd);
    close(holder);
    ck_assert_msg(fd == -1 && err == ECONNREFUSED,
                  "tcp_open_client to a closed port must fail with ECONNREFUSED; got %d, %s", fd,
                  errno_name(err));
    ck_assert_msg(left == 0, "tcp_open_client left %d descriptor(s) open after failing (%s)",
                  left, held);
}
END_TEST

START_TEST(step03_connect_times_out_with_etimedout)
{
    /* A listener whose accept queue is full drops new SYNs, so the client
     * waits in SYN_SENT: a deterministic "no answer", all on loopback. */
    int port;
    int listener = raw_bound(AF_INET, 0, &port);
    int queued[8], count = 0;
    int fd = tcp_socket(AF_INET);
    REQUIRE_IMPL(fd, "tcp_socket");
    struct tcp_endpoint ep = loopback(AF_INET, port);
    int rc = 0, err = 0;
    uint64_t took_ms = 0;
    while (count < 8) {
        uint64_t start = clock_now_ns();
        rc = tcp_connect(fd, &ep, 300);
        err = errno;
        took_ms = (clock_now_ns() - start) / 1000000;
        if (rc == -1)
            break;
        queued[count++] = fd; /* completed by the kernel, never accepted */
        fd = tcp_socket(AF_INET);
        ck_assert(fd >= 0);
    }
    int state = tcp_state_of(fd);
    close(fd);
    grade_require_impl(rc, err, "tcp_connect");
    ck_assert_msg(rc == -1 && err == ETIMEDOUT,
                  "against a full backlog tcp_connect must give up with ETIMEDOUT after the "
                  "timeout; got %d, %s",
                  rc, errno_name(err));
    ck_assert_msg(took_ms >= 250,
                  "tcp_connect reported ETIMEDOUT after %llu ms; it must wait the full 300 ms "
                  "(poll() with the timeout)",
                  (unsigned long long)took_ms);
    ck_assert_msg(took_ms < 3000, "tcp_connect with a 300 ms timeout took %llu ms",
                  (unsigned long long)took_ms);
    ck_assert_msg(state == TCP_STATE_SYN_SENT,
                  "a connect that timed out leaves the socket in SYN_SENT, this one is %s",
                  tcp_state_name(state));

    /* The same wait, with a signal every 50 ms in the student's process
     * (no SA_RESTART): poll() fails with EINTR, and tcp_connect must go on
     * waiting for what is left of its timeout. */
    fd = tcp_socket(AF_INET);
    ck_assert(fd >= 0);
    ck_assert_msg(agent_interrupt_every(50000) >= 0,
                  "test setup: a timer in the student's process failed");
    uint64_t start = clock_now_ns();
    rc = tcp_connect(fd, &ep, 300);
    err = errno;
    took_ms = (clock_now_ns() - start) / 1000000;
    long signals_seen = agent_interrupt_every(0);
    close(fd);
    ck_assert_msg(signals_seen > 0, "test setup: no signal arrived during tcp_connect");
    ck_assert_msg(rc == -1 && err == ETIMEDOUT && took_ms >= 250,
                  "with a signal every 50 ms (%d arrived), tcp_connect(300 ms) returned %d (%s) "
                  "after %llu ms: poll() fails with EINTR when a signal arrives; poll again for "
                  "the time that is left, then ETIMEDOUT",
                  (int)signals_seen, rc, rc == -1 ? errno_name(err) : "connected",
                  (unsigned long long)took_ms);

    char text[8];
    snprintf(text, sizeof text, "%d", port);
    errno = 0;
    fd = tcp_open_client("127.0.0.1", text, 200);
    err = errno;
    char held[256];
    int left = student_fds(held, sizeof held); /* what the failed call left open */
    if (fd >= 0)
        close(fd);
    for (int i = 0; i < count; i++)
        close(queued[i]);
    close(listener);
    ck_assert_msg(fd == -1 && err == ETIMEDOUT, "tcp_open_client must pass on ETIMEDOUT, got %s",
                  errno_name(err));
    ck_assert_msg(left == 0, "tcp_open_client left %d descriptor(s) open after a timeout (%s)",
                  left, held);
}
END_TEST

/* ---- 4. wait ---------------------------------------------------------------- */

START_TEST(step04_listen_then_accept_reports_the_peer)
{
    trace_begin();
    int server = tcp_open_server("127.0.0.1", "0", 8);
    int err = errno;
    if (server == -1) {
        struct traced t;
        trace_finish(&t);
        traced_free(&t);
        grade_require_impl(server, err, "tcp_open_server");
    }
    ck_assert_msg(server >= 0, "tcp_open_server(\"127.0.0.1\", \"0\") failed: %s", strerror(err));
    int listening_state = tcp_state_of(server);
    int accepting = socket_option(server, SO_ACCEPTCONN);
    int client = raw_connect(port_of(server));
    struct tcp_endpoint peer;
    int conn = tcp_accept(server, &peer);
    err = errno;
    struct traced t;
    trace_finish(&t);
    grade_require_impl(conn, err, "tcp_accept");
    require_trace(&t);
    ck_assert_msg(conn >= 0, "tcp_accept failed: %s", strerror(err));
    struct tcp_endpoint client_end = {.len = sizeof client_end.addr};
    getsockname(client, (struct sockaddr *)&client_end.addr, &client_end.len);
    char want[TCP_ENDPOINT_TEXT_MAX], got[TCP_ENDPOINT_TEXT_MAX];
    tcp_endpoint_text(&client_end, want, sizeof want);
    tcp_endpoint_text(&peer, got, sizeof got);
    int conn_state = tcp_state_of(conn);
    close(client);
    close(conn);
    close(server);

    ck_assert_msg(listening_state == TCP_STATE_LISTEN && accepting == 1,
                  "after tcp_open_server the socket must be listening (it is %s)",
                  tcp_state_name(listening_state));
    ck_assert_msg(conn_state == TCP_STATE_ESTABLISHED, "the accepted socket is %s",
                  tcp_state_name(conn_state));
    ck_assert_msg(strcmp(want, got) == 0, "tcp_accept reported the peer %s; the client is %s", got,
                  want);
    long socket_at = trace_log_find(&t.log, 0, NULL, "socket", NULL);
    long bind_at = find_on_fd(&t, 0, "bind", server);
    long listen_at = find_on_fd(&t, 0, "listen", server);
    long accept_at = find_on_fd(&t, 0, "accept", server);
    long peer_at = find_on_fd(&t, 0, "getpeername", conn);
    traced_free(&t);
    ck_assert_msg(socket_at >= 0 && bind_at > socket_at,
                  "the trace must show socket() and then bind(fd=%d, ...)", server);
    ck_assert_msg(listen_at > bind_at, "the trace must show listen(fd=%d ...) after bind()",
                  server);
    ck_assert_msg(accept_at > listen_at, "the trace must show accept(fd=%d ...) after listen()",
                  server);
    ck_assert_msg(peer_at > accept_at,
                  "the trace must show getpeername(fd=%d ...) on the new socket after accept()",
                  conn);
}
END_TEST

START_TEST(step04_accept_retries_after_a_signal)
{
    int port;
    int listener = raw_listener(&port);
    /* No SA_RESTART: a signal makes a blocked accept() fail with EINTR. The
     * signal goes to the student's process, where accept() waits. */
    ck_assert_msg(tcp_side_catch_signal(SIGUSR1, 0) == 0,
                  "test setup: a SIGUSR1 handler in the student's process failed");
    pid_t student = boundary_agent_pid();
    pid_t pid = fork();
    ck_assert(pid != -1);
    if (pid == 0) {
        close(listener); /* only the parent may accept: no copy here */
        /* Interrupt the waiting accept(), and only then connect. */
        clock_sleep_ms(200);
        kill(student, SIGUSR1);
        clock_sleep_ms(200);
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        struct tcp_endpoint ep = loopback(AF_INET, port);
        if (fd == -1 || connect(fd, (struct sockaddr *)&ep.addr, ep.len) == -1)
            _exit(CHILD_FAILED);
        char c;
        while (recv(fd, &c, 1, 0) > 0) /* until the parent closes */
            ;
        _exit(CHILD_OK);
    }
    int conn = tcp_accept(listener, NULL);
    int err = errno;
    if (conn >= 0)
        close(conn);
    close(listener);
    if (conn == -1 && err == EINTR)
        kill(pid, SIGKILL); /* the child would wait for a connection that is gone */
    int status = grade_wait_child(pid, 5000);
    long signals_seen = tcp_side_signals_caught();
    agent_set_signal(SIGUSR1, 0);
    grade_require_impl(conn, err, "tcp_accept");
    ck_assert_msg(!(conn == -1 && err == EINTR),
                  "tcp_accept gave up with EINTR when a signal arrived; retry accept() on EINTR "
                  "(and ECONNABORTED)");
    ck_assert_msg(conn >= 0, "tcp_accept failed: %s", strerror(err));
    ck_assert_msg(signals_seen == 1, "test setup: the signal did not arrive");
    ck_assert_msg(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == CHILD_OK,
                  "the connecting child failed");
}
END_TEST

/* ---- 5. send and receive ------------------------------------------------------ */

START_TEST(step04_open_helpers_try_each_endpoint_and_leak_nothing)
{
    int first = tcp_open_server("127.0.0.1", "0", 4);
    REQUIRE_IMPL(first, "tcp_open_server");
    ck_assert_msg(first >= 0, "tcp_open_server failed: %s", errno_name(errno));
    char port[8];
    snprintf(port, sizeof port, "%d", port_of(first));
    /* A second listener on the same port must fail, and leave nothing open. */
    errno = 0;
    int second = tcp_open_server("127.0.0.1", port, 4);
    int err = errno;
    char held[256];
    int left = student_fds(held, sizeof held); /* what the failed call left open */
    if (second >= 0)
        close(second);
    /* "localhost" may name ::1 first: a client must go on to 127.0.0.1. */
    struct tcp_endpoint eps[8];
    int count = tcp_resolve("localhost", port, 0, eps, 8);
    int client = tcp_open_client("localhost", port, 2000);
    int client_err = errno;
    if (client >= 0)
        close(client);
    close(first);
    ck_assert_msg(second == -1 && err == EADDRINUSE,
                  "a second server on port %s must fail with EADDRINUSE (SO_REUSEADDR never lets "
                  "two sockets listen on one port), got %d (%s)",
                  port, second, second == -1 ? errno_name(err) : "a listener");
    ck_assert_msg(left == 0,
                  "the failed tcp_open_server left %d descriptor(s) open (%s): close the socket "
                  "of each endpoint that failed",
                  left, held);
    ck_assert_msg(client >= 0,
                  "tcp_open_client(\"localhost\") failed (%s) although 127.0.0.1 listens; "
                  "localhost resolves to %d endpoint(s), the first %s: try each endpoint in turn "
                  "until one connects",
                  errno_name(client_err), count,
                  count > 0 && eps[0].addr.ss_family == AF_INET6 ? "IPv6 (::1)" : "IPv4");
}
END_TEST

START_TEST(step05_send_all_loops_on_short_sends_and_eintr)
{
    int client, server;
    raw_pair(&client, &server);
    size_t len = 30000;
    char *data = pattern(len, 5);
    fault_set(FAULT_OUT, (struct fault_plan){
                             .fd = client, .max_bytes = 7, .fail_every = 4, .fail_errno = EINTR});
    ssize_t n = tcp_send_all(client, data, len);
    int err = errno;
    unsigned long injected = fault_injected(FAULT_OUT);
    char watched[256];
    snprintf(watched, sizeof watched, "%s", fault_describe(FAULT_OUT));
    fault_reset();
    char *back = malloc(len);
    int end;
    size_t got = n == (ssize_t)len ? raw_read_all(server, back, len, 2000, &end) : 0;
    close(client);
    close(server);
    grade_require_impl(n, err, "tcp_send_all");
    ck_assert_msg(n == (ssize_t)len,
                  "with sends cut to 7 bytes and EINTR, tcp_send_all returned %zd (%s), not %zu", n,
                  n == -1 ? errno_name(err) : "short", len);
    ck_assert_msg(injected > 3000,
                  "sends on the socket were to be cut to 7 bytes, but only %lu faults happened "
                  "(calls seen: %s)",
                  injected, watched);
    ck_assert_msg(got == len && memcmp(back, data, len) == 0,
                  "the peer received %zu bytes, not the %zu sent, or different ones", got, len);
    free(back);
    free(data);
}
END_TEST

START_TEST(step05_recv_exact_loops_and_stops_at_end_of_stream)
{
    int client, server;
    raw_pair(&client, &server);
    char *data = pattern(4000, 6);
    raw_send(server, data, 4000, 0);
    fault_set(FAULT_IN, (struct fault_plan){
                            .fd = client, .max_bytes = 5, .fail_every = 3, .fail_errno = EINTR});
    char back[4000];
    ssize_t n = tcp_recv_exact(client, back, sizeof back);
    int err = errno;
    unsigned long injected = fault_injected(FAULT_IN);
    char watched[256];
    snprintf(watched, sizeof watched, "%s", fault_describe(FAULT_IN));
    fault_reset();
    raw_send(server, "0123456789", 10, 0);
    ck_assert(shutdown(server, SHUT_WR) == 0);
    char rest[100];
    ssize_t short_n = n == 4000 ? tcp_recv_exact(client, rest, sizeof rest) : -2;
    ssize_t at_end = n == 4000 ? tcp_recv_exact(client, rest, sizeof rest) : -2;
    close(client);
    close(server);
    grade_require_impl(n, err, "tcp_recv_exact");
    ck_assert_msg(n == 4000, "with receives cut to 5 bytes and EINTR, tcp_recv_exact returned %zd",
                  n);
    ck_assert_msg(injected > 500,
                  "receives on the socket were to be cut to 5 bytes, but only %lu faults happened "
                  "(calls seen: %s)",
                  injected, watched);
    ck_assert_msg(memcmp(back, data, 4000) == 0, "bytes were lost or repeated across receives");
    ck_assert_msg(short_n == 10,
                  "10 bytes then end of stream: tcp_recv_exact(100) must return 10, not %zd",
                  short_n);
    ck_assert_msg(at_end == 0,
                  "at end of stream tcp_recv_exact must return 0 (recv() = 0), not %zd", at_end);
    free(data);
}
END_TEST

/* Sizes of the frames the sender child sends, in order. */
static const size_t FRAME_SIZES[] = {1, 300, TCP_FRAME_MAX, 17};

START_TEST(step05_frames_keep_message_boundaries)
{
    int client, server;
    raw_pair(&client, &server);
    pid_t pid = fork();
    ck_assert(pid != -1);
    if (pid == 0) {
        /* The sender, in its own process: a 64 KiB frame may not fit in the
         * socket buffers until the receiver reads. */
        close(server);
        for (size_t i = 0; i < sizeof FRAME_SIZES / sizeof FRAME_SIZES[0]; i++) {
            char *data = pattern(FRAME_SIZES[i], i);
            ssize_t n = tcp_send_frame(client, data, FRAME_SIZES[i]);
            free(data);
            if (n == -1)
                _exit(errno == ENOSYS ? CHILD_ENOSYS : CHILD_FAILED);
            if (n != (ssize_t)FRAME_SIZES[i])
                _exit(CHILD_WRONG);
        }
        close(client);
        _exit(CHILD_OK);
    }
    close(client);
    fault_set(FAULT_IN, (struct fault_plan){.fd = server, .max_bytes = 3});
    char *buf = malloc(TCP_FRAME_MAX);
    ck_assert(buf != NULL);
    char problem[200] = "";
    ssize_t n = 0;
    int err = 0;
    for (size_t i = 0; i < sizeof FRAME_SIZES / sizeof FRAME_SIZES[0] && !problem[0]; i++) {
        n = tcp_recv_frame(server, buf, TCP_FRAME_MAX);
        err = errno;
        char *want = pattern(FRAME_SIZES[i], i);
        if (n != (ssize_t)FRAME_SIZES[i] || memcmp(buf, want, FRAME_SIZES[i]) != 0)
            snprintf(problem, sizeof problem,
                     "frame %zu (%zu bytes): tcp_recv_frame returned %zd (%s) or other bytes", i,
                     FRAME_SIZES[i], n, n == -1 ? errno_name(err) : "wrong length");
        free(want);
        if (n == -1)
            break;
    }
    ssize_t at_end = problem[0] ? 0 : tcp_recv_frame(server, buf, TCP_FRAME_MAX);
    unsigned long injected = fault_injected(FAULT_IN);
    char watched[256];
    snprintf(watched, sizeof watched, "%s", fault_describe(FAULT_IN));
    fault_reset();
    free(buf);
    close(server);
    int status = grade_wait_child(pid, 5000);
    if (status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == CHILD_ENOSYS)
        ck_abort_msg("not implemented yet: tcp_send_frame() returned -1 with ENOSYS");
    grade_require_impl(n, err, "tcp_recv_frame");
    ck_assert_msg(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == CHILD_OK,
                  "the sending child failed: tcp_send_frame must send 4 bytes of length (network "
                  "byte order) and the message, and return the message's length");
    ck_assert_msg(!problem[0], "%s", problem);
    ck_assert_msg(injected > 100,
                  "receives were to be cut to 3 bytes, but only %lu were (calls seen: %s): "
                  "tcp_recv_frame must receive from the socket itself",
                  injected, watched);
    ck_assert_msg(at_end == 0, "after the last frame, end of stream: tcp_recv_frame must return 0");
}
END_TEST

START_TEST(step05_frames_refuse_bad_lengths)
{
    int client, server;
    raw_pair(&client, &server);
    char buf[16];
    errno = 0;
    ssize_t empty = tcp_send_frame(client, "x", 0);
    int empty_err = errno;
    REQUIRE_IMPL(empty, "tcp_send_frame");
    char *big = pattern(TCP_FRAME_MAX + 1, 7);
    errno = 0;
    ssize_t too_big = tcp_send_frame(client, big, TCP_FRAME_MAX + 1);
    int too_big_err = errno;
    free(big);

    /* A header that announces more than TCP_FRAME_MAX, into a buffer that
     * would hold it: the limit itself must refuse it, before the body. */
    uint32_t header = htonl(TCP_FRAME_MAX + 1);
    raw_send(server, &header, 4, 0);
    ck_assert(shutdown(server, SHUT_WR) == 0);
    char *room = malloc(2 * TCP_FRAME_MAX);
    ck_assert(room != NULL);
    errno = 0;
    ssize_t huge = tcp_recv_frame(client, room, 2 * TCP_FRAME_MAX);
    int huge_err = errno;
    free(room);
    close(client);
    close(server);
    ck_assert_msg(empty == -1 && empty_err == EMSGSIZE,
                  "tcp_send_frame of 0 bytes must fail with EMSGSIZE");
    ck_assert_msg(too_big == -1 && too_big_err == EMSGSIZE,
                  "tcp_send_frame above TCP_FRAME_MAX must fail with EMSGSIZE");
    ck_assert_msg(huge == -1 && huge_err == EMSGSIZE,
                  "a frame announcing %d bytes must be refused with EMSGSIZE (got %zd, %s); "
                  "never trust a length from the network",
                  TCP_FRAME_MAX + 1, huge, errno_name(huge_err));

    /* Larger than the caller's buffer. */
    raw_pair(&client, &server);
    header = htonl(100);
    raw_send(server, &header, 4, 0);
    errno = 0;
    ssize_t over_cap = tcp_recv_frame(client, buf, sizeof buf);
    int over_cap_err = errno;
    close(client);
    close(server);
    ck_assert_msg(over_cap == -1 && over_cap_err == EMSGSIZE,
                  "a 100-byte frame into a 16-byte buffer must fail with EMSGSIZE (got %zd, %s)",
                  over_cap, errno_name(over_cap_err));

    /* The stream ends inside a frame. */
    raw_pair(&client, &server);
    header = htonl(10);
    raw_send(server, &header, 4, 0);
    raw_send(server, "abc", 3, 0);
    ck_assert(shutdown(server, SHUT_WR) == 0);
    errno = 0;
    ssize_t cut = tcp_recv_frame(client, buf, sizeof buf);
    int cut_err = errno;
    close(client);
    close(server);
    ck_assert_msg(cut == -1 && cut_err == EPROTO,
                  "a stream that ends inside a frame must fail with EPROTO (got %zd, %s)", cut,
                  errno_name(cut_err));

    /* The stream ends inside a header: not a clean end between frames. */
    raw_pair(&client, &server);
    raw_send(server, "\0\0", 2, 0);
    ck_assert(shutdown(server, SHUT_WR) == 0);
    errno = 0;
    ssize_t half = tcp_recv_frame(client, buf, sizeof buf);
    int half_err = errno;
    close(client);
    close(server);
    ck_assert_msg(half == -1 && half_err == EPROTO,
                  "a stream that ends after 2 of the 4 header bytes must fail with EPROTO, not "
                  "%zd (%s): only a stream that ends before a header begins is a clean end (0)",
                  half, half == -1 ? errno_name(half_err) : "a clean end");

    /* A header that announces 0 bytes: no frame is empty. */
    raw_pair(&client, &server);
    header = htonl(0);
    raw_send(server, &header, 4, 0);
    raw_send(server, &header, 4, 0);
    errno = 0;
    ssize_t zero = tcp_recv_frame(client, buf, sizeof buf);
    int zero_err = errno;
    close(client);
    close(server);
    ck_assert_msg(zero == -1 && zero_err == EBADMSG,
                  "a header announcing 0 bytes must be refused with EBADMSG (see tcp_lab.h), not "
                  "%zd (%s)",
                  zero, zero == -1 ? errno_name(zero_err) : "accepted as a frame");
}
END_TEST

START_TEST(step05_a_small_frame_leaves_in_one_call)
{
    /* Two sends (header, then body) meet Nagle's algorithm: the body waits
     * for the header's ACK, up to 40 ms. The frame must leave in one call. */
    int client, server;
    raw_pair(&client, &server);
    /* The sends are counted in the student's process during this one call
     * (a plan that counts and changes nothing), apart from the calls that
     * carry the test's requests there. */
    unsigned long calls = 0;
    char watched[256] = "";
    ssize_t n = tcp_side_send_frame_counted(client, "one frame, one call", 19, &calls, watched,
                                            sizeof watched);
    int err = errno;
    char back[4 + 19];
    int end;
    size_t got = n == 19 ? raw_read_all(server, back, sizeof back, 2000, &end) : 0;
    close(client);
    close(server);
    grade_require_impl(n, err, "tcp_send_frame");
    ck_assert_msg(n == 19, "tcp_send_frame of 19 bytes returned %zd (%s)", n,
                  n == -1 ? errno_name(err) : "another length");
    ck_assert_msg(got == sizeof back, "the peer received %zu of the frame's %zu bytes", got,
                  sizeof back);
    ck_assert_msg(calls == 1,
                  "a 19-byte frame took %lu calls to leave (%s): put the header and the body in "
                  "one buffer (or one writev/sendmsg) and send it with one tcp_send_all(), so "
                  "Nagle's algorithm cannot hold its second half back",
                  calls, watched);
}
END_TEST

/* ---- 6. determine when data arrives ------------------------------------------- */

/* Runs tcp_poll_serve(listener, clients) in a child; exits with what it returned. */
/* SIGALRM every 10 ms in the server's student process, without SA_RESTART:
 * poll() is interrupted. */
static bool poll_server_interrupted;

static pid_t start_poll_server(int listener, long clients)
{
    pid_t pid = fork();
    ck_assert(pid != -1);
    if (pid == 0) {
        if (poll_server_interrupted && agent_interrupt_every(10000) == -1)
            _exit(CHILD_FAILED);
        long served = tcp_poll_serve(listener, clients);
        if (served == -1)
            _exit(errno == ENOSYS ? CHILD_ENOSYS : errno == EINTR ? CHILD_EINTR : CHILD_FAILED);
        _exit(served == clients ? CHILD_OK : CHILD_WRONG);
    }
    close(listener); /* the child has it; if it dies, clients are refused at once */
    return pid;
}

/*
 * After something went wrong: waits up to 1 s for the server child (killing
 * it after that) and fails with "not implemented yet" if it quit on ENOSYS,
 * or says how it ended early. Returns when it was still running.
 */
static void check_server_end(pid_t pid)
{
    int status = wait_child_and_student(pid, 1000);
    if (status == -1)
        return; /* it was still serving: the caller says what went wrong */
    if (WIFEXITED(status) && WEXITSTATUS(status) == CHILD_ENOSYS)
        ck_abort_msg("not implemented yet: tcp_poll_serve() returned -1 with ENOSYS");
    if (WIFEXITED(status) && WEXITSTATUS(status) == CHILD_EINTR)
        ck_abort_msg("tcp_poll_serve() returned -1 with EINTR: a signal interrupted poll(); "
                     "poll again instead of giving up");
    ck_abort_msg("tcp_poll_serve ended early: the child %s", grade_describe_status(status));
}

/* Connects to the poll server, or reports why not. */
static int poll_client(pid_t server, int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert(fd != -1);
    struct tcp_endpoint ep = loopback(AF_INET, port);
    if (connect(fd, (struct sockaddr *)&ep.addr, ep.len) == -1) {
        int err = errno;
        close(fd);
        check_server_end(server);
        ck_abort_msg("could not connect to the poll server: %s", strerror(err));
    }
    return fd;
}

/* Sends to the poll server; a failure may mean the server is gone. */
static void send_to_server(pid_t server, int fd, const char *msg, size_t len)
{
    if (send(fd, msg, len, MSG_NOSIGNAL) != (ssize_t)len) {
        int err = errno;
        check_server_end(server);
        ck_abort_msg("sending to the poll server failed: %s", strerror(err));
    }
}

/* Reads len bytes of echo within timeout_ms; returns what arrived. */
static size_t read_echo(int fd, char *buf, size_t len, int timeout_ms)
{
    size_t got = 0;
    while (got < len) {
        if (!(wait_for(fd, POLLIN, timeout_ms) & (POLLIN | POLLHUP | POLLERR)))
            break;
        ssize_t n = recv(fd, buf + got, len - got, 0);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    return got;
}

enum { POLL_CLIENTS = 50 };

START_TEST(step06_poll_server_serves_50_clients_at_once)
{
    int port;
    int listener = raw_listener(&port);
    pid_t pid = start_poll_server(listener, POLL_CLIENTS);
    int fds[POLL_CLIENTS];
    /* Every client connects and speaks before any reply is read. */
    for (int i = 0; i < POLL_CLIENTS; i++)
        fds[i] = poll_client(pid, port);
    for (int i = 0; i < POLL_CLIENTS; i++) {
        char msg[32];
        int len = snprintf(msg, sizeof msg, "client %02d says hi", i);
        send_to_server(pid, fds[i], msg, (size_t)len);
    }
    /* Last first: a server that serves one client until it leaves never gets here. */
    int missing = -1;
    for (int i = POLL_CLIENTS - 1; i >= 0 && missing == -1; i--) {
        char msg[32], back[32];
        int len = snprintf(msg, sizeof msg, "client %02d says hi", i);
        if (read_echo(fds[i], back, (size_t)len, 5000) != (size_t)len ||
            memcmp(back, msg, (size_t)len) != 0)
            missing = i;
    }
    /* One by one, each client half-closes, and the server must close its
     * side in turn, while the other clients keep it running. */
    int not_closed = -1;
    for (int i = 0; i < POLL_CLIENTS && missing == -1 && not_closed == -1; i++) {
        char rest[8];
        int end;
        shutdown(fds[i], SHUT_WR);
        raw_read_all(fds[i], rest, sizeof rest, 5000, &end);
        if (end != 1)
            not_closed = i;
    }
    for (int i = 0; i < POLL_CLIENTS; i++)
        close(fds[i]);
    if (missing != -1 || not_closed != -1) {
        check_server_end(pid);
        ck_assert_msg(missing == -1,
                      "client %d got no echo while all %d clients were connected: the server "
                      "must poll() the listening socket and every client together",
                      missing, POLL_CLIENTS);
        ck_abort_msg("client %d closed its side but the server never closed its own: close a "
                     "client (tcp_close) once recv() returns 0",
                     not_closed);
    }
    expect_child_ok(pid, 5000, "tcp_poll_serve(listener, 50)");
}
END_TEST

START_TEST(step06_poll_server_goes_on_after_signals)
{
    int port;
    int listener = raw_listener(&port);
    poll_server_interrupted = true;
    pid_t pid = start_poll_server(listener, 2);
    for (int i = 0; i < 2; i++) {
        clock_sleep_ms(100); /* the server waits in poll() meanwhile, and signals arrive */
        int fd = poll_client(pid, port);
        send_to_server(pid, fd, "still there?", 12);
        char back[12];
        size_t got = read_echo(fd, back, sizeof back, 5000);
        close(fd);
        if (got != sizeof back) {
            check_server_end(pid);
            ck_abort_msg("client %d got no echo: with a signal every 10 ms, poll() fails with "
                         "EINTR; tcp_poll_serve must poll again, not return",
                         i + 1);
        }
    }
    expect_child_ok(pid, 5000, "tcp_poll_serve(listener, 2) with a signal every 10 ms");
}
END_TEST

START_TEST(step06_poll_server_survives_a_client_reset)
{
    int port;
    int listener = raw_listener(&port);
    pid_t pid = start_poll_server(listener, 3);
    char back[8];
    int a = poll_client(pid, port);
    send_to_server(pid, a, "a1", 2);
    size_t got_a1 = read_echo(a, back, 2, 5000);
    if (got_a1 != 2)
        check_server_end(pid);
    int b = poll_client(pid, port);
    send_to_server(pid, b, "b1", 2);
    size_t got_b1 = read_echo(b, back, 2, 5000);
    raw_abort(b); /* RST: the server's recv() on it fails with ECONNRESET */
    clock_sleep_ms(50);
    size_t got_a2 = send(a, "a2", 2, MSG_NOSIGNAL) == 2 ? read_echo(a, back, 2, 5000) : 0;
    int c = socket(AF_INET, SOCK_STREAM, 0);
    struct tcp_endpoint ep = loopback(AF_INET, port);
    int c_ok = c != -1 && connect(c, (struct sockaddr *)&ep.addr, ep.len) == 0 &&
               send(c, "c1", 2, MSG_NOSIGNAL) == 2 && read_echo(c, back, 2, 5000) == 2;
    close(a);
    if (c != -1)
        close(c);
    if (got_a1 != 2 || got_b1 != 2 || got_a2 != 2 || !c_ok) {
        int status = wait_child_and_student(pid, 2000);
        if (status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == CHILD_ENOSYS)
            ck_abort_msg("not implemented yet: tcp_poll_serve() returned -1 with ENOSYS");
        ck_assert_msg(got_a1 == 2 && got_b1 == 2, "the poll server did not echo to two clients");
        ck_abort_msg("after one client was reset (RST), the server stopped serving the others "
                     "(it %s); a client's error must end that client only",
                     status == -1 ? "hung" : grade_describe_status(status));
    }
    expect_child_ok(pid, 5000, "tcp_poll_serve(listener, 3)");
}
END_TEST

/* A client that sends and never reads its echo fills its socket buffers;
 * a server that then blocks in send() on it would stall everyone. */
START_TEST(step06_poll_server_is_not_stalled_by_a_client_that_never_reads)
{
    int port;
    int listener = raw_listener(&port);
    /* Small buffers on both sides (accepted sockets inherit the listener's
     * SO_SNDBUF): poll() then reports POLLOUT with less room than an echo
     * needs, so a send() without MSG_DONTWAIT would block on the deaf client. */
    int small = 4096;
    ck_assert(setsockopt(listener, SOL_SOCKET, SO_SNDBUF, &small, sizeof small) == 0);
    pid_t pid = start_poll_server(listener, 2);
    int deaf = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert(deaf != -1);
    ck_assert(setsockopt(deaf, SOL_SOCKET, SO_RCVBUF, &small, sizeof small) == 0);
    struct tcp_endpoint ep = loopback(AF_INET, port);
    if (connect(deaf, (struct sockaddr *)&ep.addr, ep.len) == -1) {
        close(deaf);
        check_server_end(pid);
        ck_abort_msg("could not connect to the poll server: %s", strerror(errno));
    }
    /* About 8 MiB, more than both directions' buffers hold, never read back. */
    static char chunk[64 * 1024];
    memset(chunk, 'z', sizeof chunk);
    size_t pushed = 0;
    for (int i = 0; i < 128; i++) {
        if (!(wait_for(deaf, POLLOUT, 200) & POLLOUT))
            break; /* full both ways: the server stopped reading it */
        ssize_t n = send(deaf, chunk, sizeof chunk, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n <= 0)
            break;
        pushed += (size_t)n;
    }
    int good = poll_client(pid, port);
    send_to_server(pid, good, "still there?", 12);
    char back[12];
    size_t got = read_echo(good, back, sizeof back, grade_timeout_ms(1000));
    /* Where the student's process that serves sleeps, before the clients go. */
    const char *asleep_in = grade_blocked_call(boundary_student_of(pid));
    close(deaf);
    if (got != sizeof back || memcmp(back, "still there?", sizeof back) != 0) {
        close(good);
        /* Both clients are gone now, so a server that ends is no news; only
         * the skeleton's answer is. */
        int status = wait_child_and_student(pid, 1000);
        if (status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == CHILD_ENOSYS)
            ck_abort_msg("not implemented yet: tcp_poll_serve() returned -1 with ENOSYS");
        ck_abort_msg("after one client sent %zu bytes and read none of its echo, another client "
                     "got %zu of its 12 bytes back within 1 s%s%s: never block on one client; "
                     "send with MSG_DONTWAIT, keep what is left in that client's buffer, and "
                     "poll() it for POLLOUT instead of POLLIN until the buffer is empty",
                     pushed, got, asleep_in ? "; the server was asleep in " : "",
                     asleep_in ? asleep_in : "");
    }
    close(good);
    expect_child_ok(pid, 5000, "tcp_poll_serve(listener, 2)");
}
END_TEST

/* ---- 7. urgent data, sending ---------------------------------------------------- */

START_TEST(step07_send_urgent_marks_one_byte_urgent)
{
    int client, server;
    raw_pair(&client, &server);
    raw_send(client, "abc", 3, 0);
    int rc = tcp_send_urgent(client, '!');
    int err = errno;
    REQUIRE_IMPL(rc, "tcp_send_urgent");
    raw_send(client, "def", 3, 0);
    short revents = wait_for(server, POLLPRI, 2000);
    char urgent = 0;
    ssize_t oob = recv(server, &urgent, 1, MSG_OOB);
    char normal[16];
    int end;
    ck_assert(shutdown(client, SHUT_WR) == 0);
    size_t got = raw_read_all(server, normal, sizeof normal, 2000, &end);
    close(client);
    close(server);
    grade_require_impl(rc, err, "tcp_send_urgent");
    ck_assert_msg(rc == 1, "tcp_send_urgent returned %d (%s), not 1", rc, strerror(err));
    ck_assert_msg(revents & POLLPRI,
                  "the receiver's poll() saw no POLLPRI: send the byte with MSG_OOB");
    ck_assert_msg(oob == 1 && urgent == '!',
                  "recv(MSG_OOB) on the receiver did not return the urgent byte '!'");
    ck_assert_msg(got == 6 && memcmp(normal, "abcdef", 6) == 0,
                  "the ordinary stream must be \"abcdef\" without the urgent byte (got %zu "
                  "bytes)",
                  got);
}
END_TEST

/* ---- 8. urgent data, receiving ---------------------------------------------------- */

START_TEST(step08_urgent_byte_arrives_as_urgent)
{
    int client, server;
    raw_pair(&client, &server);
    char urgent = 0;
    /* Ordinary data alone is not urgent: POLLIN is not POLLPRI. */
    raw_send(client, "abc", 3, 0);
    int none = tcp_recv_urgent(server, &urgent, 100);
    int err = errno;
    REQUIRE_IMPL(none, "tcp_recv_urgent");
    raw_send(client, "!", 1, MSG_OOB);
    raw_send(client, "def", 3, 0);
    int got = tcp_recv_urgent(server, &urgent, 2000);
    err = errno;
    char before[16] = "", after[16] = "";
    ssize_t nb = got == 1 ? tcp_recv_to_mark(server, before, sizeof before) : -2;
    int mark_err = errno;
    ssize_t na = nb >= 0 ? tcp_recv_exact(server, after, 3) : -2;
    close(client);
    close(server);
    ck_assert_msg(none == 0,
                  "with ordinary data but no urgent data, tcp_recv_urgent(100 ms) must return 0, "
                  "not %d (%s): wait for POLLPRI, not POLLIN",
                  none, none == -1 ? errno_name(err) : "a byte");
    ck_assert_msg(got == 1 && urgent == '!',
                  "tcp_recv_urgent returned %d (%s) and the byte '%c'; expected 1 and '!' (poll() "
                  "for POLLPRI, then recv(MSG_OOB))",
                  got, got == -1 ? errno_name(err) : "ok", urgent ? urgent : '?');
    grade_require_impl(nb, mark_err, "tcp_recv_to_mark");
    ck_assert_msg(nb == 3 && memcmp(before, "abc", 3) == 0,
                  "tcp_recv_to_mark must return the 3 bytes sent before the urgent byte, "
                  "\"abc\"; it returned %zd (stop when sockatmark() says 1)",
                  nb);
    ck_assert_msg(na == 3 && memcmp(after, "def", 3) == 0,
                  "after the mark the ordinary stream must go on with \"def\" (the urgent byte "
                  "is not part of it)");

    /* The mark first: nothing came before the urgent byte. */
    raw_pair(&client, &server);
    raw_send(client, "!", 1, MSG_OOB);
    raw_send(client, "xyz", 3, 0);
    got = tcp_recv_urgent(server, &urgent, 2000);
    clock_sleep_ms(50); /* "xyz" is there too: a read would take it */
    char none_before[16] = "";
    ssize_t at_start = got == 1 ? tcp_recv_to_mark(server, none_before, sizeof none_before) : -2;
    close(client);
    close(server);
    ck_assert_msg(got == 1, "tcp_recv_urgent did not get the urgent byte sent first");
    ck_assert_msg(at_start == 0,
                  "with the urgent byte sent first, tcp_recv_to_mark must return 0 (already at "
                  "the mark), not %zd: ask sockatmark() before each recv(), the first one too",
                  at_start);

    /* A peer that closes without urgent data ends the wait: ENODATA, not 0
     * ("nothing in time") after the whole timeout. */
    raw_pair(&client, &server);
    close(client);
    grade_waiting_for("tcp_recv_urgent(3000 ms) to notice that the peer closed");
    errno = 0;
    got = tcp_recv_urgent(server, &urgent, 3000);
    err = errno;
    close(server);
    ck_assert_msg(got == -1 && err == ENODATA,
                  "the peer closed without urgent data, and tcp_recv_urgent(3000 ms) returned %d "
                  "(%s); it must return -1 with ENODATA: poll() for POLLRDHUP as well as POLLPRI, "
                  "so a close ends the wait at once",
                  got,
                  got == -1  ? errno_name(err)
                  : got == 0 ? "the timeout"
                             : "a byte");
}
END_TEST

START_TEST(step08_sigurg_reaches_the_owner)
{
    int client, server;
    raw_pair(&client, &server);
    /* The owner is read here, on this process's copy of the socket (one
     * open file, one owner); SIGURG is counted in the student's process. */
    ck_assert_msg(tcp_side_catch_signal(SIGURG, 1) == 0,
                  "test setup: a SIGURG handler in the student's process failed");
    int rc = tcp_urgent_owner(server);
    int err = errno;
    int owner = fcntl(server, F_GETOWN);
    if (rc == 0)
        raw_send(client, "!", 1, MSG_OOB);
    long signals_seen = 0;
    for (int waited = 0; rc == 0 && signals_seen == 0 && waited < 2000; waited += 10) {
        clock_sleep_ms(10);
        signals_seen = tcp_side_signals_caught();
    }
    close(client);
    close(server);
    agent_set_signal(SIGURG, 0);
    grade_require_impl(rc, err, "tcp_urgent_owner");
    ck_assert_msg(rc == 0, "tcp_urgent_owner failed: %s", strerror(err));
    ck_assert_msg(owner == boundary_agent_pid(),
                  "the socket's owner is %d, not the process that called tcp_urgent_owner (%d): "
                  "F_SETOWN with getpid()",
                  owner, (int)boundary_agent_pid());
    ck_assert_msg(signals_seen >= 1, "no SIGURG arrived within 2 s of the urgent byte");
}
END_TEST

/* ---- 9. graceful termination ---------------------------------------------------- */

START_TEST(step09_half_close_peer_reads_eof_then_replies)
{
    int client, server;
    raw_pair(&client, &server);
    raw_send(client, "request", 7, 0);
    /* Whether the call released the student's copy of client is known only
     * in the student's process; the state is read here, on this copy. */
    int still_open = 0;
    int rc = tcp_side_shutdown_write(client, &still_open);
    int err = errno;
    REQUIRE_IMPL(rc, "tcp_shutdown_write");
    int state = tcp_state_of(client);
    char buf[32];
    int end;
    size_t got = raw_read_all(server, buf, sizeof buf, 2000, &end);
    raw_send(server, "reply", 5, 0);
    close(server);
    ssize_t reply = still_open ? tcp_recv_exact(client, buf + 16, 5) : -2;
    errno = 0;
    ssize_t after = still_open ? send(client, "x", 1, MSG_NOSIGNAL) : -2;
    int after_err = errno;
    close(client);
    grade_require_impl(rc, err, "tcp_shutdown_write");
    ck_assert_msg(rc == 0, "tcp_shutdown_write failed: %s", strerror(err));
    ck_assert_msg(still_open, "shutdown() does not release the descriptor; only close() does");
    ck_assert_msg(state == TCP_STATE_FIN_WAIT1 || state == TCP_STATE_FIN_WAIT2,
                  "after SHUT_WR the socket is in FIN_WAIT1 or FIN_WAIT2, not %s (use "
                  "shutdown(fd, SHUT_WR))",
                  tcp_state_name(state));
    ck_assert_msg(end == 1 && got == 7 && memcmp(buf, "request", 7) == 0,
                  "the peer must read \"request\" and then end of stream (recv() = 0)");
    ck_assert_msg(reply == 5 && memcmp(buf + 16, "reply", 5) == 0,
                  "after its own FIN the client must still receive the peer's reply");
    ck_assert_msg(after == -1 && after_err == EPIPE,
                  "a send after SHUT_WR must fail with EPIPE: shut down only the write side");
}
END_TEST

/* The test's peer in a child: reads to end of stream, then closes. The
 * child drops its copy of the parent's client socket, or that copy alone
 * would keep the connection open. */
static pid_t start_closing_peer(int listener, int parent_client)
{
    pid_t pid = fork();
    ck_assert(pid != -1);
    if (pid == 0) {
        close(parent_client);
        int fd = accept(listener, NULL, NULL);
        if (fd == -1)
            _exit(CHILD_FAILED);
        char buf[256];
        ssize_t n;
        while ((n = recv(fd, buf, sizeof buf, 0)) > 0)
            ;
        close(fd);
        _exit(n == 0 ? CHILD_OK : CHILD_FAILED);
    }
    return pid;
}

START_TEST(step09_graceful_close_shuts_down_before_close)
{
    int port;
    int listener = raw_listener(&port);
    int client = raw_connect(port);
    pid_t pid = start_closing_peer(listener, client);
    close(listener);
    raw_send(client, "bye", 3, 0);
    ino_t inode = socket_inode(client);
    trace_begin();
    int rc = tcp_close_gracefully(client, 5000); /* this process's copy is closed first */
    int err = errno;
    struct traced t;
    trace_finish(&t);
    int still_open = student_holds(client, inode);
    if (still_open)
        kill(pid, SIGKILL); /* the peer waits for a FIN that cannot come while the socket is held */
    int status = grade_wait_child(pid, 5000);
    grade_require_impl(rc, err, "tcp_close_gracefully");
    require_trace(&t);
    ck_assert_msg(rc == 0, "tcp_close_gracefully failed: %s", strerror(err));
    ck_assert_msg(!still_open, "tcp_close_gracefully must release the descriptor");
    ck_assert_msg(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == CHILD_OK,
                  "the peer did not see a clean end of stream");
    long shut_at = find_on_fd(&t, 0, "shutdown", client);
    long eof_at = -1;
    for (long i = shut_at; shut_at >= 0 && i < (long)t.log.count; i++) {
        if (trace_call_is(t.log.steps[i].call, "recv") &&
            trace_names_fd(t.log.steps[i].args, client) && t.log.steps[i].ret == 0) {
            eof_at = i;
            break;
        }
    }
    long close_at = find_on_fd(&t, 0, "close", client);
    int shut_wr = shut_at >= 0 && strstr(t.log.steps[shut_at].args, "SHUT_WR") != NULL;
    traced_free(&t);
    ck_assert_msg(shut_at >= 0 && shut_wr,
                  "the trace shows no shutdown(fd=%d, SHUT_WR ...); the graceful path starts "
                  "with a half-close",
                  client);
    ck_assert_msg(close_at > shut_at, "the trace must show close(fd=%d ...) after shutdown()",
                  client);
    ck_assert_msg(eof_at > shut_at && eof_at < close_at,
                  "between shutdown() and close() the trace must show recv(fd=%d ...) = 0: wait "
                  "for the peer's FIN",
                  client);

    /* A socket that was never connected: shutdown() fails with ENOTCONN, and
     * the descriptor must still be released ("fd is released in every case"). */
    int lone = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_msg(lone != -1, "test setup: socket failed: %s", errno_name(errno));
    inode = socket_inode(lone);
    errno = 0;
    rc = tcp_close_gracefully(lone, 200);
    err = errno;
    still_open = student_holds(lone, inode);
    ck_assert_msg(!still_open,
                  "on a socket that was never connected, shutdown() fails (ENOTCONN) and "
                  "tcp_close_gracefully() returned %d (%s) but left fd %d open: it must close the "
                  "descriptor in every case",
                  rc, rc == -1 ? errno_name(err) : "no error", lone);
    ck_assert_msg(rc == -1 && err == ENOTCONN,
                  "on a socket that was never connected, tcp_close_gracefully() must return -1 "
                  "with shutdown()'s ENOTCONN, not %d (%s)",
                  rc, rc == -1 ? errno_name(err) : "no error");
}
END_TEST

/* ---- 10. termination by the remote side ------------------------------------------- */

START_TEST(step10_wait_peer_close_sees_eof_timeout_and_reset)
{
    int client, server;
    raw_pair(&client, &server);
    raw_send(server, "xyz", 3, 0);
    close(server);
    ssize_t n = tcp_wait_peer_close(client, 2000);
    int err = errno;
    close(client);
    grade_require_impl(n, err, "tcp_wait_peer_close");
    ck_assert_msg(n == 3,
                  "the peer sent 3 bytes and closed: tcp_wait_peer_close must return 3, "
                  "not %zd (%s)",
                  n, n == -1 ? errno_name(err) : "wrong count");

    raw_pair(&client, &server);
    uint64_t start = clock_now_ns();
    errno = 0;
    n = tcp_wait_peer_close(client, 150);
    err = errno;
    uint64_t took_ms = (clock_now_ns() - start) / 1000000;
    close(client);
    close(server);
    ck_assert_msg(n == -1 && err == ETIMEDOUT,
                  "a peer that stays open: tcp_wait_peer_close(150 ms) must fail with "
                  "ETIMEDOUT, got %zd, %s",
                  n, errno_name(err));
    ck_assert_msg(took_ms >= 100 && took_ms < 3000,
                  "tcp_wait_peer_close(150 ms) took %llu ms; wait with poll() and the timeout",
                  (unsigned long long)took_ms);

    raw_pair(&client, &server);
    raw_abort(server);
    errno = 0;
    n = tcp_wait_peer_close(client, 2000);
    err = errno;
    close(client);
    ck_assert_msg(n == -1 && err == ECONNRESET,
                  "a peer that aborts: tcp_wait_peer_close must fail with ECONNRESET, got %zd, %s",
                  n, errno_name(err));
}
END_TEST

START_TEST(step10_send_after_remote_close_gives_epipe_not_sigpipe)
{
    /* The student's process starts from SIGPIPE's default action, death:
     * a death there ends the call ("never returned ... killed by SIGPIPE"). */
    ck_assert_msg(agent_set_signal(SIGPIPE, 0) == 0,
                  "test setup: SIGPIPE's default action in the student's process failed");
    int client, server;
    raw_pair(&client, &server);
    close(server);
    char c;
    errno = 0;
    ssize_t eof = tcp_recv_exact(client, &c, 1);
    REQUIRE_IMPL(eof, "tcp_recv_exact");
    /* The first send still leaves; the closed peer answers it with RST. */
    ssize_t sent = 0;
    int err = 0;
    for (int i = 0; i < 100 && eof == 0 && sent != -1; i++) {
        errno = 0;
        sent = tcp_send_all(client, "hello?", 6);
        err = errno;
        if (sent != -1)
            clock_sleep_ms(10);
    }
    close(client);
    ck_assert_msg(eof == 0, "after the peer closed, tcp_recv_exact must return 0 (end of stream)");
    grade_require_impl(sent, err, "tcp_send_all");
    ck_assert_msg(sent == -1, "sending to a closed peer never failed; tcp_send_all must report -1");
    ck_assert_msg(err == EPIPE, "sending to a closed peer must fail with EPIPE, not %s",
                  errno_name(err));
}
END_TEST

START_TEST(step10_reset_connection_gives_econnreset)
{
    int client, server;
    raw_pair(&client, &server);
    raw_abort(server);
    char buf[8];
    errno = 0;
    ssize_t n = tcp_recv_exact(client, buf, sizeof buf);
    int err = errno;
    close(client);
    grade_require_impl(n, err, "tcp_recv_exact");
    ck_assert_msg(n == -1 && err == ECONNRESET,
                  "when the peer aborts (RST), tcp_recv_exact must fail with ECONNRESET, got "
                  "%zd, %s",
                  n, errno_name(err));
}
END_TEST

/* ---- 11. abort ---------------------------------------------------------------------- */

START_TEST(step11_abort_sends_rst_without_shutdown)
{
    int client, server;
    raw_pair(&client, &server);
    struct tcp_endpoint local = {.len = sizeof local.addr}, peer = {.len = sizeof peer.addr};
    getsockname(client, (struct sockaddr *)&local.addr, &local.len);
    getpeername(client, (struct sockaddr *)&peer.addr, &peer.len);
    ino_t inode = socket_inode(client);
    trace_begin();
    int rc = tcp_abort(client); /* this process's copy is closed first */
    int err = errno;
    struct traced t;
    trace_finish(&t);
    int still_open = student_holds(client, inode);
    grade_require_impl(rc, err, "tcp_abort");
    char buf[8];
    errno = 0;
    /* A socket the student's process still holds sends nothing: no waiting for it. */
    short revents = still_open ? 0 : wait_for(server, POLLIN, 2000);
    ssize_t n = recv(server, buf, sizeof buf, MSG_DONTWAIT);
    int peer_err = errno;
    int listed = tcp_state_of_connection(&local, &peer);
    close(server);
    require_trace(&t);
    ck_assert_msg(rc == 0, "tcp_abort failed: %s", strerror(err));
    ck_assert_msg(!still_open, "tcp_abort must close the descriptor");
    ck_assert_msg(revents != 0 && n == -1 && peer_err == ECONNRESET,
                  "the peer must see ECONNRESET after an abort; its recv() returned %zd (%s): "
                  "set SO_LINGER {1, 0} before close()",
                  n, n == -1 ? errno_name(peer_err) : "a clean end, so FIN was sent");
    ck_assert_msg(listed != TCP_STATE_TIME_WAIT, "an aborted connection must not enter TIME_WAIT");
    long linger_at = find_on_fd(&t, 0, "setsockopt", client);
    long close_at = find_on_fd(&t, 0, "close", client);
    long shut_at = trace_log_find(&t.log, 0, NULL, "shutdown", NULL);
    int says_linger = linger_at >= 0 && strstr(t.log.steps[linger_at].args, "SO_LINGER") != NULL;
    traced_free(&t);
    ck_assert_msg(says_linger && close_at > linger_at,
                  "the trace must show setsockopt(fd=%d, SO_LINGER ...) and then close(fd=%d ...)",
                  client, client);
    ck_assert_msg(shut_at == -1, "the abort path must not call shutdown(): that is a graceful end");
}
END_TEST

/* ---- 12. errors ------------------------------------------------------------------------ */

START_TEST(step12_eaddrinuse_message_names_errno_and_hint)
{
    int port;
    int listener = raw_listener(&port);
    int fd = tcp_socket(AF_INET);
    REQUIRE_IMPL(fd, "tcp_socket");
    struct tcp_endpoint ep = loopback(AF_INET, port);
    errno = 0;
    int rc = tcp_bind(fd, &ep);
    int err = errno;
    if (rc == 0)
        rc = tcp_listen(fd, 4); /* a wildcard-free bind may pass; listen cannot */
    if (rc == -1)
        err = errno;
    close(fd);
    close(listener);
    grade_require_impl(rc, err, "tcp_bind");
    ck_assert_msg(rc == -1 && err == EADDRINUSE,
                  "binding and listening on a port another socket listens on must fail with "
                  "EADDRINUSE, got %s",
                  errno_name(err));
    char what[64], text[1024];
    snprintf(what, sizeof what, "bind 127.0.0.1:%d", port);
    int len = tcp_describe_error(text, sizeof text, what, err);
    REQUIRE_IMPL(len, "tcp_describe_error");
    ck_assert_msg(len > 0 && (size_t)len == strlen(text),
                  "tcp_describe_error must return the length of its text (%d)", len);
    ck_assert_msg(strstr(text, what) == text, "the message must start with what failed: \"%s\"",
                  text);
    ck_assert_msg(strstr(text, "EADDRINUSE") && strstr(text, strerror(EADDRINUSE)),
                  "the message must name EADDRINUSE and its text: \"%s\"", text);
    const char *hint = strstr(text, "hint:");
    ck_assert_msg(hint != NULL, "the message must have a \"hint:\" line: \"%s\"", text);
    ck_assert_msg(strstr(hint, "port 0") && strstr(hint, "SO_REUSEADDR"),
                  "the EADDRINUSE hint must mention port 0 and SO_REUSEADDR: \"%s\"", hint);
}
END_TEST

START_TEST(step12_each_lab_error_has_its_own_hint)
{
    const int errors[] = {EADDRINUSE, ECONNREFUSED, ETIMEDOUT,   EINVAL,
                          ECONNRESET, EPIPE,        EAFNOSUPPORT};
    enum { COUNT = sizeof errors / sizeof errors[0] };
    char hints[COUNT][512];
    for (int i = 0; i < COUNT; i++) {
        char text[1024];
        int len = tcp_describe_error(text, sizeof text, "step", errors[i]);
        REQUIRE_IMPL(len, "tcp_describe_error");
        ck_assert_msg(len > 0 && strstr(text, errno_name(errors[i])),
                      "the message for %s must name it: \"%s\"", errno_name(errors[i]), text);
        const char *hint = strstr(text, "hint:");
        ck_assert_msg(hint != NULL, "%s needs a \"hint:\" line: \"%s\"", errno_name(errors[i]),
                      text);
        snprintf(hints[i], sizeof hints[i], "%s", hint);
        for (int j = 0; j < i; j++)
            ck_assert_msg(strcmp(hints[i], hints[j]) != 0,
                          "%s and %s have the same hint; say what to try for each",
                          errno_name(errors[i]), errno_name(errors[j]));
    }
    char small[10];
    int full = tcp_describe_error(small, sizeof small, "connect", ECONNREFUSED);
    ck_assert_msg(full >= (int)sizeof small && strlen(small) == sizeof small - 1,
                  "a cut message must still end in '\\0' and the full length be returned");
    errno = 0;
    ck_assert_msg(tcp_describe_error(NULL, 10, "x", EPIPE) == -1 && errno == EINVAL,
                  "tcp_describe_error(NULL, ...) must fail with EINVAL");
}
END_TEST

START_TEST(step12_calls_in_the_wrong_state_give_einval)
{
    int fd = tcp_socket(AF_INET);
    REQUIRE_IMPL(fd, "tcp_socket");
    errno = 0;
    int accepted = tcp_accept(fd, NULL);
    int accept_err = errno;
    REQUIRE_IMPL(accepted, "tcp_accept");
    if (accepted >= 0)
        close(accepted);
    struct tcp_endpoint ep = loopback(AF_INET, 0);
    int first = tcp_bind(fd, &ep);
    errno = 0;
    int second = tcp_bind(fd, &ep);
    int bind_err = errno;
    close(fd);
    int client, server;
    raw_pair(&client, &server);
    errno = 0;
    int listened = tcp_listen(client, 4);
    int listen_err = errno;
    close(client);
    close(server);
    ck_assert_msg(accepted == -1 && accept_err == EINVAL,
                  "accept() before listen() must fail with EINVAL, got %s", errno_name(accept_err));
    ck_assert_msg(first == 0 && second == -1 && bind_err == EINVAL,
                  "binding a socket twice must fail with EINVAL, got %s", errno_name(bind_err));
    ck_assert_msg(listened == -1 && listen_err == EINVAL,
                  "listen() on a connected socket must fail with EINVAL, got %s",
                  errno_name(listen_err));
}
END_TEST

/* ---- 13. release -------------------------------------------------------------------- */

/* The state /proc/net/tcp lists for local -> peer, waiting up to 1 s for it to settle. */
static int listed_state(const struct tcp_endpoint *local, const struct tcp_endpoint *peer, int want)
{
    int state = tcp_state_of_connection(local, peer);
    for (int waited = 0; state != want && waited < 1000; waited += 10) {
        clock_sleep_ms(10);
        state = tcp_state_of_connection(local, peer);
    }
    return state;
}

START_TEST(step13_the_side_that_closes_first_enters_time_wait)
{
    for (int client_first = 1; client_first >= 0; client_first--) {
        int client, server;
        raw_pair(&client, &server);
        struct tcp_endpoint c_end = {.len = sizeof c_end.addr}, s_end = {.len = sizeof s_end.addr};
        getsockname(client, (struct sockaddr *)&c_end.addr, &c_end.len);
        getsockname(server, (struct sockaddr *)&s_end.addr, &s_end.len);
        ino_t inode = socket_inode(client);
        char buf[8];
        int end, rc, err;
        if (client_first) {
            /* The client (the lab) closes first; the test's server answers. */
            rc = tcp_shutdown_write(client);
            err = errno;
            REQUIRE_IMPL(rc, "tcp_shutdown_write");
            raw_read_all(server, buf, sizeof buf, 2000, &end);
            close(server);
            ssize_t n = tcp_wait_peer_close(client, 2000);
            REQUIRE_IMPL(n, "tcp_wait_peer_close");
            rc = tcp_close(client);
            err = errno;
        } else {
            /* The test's server closes first; the client (the lab) answers. */
            ck_assert(shutdown(server, SHUT_WR) == 0);
            ssize_t n = tcp_wait_peer_close(client, 2000);
            REQUIRE_IMPL(n, "tcp_wait_peer_close");
            rc = tcp_close(client);
            err = errno;
            raw_read_all(server, buf, sizeof buf, 2000, &end);
            close(server);
        }
        REQUIRE_IMPL(rc, "tcp_close");
        int still_open = student_holds(client, inode); /* this process's copy went first */
        int closer_state = client_first ? listed_state(&c_end, &s_end, TCP_STATE_TIME_WAIT)
                                        : listed_state(&s_end, &c_end, TCP_STATE_TIME_WAIT);
        int other_state = client_first ? listed_state(&s_end, &c_end, TCP_STATE_CLOSED)
                                       : listed_state(&c_end, &s_end, TCP_STATE_CLOSED);
        const char *who = client_first ? "the client closed first" : "the server closed first";
        ck_assert_msg(rc == 0, "tcp_close failed: %s", strerror(err));
        ck_assert_msg(!still_open, "tcp_close must release the descriptor");
        ck_assert_msg(closer_state == TCP_STATE_TIME_WAIT,
                      "%s, so its end must be in TIME_WAIT; it is %s (close gracefully: FIN, "
                      "never RST)",
                      who, tcp_state_name(closer_state));
        ck_assert_msg(other_state == TCP_STATE_CLOSED,
                      "%s, so the other end leaves no TIME_WAIT; it is listed as %s", who,
                      tcp_state_name(other_state));
    }
}
END_TEST

/* ---- the trace: every step and its TCP state ------------------------------------------- */

/* The note of the first `call` on fd with result ret (any result when ret < -1). */
static const char *note_for(const struct traced *t, const char *call, int fd, long ret)
{
    for (long i = 0; i < (long)t->log.count; i++) {
        const struct trace_step *s = &t->log.steps[i];
        if (trace_call_is(s->call, call) && (fd < 0 || trace_names_fd(s->args, fd)) &&
            (ret < -1 || s->ret == ret))
            return t->notes[i];
    }
    return NULL;
}

static void expect_note(const struct traced *t, const char *call, int fd, long ret,
                        const char *want)
{
    const char *note = note_for(t, call, fd, ret);
    ck_assert_msg(note != NULL, "the trace has no %s(fd=%d ...) line", call, fd);
    ck_assert_msg(strstr(note, want) != NULL,
                  "%s(fd=%d ...) must carry the note \"%s...\" from tcp_watch_end(); it has "
                  "\"%s\"",
                  call, fd, want, note);
}

START_TEST(trace_shows_each_step_and_its_tcp_state)
{
    trace_begin();
    int server = tcp_open_server("127.0.0.1", "0", 4);
    int err = errno;
    char port[8] = "0";
    if (server >= 0)
        snprintf(port, sizeof port, "%d", port_of(server));
    int client = server >= 0 ? tcp_open_client("127.0.0.1", port, 2000) : -1;
    int conn = client >= 0 ? tcp_accept(server, NULL) : -1;
    char buf[8];
    int ok = conn >= 0 && tcp_send_all(client, "ping", 4) == 4 &&
             tcp_recv_exact(conn, buf, 4) == 4 && tcp_shutdown_write(client) == 0 &&
             tcp_recv_exact(conn, buf, 4) == 0 && tcp_close(conn) == 0 &&
             tcp_wait_peer_close(client, 2000) == 0 && tcp_close(client) == 0 &&
             tcp_close(server) == 0;
    if (!ok)
        err = errno;
    struct traced t;
    trace_finish(&t);
    if (!ok) {
        traced_free(&t);
        grade_require_impl(-1, err, "a step");
        ck_abort_msg("a step of the lifecycle failed: %s", strerror(err));
    }
    require_trace(&t);

    /* Every call the lab made names its step, and every call on a socket its fd and state. */
    for (size_t i = 0; i < t.log.count; i++) {
        const struct trace_step *s = &t.log.steps[i];
        if (s->call[0] == '\0')
            continue; /* a narration line */
        ck_assert_msg(strstr(s->args, "[step ") != NULL,
                      "trace line %zu, %s(%s), does not say its step; end the args with "
                      "\" [step N]\"",
                      i, s->call, s->args);
        if (strcmp(s->call, "getaddrinfo") == 0)
            continue;
        ck_assert_msg(strncmp(t.notes[i], "state ", 6) == 0,
                      "trace line %zu, %s(%s), has no TCP state note; use trace_call_note() "
                      "with tcp_watch_end()",
                      i, s->call, s->args);
        if (strcmp(s->call, "socket") != 0)
            ck_assert_msg(strncmp(s->args, "fd=", 3) == 0,
                          "trace line %zu, %s(%s), must start its args with fd=N", i, s->call,
                          s->args);
    }
    struct {
        const char *call;
        const char *step;
    } steps[] = {
        {"socket", "[step 1]"},   {"bind", "[step 2]"},   {"listen", "[step 4]"},
        {"connect", "[step 3]"},  {"accept", "[step 4]"}, {"send", "[step 5]"},
        {"shutdown", "[step 9]"}, {"close", "[step 13]"},
    };
    for (size_t k = 0; k < sizeof steps / sizeof steps[0]; k++) {
        long at = trace_log_find(&t.log, 0, NULL, steps[k].call, steps[k].step);
        ck_assert_msg(at >= 0, "the trace has no %s(... %s) line", steps[k].call, steps[k].step);
    }
    expect_note(&t, "socket", -1, -2, "state - -> CLOSED");
    expect_note(&t, "listen", server, -2, "state CLOSED -> LISTEN");
    expect_note(&t, "accept", server, -2, "-> ESTABLISHED");
    expect_note(&t, "shutdown", client, -2, "state ESTABLISHED -> FIN_WAIT");
    expect_note(&t, "recv", conn, 0, "-> CLOSE_WAIT");
    expect_note(&t, "close", client, -2, "state TIME_WAIT -> TIME_WAIT");
    traced_free(&t);
}
END_TEST

/* ---- standard tools: nc and socat ------------------------------------------------------- */

/* True when an executable named name is on $PATH. */
static int on_path(const char *name)
{
    const char *path = getenv("PATH");
    char dir[1024];
    while (path && *path) {
        size_t len = strcspn(path, ":");
        snprintf(dir, sizeof dir, "%.*s/%s", (int)len, path, name);
        if (access(dir, X_OK) == 0)
            return 1;
        path += len + (path[len] == ':');
    }
    return 0;
}

/* Runs argv with "hello\n" on its stdin; our server (the lab) answers; checks the tool's output. */
static void talk_with_tool(int listener, char *const argv[])
{
    int in[2], out[2];
    ck_assert(pipe(in) == 0 && pipe(out) == 0);
    pid_t pid = fork();
    ck_assert(pid != -1);
    if (pid == 0) {
        dup2(in[0], STDIN_FILENO);
        dup2(out[1], STDOUT_FILENO);
        dup2(out[1], STDERR_FILENO);
        for (int fd = 3; fd < 1024; fd++)
            close(fd); /* the tool must hold no copy of our sockets */
        execvp(argv[0], argv);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    ck_assert(write(in[1], "hello\n", 6) == 6);
    close(in[1]); /* the tool's standard input ends here */
    int conn = tcp_accept(listener, NULL);
    char line[8] = "";
    ssize_t got = conn >= 0 ? tcp_recv_exact(conn, line, 6) : -1;
    const char reply[] = "HELLO FROM IPC-KIT\n";
    ssize_t sent = got == 6 ? tcp_send_all(conn, reply, strlen(reply)) : -1;
    if (conn >= 0)
        tcp_close_gracefully(conn, 3000);
    char output[512];
    read_pipe(out[0], output, sizeof output, 5000, 0);
    close(out[0]);
    int status = grade_wait_child(pid, 5000);
    ck_assert_msg(conn >= 0, "%s could not connect: tcp_accept failed", argv[0]);
    ck_assert_msg(got == 6 && memcmp(line, "hello\n", 6) == 0,
                  "the server did not receive \"hello\\n\" from %s", argv[0]);
    ck_assert_msg(sent == (ssize_t)strlen(reply), "sending the reply to %s failed", argv[0]);
    ck_assert_msg(strstr(output, "HELLO FROM IPC-KIT") != NULL,
                  "%s did not print the server's reply; it printed \"%s\"", argv[0], output);
    ck_assert_msg(status != -1, "%s did not exit after the server closed", argv[0]);
}

START_TEST(works_with_nc_and_socat)
{
    int listener = tcp_open_server("127.0.0.1", "0", 4);
    REQUIRE_IMPL(listener, "tcp_open_server");
    ck_assert_msg(listener >= 0, "tcp_open_server failed: %s", errno_name(errno));
    char port[8], address[64];
    snprintf(port, sizeof port, "%d", port_of(listener));
    snprintf(address, sizeof address, "TCP:127.0.0.1:%s", port);
    /* Each tool that is there is tried; a missing one fails the test (no
     * points for what was not checked), with what to do about it. */
    char missing[64] = "";
    if (on_path("nc")) {
        char *argv[] = {"nc", "127.0.0.1", port, NULL};
        talk_with_tool(listener, argv);
    } else {
        strcat(missing, "nc");
    }
    if (on_path("socat")) {
        char *argv[] = {"socat", "-t", "5", "-", address, NULL};
        talk_with_tool(listener, argv);
    } else {
        strcat(missing, missing[0] ? " and socat" : "socat");
    }
    fflush(stdout);
    close(listener);
    ck_assert_msg(missing[0] == '\0', "not run: install %s (make deps)", missing);
}
END_TEST

/* ---- the scenarios and the programs
 * ------------------------------------------------------------------------- */

/* The directory of this test binary, where the lab's programs are built. */
static int program_path(const char *name, char *buf, size_t size)
{
    char self[1024];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0)
        return -1;
    self[n] = '\0';
    char *slash = strrchr(self, '/');
    if (slash == NULL)
        return -1;
    *slash = '\0';
    snprintf(buf, size, "%s/%s", self, name);
    return access(buf, X_OK);
}

/* Runs a program with argv; captures stdout and stderr into out; returns the wait status. */
static int run_program(char *const argv[], char *out, size_t size)
{
    int fds[2];
    ck_assert(pipe(fds) == 0);
    pid_t pid = fork();
    ck_assert(pid != -1);
    if (pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        dup2(fds[1], STDERR_FILENO);
        for (int fd = 3; fd < 1024; fd++)
            close(fd);
        setenv("RES_OPTIONS", "timeout:1 attempts:1", 1); /* a slow DNS must not hang us */
        if (boundary_become_student() == -1) /* the program is the student's code */
            _exit(126);
        execv(argv[0], argv);
        _exit(127);
    }
    close(fds[1]);
    read_pipe(fds[0], out, size, 10000, 0);
    close(fds[0]);
    int status = grade_wait_child(pid, 10000);
    ck_assert_msg(status != -1, "%s hung", argv[0]);
    return status;
}

static void expect_usage_error(char *const argv[], const char *mentions)
{
    char out[2048];
    int status = run_program(argv, out, sizeof out);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 2 && strstr(out, mentions),
                  "%s %s%s: bad input must give a clear message (naming \"%s\") and exit 2; it "
                  "%s and said \"%s\"",
                  argv[0], argv[1] ? argv[1] : "", argv[1] && argv[2] ? " ..." : "", mentions,
                  grade_describe_status(status), out);
}

/* How a child that ran lab code ended: OK, or why not. */
static int child_result(int rc)
{
    if (rc == 0)
        return CHILD_OK;
    return errno == ENOSYS ? CHILD_ENOSYS : CHILD_FAILED;
}

/*
 * Plays one mode of tcp_scenario.h, as tcp_server and tcp_client do: the
 * server side in one child, the client side in another, whose stdout (what
 * it received) must contain `expect`.
 */
static void play(int listener, const char *port, enum tcp_mode mode, const char *expect)
{
    pid_t server = fork();
    ck_assert(server != -1);
    if (server == 0) {
        int conn = tcp_accept(listener, NULL);
        _exit(child_result(conn == -1 ? -1 : tcp_scenario_serve(conn, mode, 3000)));
    }
    pid_t server_student = boundary_student_of(server);
    int out[2];
    ck_assert(pipe(out) == 0);
    pid_t client = fork();
    ck_assert(client != -1);
    if (client == 0) {
        /* The client side prints what it received: its student process's
         * standard output goes to the pipe during the call. */
        close(listener);
        close(out[0]);
        int fd = tcp_open_client("127.0.0.1", port, 3000);
        _exit(child_result(fd == -1 ? -1
                                    : tcp_side_scenario_client(out[1], fd, mode, "hello", 3000)));
    }
    close(out[1]);
    char text[1024];
    read_pipe(out[0], text, sizeof text, 5000, 0);
    close(out[0]);
    int client_status = wait_child_and_student(client, 5000);
    int server_status = grade_wait_child(server, 5000);
    if (server_status == -1 && server_student > 0)
        kill(server_student, SIGKILL); /* still inside tcp_scenario_serve() */
    const char *name = tcp_mode_name(mode);
    if ((WIFEXITED(client_status) && WEXITSTATUS(client_status) == CHILD_ENOSYS) ||
        (WIFEXITED(server_status) && WEXITSTATUS(server_status) == CHILD_ENOSYS))
        ck_abort_msg("not implemented yet: a step of the %s scenario returned -1 with ENOSYS",
                     name);
    ck_assert_msg(server_status != -1 && WIFEXITED(server_status) &&
                      WEXITSTATUS(server_status) == CHILD_OK,
                  "mode %s: the server side (tcp_scenario_serve with your steps) failed; run "
                  "tcp_server -m %s with tcp_client and read the trace",
                  name, name);
    /* Say which of the two went wrong: the output, or how the client ended. */
    ck_assert_msg(strstr(text, expect) != NULL,
                  "mode %s: the client did not print \"%s\"; it printed \"%s\"", name, expect,
                  text);
    ck_assert_msg(client_status != -1,
                  "mode %s: the client printed \"%s\" but did not finish within 5 s: it waits for "
                  "the server's FIN (recv() = 0) that never came; does the server end with "
                  "shutdown(SHUT_WR) (tcp_close_gracefully)?",
                  name, expect);
    ck_assert_msg(WIFEXITED(client_status) && WEXITSTATUS(client_status) == CHILD_OK,
                  "mode %s: the client printed \"%s\" but then failed (it %s): a step of its "
                  "ending (shutdown, the wait for the peer's FIN, close) returned -1; run "
                  "tcp_server -m %s with tcp_client and read the trace",
                  name, expect, grade_describe_status(client_status), name);
}

START_TEST(scenarios_and_programs_play_every_mode)
{
    int listener = tcp_open_server("127.0.0.1", "0", 8);
    REQUIRE_IMPL(listener, "tcp_open_server");
    ck_assert_msg(listener >= 0, "tcp_open_server failed: %s", errno_name(errno));
    char port[8];
    snprintf(port, sizeof port, "%d", port_of(listener));
    play(listener, port, TCP_MODE_ECHO, "echo: hello");
    play(listener, port, TCP_MODE_HALFCLOSE, "received 5 bytes (\"hello\")");
    play(listener, port, TCP_MODE_OOB,
         "before the mark \"hello\", urgent byte '!' (SIGURG seen 1 time), after the mark");
    play(listener, port, TCP_MODE_ABORT, "ECONNRESET");
    close(listener);

    /* The programs themselves: make grade builds them next to this test. A part
     * that cannot run is a failure, never a silent pass. */
    char server[1100], client[1100];
    if (program_path("tcp_server", server, sizeof server) != 0 ||
        program_path("tcp_client", client, sizeof client) != 0)
        ck_abort_msg("not run: tcp_server/tcp_client are not built next to this test "
                     "(make grade builds them; by hand: make programs)");
    expect_usage_error((char *[]){server, "-p", "99999", NULL}, "port");
    expect_usage_error((char *[]){server, "-m", "bogus", NULL}, "mode");
    expect_usage_error((char *[]){client, "127.0.0.1", NULL}, "PORT");
    expect_usage_error((char *[]){client, "127.0.0.1", "99999", NULL}, "port");
    expect_usage_error((char *[]){client, "no-such-host.invalid", "80", NULL}, "unknown host");
    char out[4096];
    int status = run_program((char *[]){client, "-h", NULL}, out, sizeof out);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0 && strstr(out, "usage"),
                  "tcp_client -h must print the usage and exit 0");

    /* The server prints its port for scripts; the client plays halfclose with it. */
    int fds[2];
    ck_assert(pipe(fds) == 0);
    pid_t pid = fork();
    ck_assert(pid != -1);
    if (pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        for (int fd = 3; fd < 1024; fd++)
            close(fd);
        setenv("IPC_TRACE", "off", 1);
        if (boundary_become_student() == -1) /* the program is the student's code */
            _exit(126);
        execl(server, server, "-m", "halfclose", NULL);
        _exit(127);
    }
    close(fds[1]);
    char line[64] = "";
    read_pipe(fds[0], line, sizeof line, 5000, 1);
    close(fds[0]);
    int chosen = 0;
    if (sscanf(line, "port %d", &chosen) != 1) {
        kill(pid, SIGKILL);
        grade_wait_child(pid, 5000);
        ck_abort_msg("tcp_server must print \"port N\" as its first line; it printed \"%s\"", line);
    }
    char port_text[8];
    snprintf(port_text, sizeof port_text, "%d", chosen);
    status = run_program((char *[]){client, "-m", "halfclose", "127.0.0.1", port_text, NULL}, out,
                         sizeof out);
    int server_status = grade_wait_child(pid, 5000);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0 && strstr(out, "received 10"),
                  "tcp_client -m halfclose %s: expected the server's reply; it %s and said "
                  "\"%s\"",
                  port_text, grade_describe_status(status), out);
    ck_assert_msg(server_status != -1 && WIFEXITED(server_status) &&
                      WEXITSTATUS(server_status) == 0,
                  "tcp_server -m halfclose should serve one client and exit 0");
}
END_TEST

int main(int argc, char **argv)
{
    const struct grade_test tests[] = {
        {"step01_socket_creates_a_tcp_stream_socket", step01_socket_creates_a_tcp_stream_socket, 3,
         5, "tcp_socket() in tcp_setup.c: socket(family, SOCK_STREAM, IPPROTO_TCP)"},
        {"step01_socket_reports_eafnosupport", step01_socket_reports_eafnosupport, 2, 5,
         "tcp_socket(): return socket()'s -1 and keep its errno"},
        {"step02_resolve_handles_ipv4_ipv6_and_bad_ports",
         step02_resolve_handles_ipv4_ipv6_and_bad_ports, 3, 10,
         "tcp_resolve(): check the port is a number up to 65535, then getaddrinfo() with "
         "AF_UNSPEC, SOCK_STREAM and AI_NUMERICSERV"},
        {"step02_open_server_binds_the_address_it_is_given",
         step02_open_server_binds_the_address_it_is_given, 2, 5,
         "tcp_open_server(): resolve host (passive) and bind each endpoint it gives, as it is"},
        {"step02_bind_port_0_and_getsockname_report_the_chosen_port",
         step02_bind_port_0_and_getsockname_report_the_chosen_port, 3, 5,
         "tcp_bind(): setsockopt(SO_REUSEADDR) then bind(); tcp_local_port(): getsockname()"},
        {"step02_ipv6_loopback_round_trip", step02_ipv6_loopback_round_trip, 2, 10,
         "tcp_open_server()/tcp_open_client(): use each endpoint's own family for socket()"},
        {"step03_connect_reaches_a_listener", step03_connect_reaches_a_listener, 3, 10,
         "tcp_connect(): O_NONBLOCK, connect(), poll(POLLOUT), getsockopt(SO_ERROR), restore the "
         "flags"},
        {"step03_connect_to_a_closed_port_gives_econnrefused",
         step03_connect_to_a_closed_port_gives_econnrefused, 3, 10,
         "tcp_connect(): the handshake's outcome is in getsockopt(SO_ERROR); put it in errno. "
         "tcp_open_client(): close the failed socket"},
        {"step03_connect_times_out_with_etimedout", step03_connect_times_out_with_etimedout, 3, 15,
         "tcp_connect(): poll() returning 0 means no answer within the timeout: ETIMEDOUT"},
        {"step04_listen_then_accept_reports_the_peer", step04_listen_then_accept_reports_the_peer,
         3, 10,
         "tcp_open_server(): socket, bind, listen; tcp_accept(): accept(), then getpeername()"},
        {"step04_accept_retries_after_a_signal", step04_accept_retries_after_a_signal, 3, 10,
         "tcp_accept(): loop while accept() fails with EINTR or ECONNABORTED"},
        {"step04_open_helpers_try_each_endpoint_and_leak_nothing",
         step04_open_helpers_try_each_endpoint_and_leak_nothing, 2, 10,
         "tcp_open_server()/tcp_open_client(): try each endpoint; close the socket of each one "
         "that failed"},
        {"step05_send_all_loops_on_short_sends_and_eintr",
         step05_send_all_loops_on_short_sends_and_eintr, 3, 10,
         "tcp_send_all() in tcp_data.c: send() may take fewer bytes; advance and loop; retry "
         "EINTR"},
        {"step05_recv_exact_loops_and_stops_at_end_of_stream",
         step05_recv_exact_loops_and_stops_at_end_of_stream, 3, 10,
         "tcp_recv_exact(): loop until len bytes; recv() = 0 is the end of the stream"},
        {"step05_frames_keep_message_boundaries", step05_frames_keep_message_boundaries, 3, 15,
         "tcp_send_frame()/tcp_recv_frame(): a 4-byte length in network byte order (htonl), "
         "then the bytes"},
        {"step05_a_small_frame_leaves_in_one_call", step05_a_small_frame_leaves_in_one_call, 2, 5,
         "tcp_send_frame(): header and body in one buffer, one tcp_send_all()"},
        {"step05_frames_refuse_bad_lengths", step05_frames_refuse_bad_lengths, 3, 10,
         "tcp_recv_frame(): check the announced length against TCP_FRAME_MAX and cap before "
         "reading; EPROTO for a stream that ends inside a frame"},
        {"step06_poll_server_serves_50_clients_at_once",
         step06_poll_server_serves_50_clients_at_once, 6, 30,
         "tcp_poll_serve() in tcp_poll_server.c: one poll() over the listening socket and all "
         "clients; act only on the ready ones"},
        {"step06_poll_server_goes_on_after_signals", step06_poll_server_goes_on_after_signals, 2,
         10, "tcp_poll_serve(): poll() fails with EINTR when a signal arrives; poll again"},
        {"step06_poll_server_survives_a_client_reset", step06_poll_server_survives_a_client_reset,
         4, 20, "tcp_poll_serve(): a recv() error (ECONNRESET) ends that client, not the server"},
        {"step06_poll_server_is_not_stalled_by_a_client_that_never_reads",
         step06_poll_server_is_not_stalled_by_a_client_that_never_reads, 4, 20,
         "tcp_poll_serve(): recv/send with MSG_DONTWAIT, a buffer per client, POLLOUT while an "
         "echo waits; never block on one client"},
        {"step07_send_urgent_marks_one_byte_urgent", step07_send_urgent_marks_one_byte_urgent, 3,
         10, "tcp_send_urgent(): send(fd, &byte, 1, MSG_OOB)"},
        {"step08_urgent_byte_arrives_as_urgent", step08_urgent_byte_arrives_as_urgent, 4, 10,
         "tcp_recv_urgent(): poll() for POLLPRI, then recv(MSG_OOB); tcp_recv_to_mark(): "
         "recv() until sockatmark() returns 1"},
        {"step08_sigurg_reaches_the_owner", step08_sigurg_reaches_the_owner, 2, 10,
         "tcp_urgent_owner(): fcntl(fd, F_SETOWN, getpid())"},
        {"step09_half_close_peer_reads_eof_then_replies",
         step09_half_close_peer_reads_eof_then_replies, 4, 10,
         "tcp_shutdown_write() in tcp_teardown.c: shutdown(fd, SHUT_WR), not close()"},
        {"step09_graceful_close_shuts_down_before_close",
         step09_graceful_close_shuts_down_before_close, 4, 10,
         "tcp_close_gracefully(): tcp_shutdown_write, tcp_wait_peer_close, tcp_close, in that "
         "order"},
        {"step10_wait_peer_close_sees_eof_timeout_and_reset",
         step10_wait_peer_close_sees_eof_timeout_and_reset, 3, 10,
         "tcp_wait_peer_close(): poll() with the time left, recv() until it returns 0"},
        {"step10_send_after_remote_close_gives_epipe_not_sigpipe",
         step10_send_after_remote_close_gives_epipe_not_sigpipe, 4, 10,
         "tcp_send_all(): send(..., MSG_NOSIGNAL) so a closed peer is EPIPE, not SIGPIPE"},
        {"step10_reset_connection_gives_econnreset", step10_reset_connection_gives_econnreset, 2,
         10, "tcp_recv_exact(): return -1 with recv()'s errno"},
        {"step11_abort_sends_rst_without_shutdown", step11_abort_sends_rst_without_shutdown, 3, 10,
         "tcp_abort(): setsockopt(SO_LINGER, {1, 0}), then close(); no shutdown()"},
        {"step12_eaddrinuse_message_names_errno_and_hint",
         step12_eaddrinuse_message_names_errno_and_hint, 3, 10,
         "tcp_describe_error(): \"what: ENAME (text)\\n  hint: ...\"; the EADDRINUSE hint names "
         "port 0 and SO_REUSEADDR"},
        {"step12_each_lab_error_has_its_own_hint", step12_each_lab_error_has_its_own_hint, 2, 5,
         "tcp_describe_error(): one hint per errno of the lab; return snprintf()'s result"},
        {"step12_calls_in_the_wrong_state_give_einval", step12_calls_in_the_wrong_state_give_einval,
         2, 10, "tcp_accept()/tcp_bind()/tcp_listen(): return the system call's -1 and errno"},
        {"step13_the_side_that_closes_first_enters_time_wait",
         step13_the_side_that_closes_first_enters_time_wait, 4, 15,
         "tcp_close(): close() once; the graceful path sends FIN, so the first closer keeps "
         "TIME_WAIT"},
        {"trace_shows_each_step_and_its_tcp_state", trace_shows_each_step_and_its_tcp_state, 4, 10,
         "every call: tcp_watch_begin(), the call, trace_call_note(call, rc, "
         "tcp_watch_end(), \"fd=%d, ... [step N]\")"},
        {"works_with_nc_and_socat", works_with_nc_and_socat, 2, 20,
         "tcp_accept()/tcp_recv_exact()/tcp_send_all(): plain TCP, no framing, works with "
         "any client"},
        {"scenarios_and_programs_play_every_mode", scenarios_and_programs_play_every_mode, 4, 30,
         "the modes of tcp_scenario.c (echo, halfclose, oob, abort) use only your steps: play "
         "the failing one with tcp_server and tcp_client and read the trace"},
    };
    return grade_main(argc, argv, "04-tcp-lifecycle", tests, GRADE_COUNT(tests));
}
