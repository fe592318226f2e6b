/*
 * test_tcp_setup.c - the graded tests of lab 04, steps 1 to 4:
 * allocate, the endpoints, initiate, wait.
 *
 * The points table is in test_tcp.c; tcp_helpers.h has the test's side of
 * each connection and the trace as an oracle.
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
GRADE_EXPORT(step01_socket_creates_a_tcp_stream_socket)

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
GRADE_EXPORT(step01_socket_reports_eafnosupport)

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
GRADE_EXPORT(step02_resolve_handles_ipv4_ipv6_and_bad_ports)

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
GRADE_EXPORT(step02_bind_port_0_and_getsockname_report_the_chosen_port)

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
GRADE_EXPORT(step02_open_server_binds_the_address_it_is_given)

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
GRADE_EXPORT(step02_ipv6_loopback_round_trip)

/* ---- 3. initiate ---------------------------------------------------------- */

START_TEST(step03_connect_reaches_a_listener)
{
    struct aimed_socket listening = aim_lab_socket(64);
    int rc = tcp_connect(listening.fd, &listening.ep, 2000);
    REQUIRE_IMPL(rc, "tcp_connect");
    ck_assert_msg(rc == 0, "tcp_connect to a listener failed: %s", errno_name(errno));
    int conn = raw_accept(listening.holder);
    int flags = fcntl(listening.fd, F_GETFL);
    int state = tcp_state_of(listening.fd);
    close(conn);
    close(listening.fd);
    ck_assert_msg(state == TCP_STATE_ESTABLISHED, "after tcp_connect the socket is %s",
                  tcp_state_name(state));
    ck_assert_msg(!(flags & O_NONBLOCK),
                  "tcp_connect must make the socket blocking again (restore the flags)");

    int fd = tcp_open_client("127.0.0.1", listening.port_text, 2000);
    ck_assert_msg(fd >= 0, "tcp_open_client(\"127.0.0.1\", \"%s\") failed: %s", listening.port_text,
                  strerror(errno));
    conn = raw_accept(listening.holder);
    close(conn);
    close(fd);
    close(listening.holder);
}
END_TEST
GRADE_EXPORT(step03_connect_reaches_a_listener)

START_TEST(step03_connect_to_a_closed_port_gives_econnrefused)
{
    /* Bound but not listening: nobody else can take the port, and a SYN to
     * it is answered with RST. */
    struct aimed_socket closed = aim_lab_socket(-1);
    int rc = tcp_connect(closed.fd, &closed.ep, 5000);
    int err = errno;
    close(closed.fd);
    grade_require_impl(rc, err, "tcp_connect");
    ck_assert_msg(rc == -1 && err == ECONNREFUSED,
                  "connecting to a port nobody listens on must fail with ECONNREFUSED (read "
                  "SO_ERROR after poll()); got %d, %s",
                  rc, errno_name(err));

    errno = 0;
    struct open_outcome client =
        outcome_of_open(tcp_open_client("127.0.0.1", closed.port_text, 5000));
    close(closed.holder);
    ck_assert_msg(client.fd == -1 && client.err == ECONNREFUSED,
                  "tcp_open_client to a closed port must fail with ECONNREFUSED; got %d, %s",
                  client.fd, errno_name(client.err));
    ck_assert_msg(client.left == 0, "tcp_open_client left %d descriptor(s) open after failing (%s)",
                  client.left, client.held);
}
END_TEST
GRADE_EXPORT(step03_connect_to_a_closed_port_gives_econnrefused)

START_TEST(step03_connect_times_out_with_etimedout)
{
    /* A listener whose accept queue is full drops new SYNs, so the client
     * waits in SYN_SENT: a deterministic "no answer", all on loopback. */
    struct aimed_socket full = aim_lab_socket(0);
    int fd = full.fd; /* a new one each time the kernel completes a connect */
    int queued[8], count = 0;
    int rc = 0, err = 0;
    uint64_t took_ms = 0;
    while (count < 8) {
        uint64_t start = clock_now_ns();
        rc = tcp_connect(fd, &full.ep, 300);
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
    rc = tcp_connect(fd, &full.ep, 300);
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

    errno = 0;
    struct open_outcome client = outcome_of_open(tcp_open_client("127.0.0.1", full.port_text, 200));
    for (int i = 0; i < count; i++)
        close(queued[i]);
    close(full.holder);
    ck_assert_msg(client.fd == -1 && client.err == ETIMEDOUT,
                  "tcp_open_client must pass on ETIMEDOUT, got %s", errno_name(client.err));
    ck_assert_msg(client.left == 0,
                  "tcp_open_client left %d descriptor(s) open after a timeout (%s)", client.left,
                  client.held);
}
END_TEST
GRADE_EXPORT(step03_connect_times_out_with_etimedout)

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
    long socket_at = trace_log_find(&t.log, 0, NULL, "socket");
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
GRADE_EXPORT(step04_listen_then_accept_reports_the_peer)

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
GRADE_EXPORT(step04_accept_retries_after_a_signal)

START_TEST(step04_open_helpers_try_each_endpoint_and_leak_nothing)
{
    char port[PORT_TEXT_MAX];
    int first = lab_listener(4, port);
    /* A second listener on the same port must fail, and leave nothing open. */
    errno = 0;
    struct open_outcome second = outcome_of_open(tcp_open_server("127.0.0.1", port, 4));
    /* "localhost" may name ::1 first: a client must go on to 127.0.0.1. */
    struct tcp_endpoint eps[8];
    int count = tcp_resolve("localhost", port, 0, eps, 8);
    int client = tcp_open_client("localhost", port, 2000);
    int client_err = errno;
    if (client >= 0)
        close(client);
    close(first);
    ck_assert_msg(second.fd == -1 && second.err == EADDRINUSE,
                  "a second server on port %s must fail with EADDRINUSE (SO_REUSEADDR never lets "
                  "two sockets listen on one port), got %d (%s)",
                  port, second.fd, second.fd == -1 ? errno_name(second.err) : "a listener");
    ck_assert_msg(second.left == 0,
                  "the failed tcp_open_server left %d descriptor(s) open (%s): close the socket "
                  "of each endpoint that failed",
                  second.left, second.held);
    ck_assert_msg(client >= 0,
                  "tcp_open_client(\"localhost\") failed (%s) although 127.0.0.1 listens; "
                  "localhost resolves to %d endpoint(s), the first %s: try each endpoint in turn "
                  "until one connects",
                  errno_name(client_err), count,
                  count > 0 && eps[0].addr.ss_family == AF_INET6 ? "IPv6 (::1)" : "IPv4");
}
END_TEST
GRADE_EXPORT(step04_open_helpers_try_each_endpoint_and_leak_nothing)
