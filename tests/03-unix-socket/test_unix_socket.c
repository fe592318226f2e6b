/*
 * test_unix_socket.c - the graded tests of lab 03 (UNIX domain sockets).
 *
 * Each test checks one behaviour promised by the lab's headers (us_socket.h,
 * us_frame.h, us_serve.h, us_dgram.h, us_pair.h, us_cred.h, us_fdpass.h).
 * The table at the bottom declares every test with its points, timeout and
 * hint: that table is the only place points are set.
 *
 * The tests play the other side with plain system calls of their own (the
 * raw_* helpers), so each part is graded on its own, even while another part
 * is still a TODO. A server under test runs in a forked child; the test
 * process is its client and never waits without a time limit.
 *
 * These tests run in the checker, a process with no student code
 * (boundary.h): each us_*() call here goes to the student's process. The
 * tests hold their own ends of every socket, make the data and read what
 * arrives; what the student's processes hold is read from /proc, and the
 * test's child functions run here, called back by the student's child.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "agent_services.h"
#include "boundary.h"
#include "checksum.h"
#include "err.h"
#include "fault.h"
#include "grader.h"
#include "trace.h"
#include "us_cred.h"
#include "us_dgram.h"
#include "us_fdpass.h"
#include "us_frame.h"
#include "us_pair.h"
#include "us_serve.h"
#include "us_socket.h"
#include "us_test_calls.h"

enum { WAIT_MS = 5000 };

/* Exit statuses of the forked children that run lab code. Success is not 0:
 * an exit(0) in the code under test must never read as success. */
enum child_result {
    CHILD_OK = 42,
    CHILD_ENOSYS = 10,      /* a lab function said "not implemented" */
    CHILD_FAILED = 11,      /* a lab function returned -1 */
    CHILD_WRONG_COUNT = 12, /* us_serve() returned another count */
    CHILD_LEAKED_FDS = 13,  /* more descriptors open after serving than before */
};

/* ---- helpers: the student's processes, seen from outside ---------------- */

/* Descriptors the student's process pid holds between calls (boundary.h);
 * list, when not NULL, names them. */
static int fds_of(pid_t pid, char *list, size_t size)
{
    int count = boundary_agent_fds(pid, list, size);
    ck_assert_msg(count >= 0, "test setup: the student's process %ld cannot be looked at",
                  (long)pid);
    return count;
}

/* Descriptors the student's (main) process holds between calls: its leaks. */
static int student_fds(char *list, size_t size)
{
    return fds_of(boundary_agent_pid(), list, size);
}

/*
 * The student process made for a test child is forked twice away from the
 * one it copies, so that the student's wait() never meets it. This test
 * process becomes the parent of such orphans, to wait for one and see how
 * it ended (a signal, an exit), as it saw its own child before.
 */
static void adopt_student_processes(void)
{
    ck_assert_msg(prctl(PR_SET_CHILD_SUBREAPER, 1) == 0, "test setup: prctl: %s",
                  strerror(errno));
}

/* Forks a test child; *student is the student process made for it, adopted. */
static pid_t fork_child(pid_t *student)
{
    adopt_student_processes();
    fflush(NULL);
    pid_t pid = fork();
    ck_assert_msg(pid != -1, "test setup: fork failed");
    *student = pid > 0 ? boundary_student_of(pid) : 0;
    return pid;
}

/*
 * Waits up to ms for a test child, then for its student process, which
 * ends with it (none may be left behind when the test ends). Returns the
 * child's wait status, or -1 when it did not end in time (then both are
 * killed).
 */
static int wait_child_and_student(pid_t pid, pid_t student, int ms)
{
    int status = grade_wait_child(pid, ms);
    if (status == -1)
        kill(student, SIGKILL);
    grade_wait_child(student, ms);
    return status;
}

/* ---- helpers: the other side, with plain system calls ------------------ */

static void make_address(struct sockaddr_un *addr, const char *path)
{
    memset(addr, 0, sizeof *addr);
    addr->sun_family = AF_UNIX;
    ck_assert_msg(strlen(path) < sizeof addr->sun_path, "test setup: path too long");
    strcpy(addr->sun_path, path);
}

/*
 * An address the test listens on or connects to. The servers under test
 * listen on an abstract name (Linux: sun_path starts with a NUL byte), which
 * no file holds, so nothing is left behind even when a test fails half-way.
 */
struct endpoint {
    struct sockaddr_un addr;
    socklen_t len;
};

static struct endpoint path_endpoint(const char *path)
{
    struct endpoint e;
    make_address(&e.addr, path);
    e.len = sizeof e.addr;
    return e;
}

/* A name unique to this test: the grader gives each test its own prefix. */
static struct endpoint abstract_endpoint(void)
{
    struct endpoint e;
    memset(&e, 0, sizeof e);
    e.addr.sun_family = AF_UNIX;
    const char *prefix = getenv("IPC_KIT_PREFIX");
    int n = snprintf(e.addr.sun_path + 1, sizeof e.addr.sun_path - 1, "%s-test-server",
                     prefix ? prefix : "ipckit");
    ck_assert(n > 0 && (size_t)n < sizeof e.addr.sun_path - 1);
    e.len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + (size_t)n);
    return e;
}

/* A listening socket, made without the lab's code. */
static int endpoint_listen(const struct endpoint *e, int backlog)
{
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ck_assert_msg(fd != -1, "test setup: socket: %s", strerror(errno));
    ck_assert_msg(bind(fd, (const struct sockaddr *)&e->addr, e->len) == 0, "test setup: bind: %s",
                  strerror(errno));
    ck_assert_msg(listen(fd, backlog) == 0, "test setup: listen: %s", strerror(errno));
    return fd;
}

static int raw_listen(const char *path, int backlog)
{
    struct endpoint e = path_endpoint(path);
    return endpoint_listen(&e, backlog);
}

/* A connected socket, or -1 with errno set. */
static int endpoint_connect(const struct endpoint *e)
{
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd == -1)
        return -1;
    if (connect(fd, (const struct sockaddr *)&e->addr, e->len) == -1) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

static int raw_connect(const char *path)
{
    struct endpoint e = path_endpoint(path);
    return endpoint_connect(&e);
}

static int must_connect(const struct endpoint *e)
{
    int fd = endpoint_connect(e);
    ck_assert_msg(fd != -1, "could not connect to the test's listening socket: %s",
                  strerror(errno));
    return fd;
}

/* A stale socket file: bound, then closed without unlink, as after a crash. */
static void make_stale_socket(const char *path)
{
    struct sockaddr_un addr;
    make_address(&addr, path);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    ck_assert(fd != -1);
    ck_assert_msg(bind(fd, (struct sockaddr *)&addr, sizeof addr) == 0, "test setup: bind: %s",
                  strerror(errno));
    close(fd);
}

static void make_pair(int fds[2])
{
    ck_assert_msg(socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0, "test setup: socketpair: %s",
                  strerror(errno));
}

/* Sends everything (no SIGPIPE); false when the peer is gone. */
static bool raw_send(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n == -1 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        p += n;
        len -= (size_t)n;
    }
    return true;
}

static void must_send(int fd, const void *buf, size_t len)
{
    ck_assert_msg(raw_send(fd, buf, len), "test setup: send: %s", strerror(errno));
}

static void raw_send_header(int fd, uint32_t announced)
{
    uint32_t net = htonl(announced);
    must_send(fd, &net, sizeof net);
}

static void raw_send_frame(int fd, const char *msg)
{
    raw_send_header(fd, (uint32_t)strlen(msg));
    must_send(fd, msg, strlen(msg));
}

static bool wait_readable(int fd, int ms)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    int n;
    while ((n = poll(&p, 1, ms)) == -1 && errno == EINTR)
        ;
    return n > 0;
}

/* Receives len bytes within ms: the count (less at EOF), -1 on error, -2 on timeout. */
static ssize_t raw_recv_exact(int fd, void *buf, size_t len, int ms)
{
    char *p = buf;
    size_t got = 0;
    while (got < len) {
        if (!wait_readable(fd, ms))
            return -2;
        ssize_t n = recv(fd, p + got, len - got, 0);
        if (n == -1 && errno == EINTR)
            continue;
        if (n == -1)
            return -1;
        if (n == 0)
            break;
        got += (size_t)n;
    }
    return (ssize_t)got;
}

/* True when nothing at all is waiting to be read on fd. */
static bool nothing_queued(int fd)
{
    char byte;
    return recv(fd, &byte, 1, MSG_DONTWAIT) == -1 && errno == EAGAIN;
}

/* A NUL-terminated copy of a small file (the caller frees it), or NULL. */
static char *read_text_file(const char *path)
{
    FILE *in = fopen(path, "re");
    if (in == NULL)
        return NULL;
    char *text = calloc(1, 16384);
    if (text != NULL)
        fread(text, 1, 16383, in);
    fclose(in);
    return text;
}

static void write_text_file(const char *path, const char *text)
{
    FILE *out = fopen(path, "we");
    ck_assert_msg(out != NULL, "test setup: fopen %s: %s", path, strerror(errno));
    fputs(text, out);
    ck_assert(fclose(out) == 0);
}

/* Entries in dir, not counting . and .. */
static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            n++;
    }
    closedir(d);
    return n;
}

static const char *signal_name(int sig)
{
    return sig == SIGTERM ? "SIGTERM" : sig == SIGINT ? "SIGINT" : "the signal";
}

static bool exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

/* ---- helpers: a server under test, in a child --------------------------- */

struct server {
    pid_t pid;     /* the test's child, which calls us_serve() */
    pid_t student; /* the student's process that runs us_serve() for it */
    long clients;  /* how many connections it must accept, then return */
    bool reaped;
    int status; /* the test child's: enum child_result */
};

/*
 * Forks a child that runs us_serve(listen_fd, clients, ...) and reports
 * through its exit status (enum child_result). The log, if wanted, goes to
 * log_fd (see open_log()); -1 for none. Fork it before connecting: a client socket open in the test
 * at fork time would be copied into the server, which then never saw EOF.
 * The child's us_serve() runs in a student process of its own, which this
 * test adopts (adopt_student_processes()) to see how it ended if it died.
 */
static void server_start(struct server *s, int listen_fd, long clients, bool same_uid,
                         uid_t allowed_uid, int log_fd)
{
    s->clients = clients;
    s->reaped = false;
    adopt_student_processes();
    fflush(NULL);
    s->pid = fork();
    ck_assert_msg(s->pid != -1, "test setup: fork failed");
    if (s->pid == 0) {
        struct us_serve_values opts = {
            .given = true, .same_uid = same_uid, .allowed_uid = allowed_uid};
        /* The server's descriptors, counted from outside, in /proc. */
        int before = boundary_agent_fds(boundary_agent_pid(), NULL, 0);
        long served = us_serve_with(listen_fd, clients, opts, log_fd);
        int serve_errno = errno;
        int after = boundary_agent_fds(boundary_agent_pid(), NULL, 0);
        if (served == -1)
            _exit(serve_errno == ENOSYS ? CHILD_ENOSYS : CHILD_FAILED);
        if (served != clients)
            _exit(CHILD_WRONG_COUNT);
        _exit(before >= 0 && after == before ? CHILD_OK : CHILD_LEAKED_FDS);
    }
    s->student = boundary_student_of(s->pid);
}

/* True for the exit statuses a test child reports with (enum child_result). */
static bool is_child_report(int status)
{
    if (!WIFEXITED(status))
        return false;
    int code = WEXITSTATUS(status);
    return code == CHILD_OK || code == CHILD_ENOSYS || code == CHILD_FAILED ||
           code == CHILD_WRONG_COUNT || code == CHILD_LEAKED_FDS;
}

/* Fails the test with what the server's wait status means, unless it is a clean exit. */
static void explain_server_status(const struct server *s)
{
    int status = s->status;
    /* A test child that could not report: its call never returned, so the
     * student's process that ran us_serve() ended; say how. */
    int student_status = grade_wait_child(s->student, WAIT_MS); /* it ends with the child */
    if (!is_child_report(status) && student_status != -1)
        status = student_status;
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGPIPE)
        ck_abort_msg("the server was killed by SIGPIPE when a client left before reading its "
                     "answer; send with MSG_NOSIGNAL (us_send_all) and treat EPIPE as the end of "
                     "that client only");
    ck_assert_msg(WIFEXITED(status), "the server %s", grade_describe_status(status));
    switch (WEXITSTATUS(status)) {
    case CHILD_OK:
        return;
    case CHILD_ENOSYS:
        ck_abort_msg("not implemented yet: us_serve() returned -1 with ENOSYS; fill in its TODO");
        break;
    case CHILD_FAILED:
        ck_abort_msg("us_serve() returned -1: one client's trouble (a bad frame, an early "
                     "disconnect) must end that connection only, never the server");
        break;
    case CHILD_WRONG_COUNT:
        ck_abort_msg("us_serve(fd, %ld, ...) did not return %ld: it must return the number of "
                     "connections it accepted",
                     s->clients, s->clients);
        break;
    case CHILD_LEAKED_FDS:
        ck_abort_msg("after serving %ld clients the server holds more descriptors than before; "
                     "close every accepted connection, on every path",
                     s->clients);
        break;
    default:
        ck_abort_msg("the server %s", grade_describe_status(status));
    }
}

/* Notices a server that ended early, and says why. */
static void check_server_alive(struct server *s)
{
    if (s->reaped)
        return;
    int status;
    if (waitpid(s->pid, &status, WNOHANG) == s->pid) {
        s->reaped = true;
        s->status = status;
        explain_server_status(s);
    }
}

/* Waits for fd to become readable (data or EOF) while watching the server. */
static void await_server(struct server *s, int fd, const char *waiting_for)
{
    for (int waited = 0; waited < WAIT_MS; waited += 20) {
        if (wait_readable(fd, 20))
            return;
        check_server_alive(s);
    }
    ck_abort_msg("waited %d s for %s; the server never did it", WAIT_MS / 1000, waiting_for);
}

/* Waits for the server to return from us_serve(), and checks how it ended. */
static void server_finish(struct server *s)
{
    if (!s->reaped) {
        s->status = grade_wait_child(s->pid, WAIT_MS);
        s->reaped = true;
        if (s->status == -1) /* its student process may still be inside us_serve() */
            kill(s->student, SIGKILL);
        ck_assert_msg(s->status != -1,
                      "us_serve(fd, %ld, ...) did not return after its %ld clients had come and "
                      "gone; count each accepted connection",
                      s->clients, s->clients);
    }
    explain_server_status(s);
}

/* Sends msg as a frame and checks that the answer is the same text upper-cased. */
static void expect_answer(struct server *s, int fd, const char *msg)
{
    uint32_t announced = htonl((uint32_t)strlen(msg));
    ck_assert_msg(raw_send(fd, &announced, sizeof announced) && raw_send(fd, msg, strlen(msg)),
                  "sending \"%s\" to the server failed: %s", msg, errno_name(errno));
    await_server(s, fd, "an answer");
    uint32_t net;
    ssize_t n = raw_recv_exact(fd, &net, sizeof net, WAIT_MS);
    ck_assert_msg(n == 4,
                  "expected a 4-byte header answering \"%s\", got %zd bytes (0: the server closed "
                  "the connection)",
                  msg, n);
    size_t len = ntohl(net);
    ck_assert_msg(len == strlen(msg),
                  "the answer to \"%s\" announces %zu bytes; it should be %zu, the same length "
                  "(big-endian header)",
                  msg, len, strlen(msg));
    char body[256];
    ck_assert(len < sizeof body);
    n = raw_recv_exact(fd, body, len, WAIT_MS);
    ck_assert_msg(n == (ssize_t)len, "the answer to \"%s\" ended after %zd of %zu bytes", msg, n,
                  len);
    for (size_t i = 0; i < len; i++) {
        if (body[i] != (char)toupper((unsigned char)msg[i]))
            ck_abort_msg("the answer to \"%s\" was \"%.*s\"; expected it upper-cased", msg,
                         (int)len, body);
    }
}

/* Waits for the server to close fd's connection without answering. */
static void expect_closed(struct server *s, int fd, const char *why)
{
    await_server(s, fd, why);
    char byte;
    ssize_t n = recv(fd, &byte, 1, 0);
    ck_assert_msg(n == 0 || (n == -1 && errno == ECONNRESET),
                  "%s: expected the server to close the connection, but recv() gave %zd (%s)", why,
                  n, n == -1 ? strerror(errno) : "an answer");
}

/* A log file for the server, unlinked at once: it can never be left behind. */
static int open_log(void)
{
    int fd = open("server.log", O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    ck_assert_msg(fd != -1, "test setup: open server.log: %s", strerror(errno));
    unlink("server.log");
    return fd;
}

/* Checks that the log holds word, and closes it. */
static void expect_log_mentions(int log_fd, const char *word, const char *what)
{
    char log[4096];
    ssize_t n = pread(log_fd, log, sizeof log - 1, 0);
    close(log_fd);
    log[n > 0 ? n : 0] = '\0';
    ck_assert_msg(n > 0, "%s: the server wrote nothing to opts->log", what);
    ck_assert_msg(strstr(log, word) != NULL, "%s: the log should mention \"%s\"; it says:\n%s",
                  what, word, log);
}

/* ---- part 1: a stream server and client on a pathname socket ------------ */

START_TEST(address_refuses_paths_longer_than_sun_path)
{
    struct sockaddr_un addr;
    char path[200];
    memset(path, 'a', 107);
    path[107] = '\0';
    int rc = us_address(&addr, path);
    REQUIRE_IMPL(rc, "us_address");
    ck_assert_msg(rc == 0, "a 107-byte path fits in sun_path with its NUL; us_address said %s",
                  strerror(errno));
    ck_assert_msg(addr.sun_family == AF_UNIX, "sun_family must be AF_UNIX");
    ck_assert_msg(strcmp(addr.sun_path, path) == 0, "sun_path does not hold the path");
    memset(path, 'b', 108);
    path[108] = '\0';
    errno = 0;
    rc = us_address(&addr, path);
    ck_assert_msg(rc == -1 && errno == ENAMETOOLONG,
                  "a 108-byte path does not fit in sun_path with its NUL: us_address must fail "
                  "with ENAMETOOLONG, never cut it (a cut path names another file)");
}
END_TEST

START_TEST(listen_in_private_dir_then_connect)
{
    struct us_listener l = {.fd = -1};
    int rc = us_listen(&l, NULL);
    REQUIRE_IMPL(rc, "us_listen");
    ck_assert_msg(rc == 0, "us_listen(&l, NULL) failed: %s", errno_name(errno));
    char path[US_PATH_MAX], dir[US_PATH_MAX], expected[US_PATH_MAX + 16];
    snprintf(path, sizeof path, "%s", l.path);
    snprintf(dir, sizeof dir, "%s", l.dir);
    ck_assert_msg(dir[0] != '\0', "us_listen(NULL) must record the directory it made in l.dir");
    const char *tmp = getenv("TMPDIR");
    ck_assert_msg(strncmp(dir, tmp, strlen(tmp)) == 0,
                  "the private directory %s is not under $TMPDIR (%s); use names_private_dir()",
                  dir, tmp);
    struct stat st;
    ck_assert_msg(stat(dir, &st) == 0 && S_ISDIR(st.st_mode), "%s is not a directory", dir);
    ck_assert_msg((st.st_mode & 0777) == 0700,
                  "the private directory has mode %03o; it must be 0700 (mkdtemp)",
                  (unsigned)(st.st_mode & 0777));
    snprintf(expected, sizeof expected, "%s/%s", dir, US_SOCKET_NAME);
    ck_assert_msg(strcmp(path, expected) == 0, "the socket should be %s, not %s", expected, path);
    ck_assert_msg(lstat(path, &st) == 0 && S_ISSOCK(st.st_mode),
                  "%s is not a socket file (bind() creates it)", path);
    int listening = 0;
    socklen_t len = sizeof listening;
    ck_assert_msg(getsockopt(l.fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) == 0 && listening,
                  "l.fd is not a listening socket; call listen()");

    int client = us_connect(path);
    REQUIRE_IMPL(client, "us_connect");
    ck_assert_msg(client >= 0, "us_connect(%s) failed: %s", path, errno_name(errno));
    ck_assert_msg(wait_readable(l.fd, WAIT_MS), "the listener never saw the connection");
    int conn = accept(l.fd, NULL, NULL);
    ck_assert_msg(conn >= 0, "accept: %s", strerror(errno));
    must_send(client, "ping", 4);
    char buf[4];
    ck_assert_msg(raw_recv_exact(conn, buf, 4, WAIT_MS) == 4 && memcmp(buf, "ping", 4) == 0,
                  "bytes sent on the connected socket did not arrive");
    close(conn);
    close(client);

    rc = us_listener_close(&l);
    REQUIRE_IMPL(rc, "us_listener_close");
    ck_assert_msg(rc == 0, "us_listener_close failed: %s", errno_name(errno));
    ck_assert_msg(!exists(path), "us_listener_close left the socket file %s; unlink it", path);
    ck_assert_msg(!exists(dir), "us_listener_close left the private directory %s; rmdir it", dir);

    /* A second call does nothing: the fields were cleared. A descriptor with
     * the old number (opened since) must survive it. */
    int newcomer = open("/dev/null", O_RDONLY);
    ck_assert(newcomer >= 0);
    rc = us_listener_close(&l);
    int still_open = fcntl(newcomer, F_GETFD) != -1;
    if (still_open)
        close(newcomer);
    ck_assert_msg(rc == 0 && l.fd == -1 && l.path[0] == '\0' && l.dir[0] == '\0',
                  "us_listener_close must clear the fields (fd -1, empty path and dir), so a "
                  "second call does nothing and returns 0");
    ck_assert_msg(still_open,
                  "a second us_listener_close closed descriptor %d again, which now "
                  "belonged to someone else",
                  newcomer);
}
END_TEST

START_TEST(stale_socket_file_is_replaced)
{
    make_stale_socket("s.sock");
    struct us_listener l = {.fd = -1};
    int rc = us_listen(&l, "s.sock");
    int listen_errno = errno;
    if (rc == -1) {
        unlink("s.sock");
        grade_require_impl(rc, listen_errno, "us_listen");
        ck_abort_msg("us_listen on a stale socket file failed with %s; a socket file that "
                     "refuses connect() is stale: remove it and bind again",
                     errno_name(listen_errno));
    }
    ck_assert_msg(l.dir[0] == '\0', "with a path given, us_listen must not make a directory");
    int client = raw_connect("s.sock");
    int connect_errno = errno;
    if (client >= 0)
        close(client);
    rc = us_listener_close(&l);
    ck_assert_msg(client >= 0, "after us_listen on the stale path, connect() fails with %s",
                  errno_name(connect_errno));
    REQUIRE_IMPL(rc, "us_listener_close");
    ck_assert_msg(!exists("s.sock"), "us_listener_close left s.sock behind");
}
END_TEST

START_TEST(live_socket_is_never_removed)
{
    int live = raw_listen("s.sock", 16);
    struct stat before, after;
    ck_assert(lstat("s.sock", &before) == 0);
    struct us_listener l = {.fd = -1};
    errno = 0;
    int rc = us_listen(&l, "s.sock");
    int listen_errno = errno;
    if (rc == 0)
        close(l.fd);
    bool same_file = lstat("s.sock", &after) == 0 && after.st_ino == before.st_ino;
    errno = 0;
    int stale_rc = us_remove_stale("s.sock");
    int stale_errno = errno;
    int client = raw_connect("s.sock");
    bool original_reached = client >= 0 && wait_readable(live, WAIT_MS);
    if (client >= 0)
        close(client);
    close(live);
    unlink("s.sock");

    grade_require_impl(rc, listen_errno, "us_listen");
    ck_assert_msg(rc == -1, "us_listen took over the path of a live server; connect() to it "
                            "succeeds, so it is in use and must be left alone");
    ck_assert_msg(listen_errno == EADDRINUSE,
                  "us_listen on a live server's path must fail with EADDRINUSE, not %s",
                  errno_name(listen_errno));
    ck_assert_msg(same_file, "the live server's socket file was removed or replaced");
    ck_assert_msg(original_reached, "the original server no longer gets connections");
    grade_require_impl(stale_rc, stale_errno, "us_remove_stale");
    ck_assert_msg(stale_rc == -1 && stale_errno == EADDRINUSE,
                  "us_remove_stale on a live server's socket must fail with EADDRINUSE");
}
END_TEST

START_TEST(busy_live_server_is_not_waited_for)
{
    /* A live server that does not accept: its backlog fills up, and a
     * blocking connect() would wait for it forever. */
    int live = raw_listen("s.sock", 0);
    int queued[64], count = 0;
    struct sockaddr_un addr;
    make_address(&addr, "s.sock");
    while (count < 64) {
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
        ck_assert(fd != -1);
        if (connect(fd, (struct sockaddr *)&addr, sizeof addr) == -1) {
            close(fd);
            break;
        }
        queued[count++] = fd;
    }
    errno = 0;
    int rc = us_remove_stale("s.sock");
    int stale_errno = errno;
    for (int i = 0; i < count; i++)
        close(queued[i]);
    bool still_there = exists("s.sock");
    close(live);
    unlink("s.sock");
    grade_require_impl(rc, stale_errno, "us_remove_stale");
    ck_assert_msg(rc == -1 && stale_errno == EADDRINUSE,
                  "a live server with a full backlog answers a non-blocking connect() with "
                  "EAGAIN; us_remove_stale must report EADDRINUSE, not %s",
                  rc == 0 ? "success" : errno_name(stale_errno));
    ck_assert_msg(still_there, "us_remove_stale removed a busy live server's socket");
}
END_TEST

START_TEST(non_socket_files_are_never_removed)
{
    write_text_file("s.sock", "precious data\n");
    struct us_listener l = {.fd = -1};
    errno = 0;
    int rc = us_listen(&l, "s.sock");
    int listen_errno = errno;
    char *text = read_text_file("s.sock");
    bool intact = text != NULL && strcmp(text, "precious data\n") == 0;
    free(text);
    if (rc == 0)
        close(l.fd);
    unlink("s.sock");
    grade_require_impl(rc, listen_errno, "us_listen");
    ck_assert_msg(intact, "us_listen removed or changed a regular file that was in its way");
    ck_assert_msg(rc == -1 && listen_errno == ENOTSOCK,
                  "us_listen on a path held by a regular file must fail with ENOTSOCK, not %s",
                  rc == 0 ? "succeed" : errno_name(listen_errno));

    /* A symbolic link to a stale socket is a link, not a socket: lstat(). */
    make_stale_socket("target.sock");
    ck_assert(symlink("target.sock", "link.sock") == 0);
    errno = 0;
    rc = us_remove_stale("link.sock");
    int stale_errno = errno;
    bool link_kept = exists("link.sock"), target_kept = exists("target.sock");
    unlink("link.sock");
    unlink("target.sock");
    ck_assert_msg(rc == -1 && stale_errno == ENOTSOCK,
                  "us_remove_stale on a symbolic link must fail with ENOTSOCK (use lstat, which "
                  "does not follow links), not %s",
                  rc == 0 ? "succeed" : errno_name(stale_errno));
    ck_assert_msg(link_kept && target_kept,
                  "us_remove_stale removed a symbolic link or its target");

    ck_assert(mkfifo("f.sock", 0600) == 0);
    errno = 0;
    rc = us_remove_stale("f.sock");
    stale_errno = errno;
    bool fifo_kept = exists("f.sock");
    unlink("f.sock");
    ck_assert_msg(rc == -1 && stale_errno == ENOTSOCK && fifo_kept,
                  "us_remove_stale on a FIFO must fail with ENOTSOCK and keep it");
    ck_assert_msg(us_remove_stale("nothing.sock") == 0,
                  "us_remove_stale on a path where nothing exists must return 0");
}
END_TEST

START_TEST(close_keeps_directories_it_did_not_make)
{
    ck_assert(mkdir("sub", 0700) == 0);
    struct us_listener l = {.fd = -1};
    int rc = us_listen(&l, "sub/s.sock");
    int listen_errno = errno;
    if (rc == -1)
        rmdir("sub");
    grade_require_impl(rc, listen_errno, "us_listen");
    ck_assert_msg(rc == 0, "us_listen(sub/s.sock) failed: %s", strerror(listen_errno));
    rc = us_listener_close(&l);
    int close_errno = errno;
    /* Ours went with the call: the student's process must hold none after it. */
    char held[256];
    int still_held = student_fds(held, sizeof held);
    bool socket_left = exists("sub/s.sock"), dir_kept = exists("sub");
    unlink("sub/s.sock");
    rmdir("sub");
    grade_require_impl(rc, close_errno, "us_listener_close");
    ck_assert_msg(rc == 0, "us_listener_close failed: %s", strerror(close_errno));
    ck_assert_msg(!socket_left, "us_listener_close left the socket file sub/s.sock; unlink it");
    ck_assert_msg(dir_kept, "us_listener_close removed sub/, a directory the caller made; remove "
                            "only the private directory us_listen() made");
    ck_assert_msg(still_held == 0, "us_listener_close did not close the listening socket (still open: %s)",
                  held);
    ck_assert_msg(us_listener_close(&l) == 0, "a second us_listener_close must do nothing");
}
END_TEST

START_TEST(failed_listen_leaves_no_dir_behind)
{
    /* Use up every descriptor of the student's process, so socket() fails
     * after mkdtemp() worked: its limit is 64, and during a call it holds
     * each number this process has open (boundary.h), so this process
     * fills every number below 64. */
    long old = us_test_fd_limit(64);
    ck_assert_msg(old >= 64, "test setup: lowering the student's descriptor limit failed: %s",
                  errno_name(errno));
    int fillers[64], count = 0;
    while (count < 64) {
        int fd = open("/dev/null", O_RDONLY);
        if (fd == -1 || fd >= 64) {
            if (fd != -1)
                close(fd);
            break;
        }
        fillers[count++] = fd;
    }
    struct us_listener l = {.fd = -1};
    errno = 0;
    int rc = us_listen(&l, NULL);
    int listen_errno = errno;
    for (int i = 0; i < count; i++)
        close(fillers[i]);
    ck_assert_msg(us_test_fd_limit(old) == 64, "test setup: restoring the descriptor limit failed");
    grade_require_impl(rc, listen_errno, "us_listen");
    if (rc == 0)
        us_listener_close(&l);
    ck_assert_msg(rc == -1 && listen_errno == EMFILE,
                  "with no descriptor left, us_listen must fail with EMFILE, not %s",
                  rc == 0 ? "succeed" : errno_name(listen_errno));
    int left = count_entries(".");
    ck_assert_msg(left == 0,
                  "us_listen failed but left %d entries in $TMPDIR; on every error path remove "
                  "the private directory it made",
                  left);
}
END_TEST

START_TEST(signal_removes_socket_file_and_dir)
{
    const int signals[] = {SIGTERM, SIGINT};
    for (int i = 0; i < 2; i++) {
        int sig = signals[i];
        struct us_listener l = {.fd = -1};
        int rc = us_listen(&l, NULL);
        REQUIRE_IMPL(rc, "us_listen");
        ck_assert_msg(rc == 0, "us_listen failed: %s", errno_name(errno));
        char path[US_PATH_MAX], dir[US_PATH_MAX];
        snprintf(path, sizeof path, "%s", l.path);
        snprintf(dir, sizeof dir, "%s", l.dir);
        int ready[2];
        ck_assert(pipe(ready) == 0);
        /* The child's calls run in a student process of its own: the
         * server whose handlers are tested, adopted here to see how it ends. */
        adopt_student_processes();
        pid_t pid = fork();
        ck_assert(pid != -1);
        if (pid == 0) {
            close(ready[0]);
            if (us_cleanup_on_signals(&l) == -1)
                _exit(errno == ENOSYS ? CHILD_ENOSYS : CHILD_FAILED);
            if (write(ready[1], "r", 1) != 1)
                _exit(CHILD_FAILED);
            for (;;)
                pause();
        }
        pid_t server = boundary_student_of(pid);
        close(ready[1]);
        close(l.fd); /* the handlers need only the names */
        char byte;
        bool is_ready = wait_readable(ready[0], WAIT_MS) && read(ready[0], &byte, 1) == 1;
        close(ready[0]);
        int status = is_ready ? 0 : grade_wait_child(pid, WAIT_MS);
        if (!is_ready) {
            kill(server, SIGKILL);
            grade_wait_child(server, WAIT_MS);
            unlink(path);
            rmdir(dir);
            if (status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == CHILD_ENOSYS)
                ck_abort_msg("not implemented yet: us_cleanup_on_signals() returned -1 with "
                             "ENOSYS; fill in its TODO");
            ck_abort_msg("us_cleanup_on_signals() failed (the child %s)",
                         status == -1 ? "hung" : grade_describe_status(status));
        }
        kill(server, sig);
        status = grade_wait_child(server, WAIT_MS);
        kill(pid, SIGKILL); /* the test's child, which only waits */
        grade_wait_child(pid, WAIT_MS);
        bool socket_left = exists(path), dir_left = exists(dir);
        unlink(path);
        rmdir(dir);
        ck_assert_msg(status != -1, "the server did not end on %s", strsignal(sig));
        ck_assert_msg(!socket_left,
                      "on %s the socket file was left behind; the handler must "
                      "unlink it",
                      signal_name(sig));
        ck_assert_msg(!dir_left, "on %s the private directory was left behind; rmdir it",
                      signal_name(sig));
        ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == sig,
                      "after cleaning up, the handler must let %s end the process (SIG_DFL, "
                      "then raise), so its parent sees why; the process %s",
                      signal_name(sig), grade_describe_status(status));
    }
}
END_TEST

START_TEST(trace_shows_server_and_client_call_order)
{
    /* The trace is the oracle: socket, bind, listen on one side, then
     * socket, connect on the other, then unlink and close. */
    const char *trace_path = "trace.jsonl";
    /* The student's process writes the trace. */
    ck_assert_msg(agent_trace_to(trace_path) == 0,
                  "test setup: tracing the student's process failed");
    struct us_listener l = {.fd = -1};
    int rc = us_listen(&l, "t.sock");
    int listen_errno = errno;
    int client = rc == 0 ? us_connect("t.sock") : -1;
    int connect_errno = errno;
    if (client >= 0)
        close(client);
    if (rc == 0)
        us_listener_close(&l);
    agent_trace_to(NULL);
    unlink("t.sock");
    struct trace_log log;
    int loaded = trace_log_load(&log, trace_path);
    unlink(trace_path);
    grade_require_impl(rc, listen_errno, "us_listen");
    grade_require_impl(client, connect_errno, "us_connect");
    ck_assert_msg(rc == 0 && client >= 0, "us_listen or us_connect failed: %s",
                  strerror(rc == 0 ? connect_errno : listen_errno));
    ck_assert_msg(loaded == 0, "no trace was written; report each call with trace_call()");

    const char *order[] = {"socket", "bind", "listen", "socket", "connect", "unlink"};
    long at = 0;
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        long found = trace_log_find(&log, at, NULL, order[i], NULL);
        if (found < 0) {
            trace_log_free(&log);
            ck_abort_msg("the trace has no \"%s\" step after step %zu of: socket, bind, listen "
                         "(server), socket, connect (client), unlink; trace each call with "
                         "trace_call(\"%s\", ...) right after making it",
                         order[i], i, order[i]);
        }
        at = found + 1;
    }
    trace_log_free(&log);
}
END_TEST

/* ---- part 2: framing ---------------------------------------------------- */

START_TEST(frame_header_is_4_byte_big_endian_length)
{
    int fds[2];
    make_pair(fds);
    int rc = us_send_frame(fds[0], "hello", 5);
    REQUIRE_IMPL(rc, "us_send_frame");
    ck_assert_msg(rc == 0, "us_send_frame failed: %s", errno_name(errno));
    unsigned char wire[9];
    ck_assert_msg(raw_recv_exact(fds[1], wire, sizeof wire, WAIT_MS) == 9,
                  "a 5-byte message must travel as 9 bytes: a 4-byte header, then the data");
    ck_assert_msg(memcmp(wire, "\0\0\0\5hello", 9) == 0,
                  "expected 00 00 00 05 'hello' on the wire, got %02x %02x %02x %02x '%.5s'",
                  wire[0], wire[1], wire[2], wire[3], (const char *)wire + 4);
    char big[300];
    memset(big, 'x', sizeof big);
    ck_assert_int_eq(us_send_frame(fds[0], big, sizeof big), 0);
    unsigned char header[4];
    ck_assert(raw_recv_exact(fds[1], header, 4, WAIT_MS) == 4);
    ck_assert_msg(header[0] == 0 && header[1] == 0 && header[2] == 1 && header[3] == 0x2c,
                  "300 bytes must be announced as 00 00 01 2c (network byte order: htonl), got "
                  "%02x %02x %02x %02x",
                  header[0], header[1], header[2], header[3]);
    char body[300];
    ck_assert(raw_recv_exact(fds[1], body, sizeof body, WAIT_MS) == 300);
    ck_assert_msg(nothing_queued(fds[1]), "us_send_frame sent more bytes than header + message");
    close(fds[0]);
    close(fds[1]);
}
END_TEST

START_TEST(frames_round_trip_from_empty_to_max_size)
{
    int fds[2];
    make_pair(fds);
    int rc = us_send_frame(fds[0], "", 0);
    REQUIRE_IMPL(rc, "us_send_frame");
    char *big = malloc(US_MAX_MESSAGE), *back = malloc(US_MAX_MESSAGE);
    ck_assert(big != NULL && back != NULL);
    checksum_fill_pattern(big, US_MAX_MESSAGE, 7);
    ck_assert_msg(us_send_frame(fds[0], big, US_MAX_MESSAGE) == 0,
                  "us_send_frame must accept a message of exactly US_MAX_MESSAGE bytes");
    size_t len = 99;
    int got = us_recv_frame(fds[1], back, US_MAX_MESSAGE, &len);
    REQUIRE_IMPL(got, "us_recv_frame");
    ck_assert_msg(got == 1 && len == 0, "an empty message must arrive as one with length 0 "
                                        "(us_recv_frame returns 1, *len = 0)");
    got = us_recv_frame(fds[1], back, US_MAX_MESSAGE, &len);
    ck_assert_msg(got == 1 && len == US_MAX_MESSAGE,
                  "a US_MAX_MESSAGE-byte message came back as %d with length %zu", got, len);
    ck_assert_msg(memcmp(big, back, US_MAX_MESSAGE) == 0, "the largest message arrived changed");
    close(fds[0]);
    got = us_recv_frame(fds[1], back, US_MAX_MESSAGE, &len);
    ck_assert_msg(got == 0, "when the peer closes between frames us_recv_frame must return 0");
    free(big);
    free(back);
    close(fds[1]);
}
END_TEST

/* Receives one 1000-byte frame with plain recv() and compares it with msg. */
static void expect_raw_frame(int fd, const char *msg, const char *after)
{
    unsigned char header[4];
    char back[1000];
    ck_assert(raw_recv_exact(fd, header, 4, WAIT_MS) == 4);
    ck_assert_msg(memcmp(header, "\0\0\x03\xe8", 4) == 0, "the header was damaged by %s", after);
    ck_assert(raw_recv_exact(fd, back, sizeof back, WAIT_MS) == (ssize_t)sizeof back);
    ck_assert_msg(memcmp(back, msg, sizeof back) == 0,
                  "bytes were lost or repeated across %s (advance by what send() returned)", after);
}

START_TEST(frames_survive_short_sends_eintr_and_eagain)
{
    /* Each send() of a few bytes costs the socket buffer far more than the
     * bytes themselves, so the message stays small enough to fit unread. */
    int fds[2];
    make_pair(fds);
    char msg[1000];
    checksum_fill_pattern(msg, sizeof msg, 11);
    fault_set(FAULT_OUT, (struct fault_plan){
                             .fd = fds[0], .max_bytes = 16, .fail_every = 3, .fail_errno = EINTR});
    int rc = us_send_frame(fds[0], msg, sizeof msg);
    REQUIRE_IMPL(rc, "us_send_frame");
    int err = errno;
    unsigned long injected = fault_injected(FAULT_OUT);
    char watched[256];
    snprintf(watched, sizeof watched, "%s", fault_describe(FAULT_OUT));
    fault_reset();
    ck_assert_msg(rc == 0, "with sends cut to 16 bytes and EINTR, us_send_frame failed: %s",
                  errno_name(err));
    ck_assert_msg(injected > 60,
                  "only %lu faults happened (calls seen: %s); us_send_frame must send on the "
                  "socket itself",
                  injected, watched);
    expect_raw_frame(fds[1], msg, "short sends and EINTR");

    fault_set(FAULT_OUT, (struct fault_plan){
                             .fd = fds[0], .max_bytes = 64, .fail_every = 2, .fail_errno = EAGAIN});
    rc = us_send_frame(fds[0], msg, sizeof msg);
    err = errno;
    injected = fault_injected(FAULT_OUT);
    snprintf(watched, sizeof watched, "%s", fault_describe(FAULT_OUT));
    fault_reset();
    ck_assert_msg(rc == 0,
                  "with EAGAIN on every 2nd send, us_send_frame failed (%s); it must poll() for "
                  "POLLOUT and go on",
                  errno_name(err));
    ck_assert_msg(injected > 15,
                  "EAGAIN was to fail every 2nd send, but only %lu faults happened "
                  "(calls seen: %s)",
                  injected, watched);
    expect_raw_frame(fds[1], msg, "EAGAIN");
    close(fds[0]);
    close(fds[1]);
}
END_TEST

START_TEST(frames_survive_short_recvs_eintr_and_eagain)
{
    int fds[2];
    make_pair(fds);
    char msg[3000], back[3000];
    checksum_fill_pattern(msg, sizeof msg, 12);
    for (int i = 0; i < 2; i++) {
        raw_send_header(fds[0], sizeof msg);
        must_send(fds[0], msg, sizeof msg);
    }
    fault_set(FAULT_IN, (struct fault_plan){
                            .fd = fds[1], .max_bytes = 7, .fail_every = 4, .fail_errno = EINTR});
    size_t len = 0;
    int got = us_recv_frame(fds[1], back, sizeof back, &len);
    REQUIRE_IMPL(got, "us_recv_frame");
    unsigned long injected = fault_injected(FAULT_IN);
    ck_assert_msg(got == 1 && len == sizeof msg,
                  "with receives cut to 7 bytes and EINTR, us_recv_frame returned %d, length %zu",
                  got, len);
    ck_assert_msg(injected > 300,
                  "only %lu faults happened (calls seen: %s); us_recv_frame must receive from the "
                  "socket itself",
                  injected, fault_describe(FAULT_IN));
    ck_assert_msg(memcmp(back, msg, sizeof msg) == 0, "bytes were lost across short receives");
    fault_set(FAULT_IN, (struct fault_plan){
                            .fd = fds[1], .max_bytes = 3, .fail_every = 2, .fail_errno = EAGAIN});
    memset(back, 0, sizeof back);
    got = us_recv_frame(fds[1], back, sizeof back, &len);
    int err = errno;
    injected = fault_injected(FAULT_IN);
    fault_reset();
    ck_assert_msg(got == 1 && len == sizeof msg,
                  "with EAGAIN on every 2nd recv, us_recv_frame returned %d (%s); it must poll() "
                  "for POLLIN and go on",
                  got, got == -1 ? errno_name(err) : "wrong length");
    ck_assert_msg(injected > 100, "EAGAIN was to fail every 2nd recv, but only %lu faults happened",
                  injected);
    ck_assert_msg(memcmp(back, msg, sizeof msg) == 0, "bytes were lost around EAGAIN");
    close(fds[0]);
    close(fds[1]);
}
END_TEST

/* ---- waiting costs no CPU -------------------------------------------------- */

/* CPU time the student's process has used, user and system, in seconds. */
static double cpu_seconds(void)
{
    double cpu = grade_process_cpu_seconds(boundary_agent_pid());
    ck_assert_msg(cpu >= 0, "test setup: the CPU time of the student's process cannot be read");
    return cpu;
}

static double wall_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void pause_ms(int ms)
{
    struct timespec t = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000};
    while (nanosleep(&t, &t) == -1 && errno == EINTR)
        ;
}

enum { SLOW_PEER_MS = 400 };

START_TEST(send_all_waits_in_poll_while_the_socket_is_full)
{
    int fds[2];
    make_pair(fds);
    int flags = fcntl(fds[0], F_GETFL);
    ck_assert(fcntl(fds[0], F_SETFL, flags | O_NONBLOCK) == 0);
    char block[4096];
    memset(block, 'f', sizeof block);
    while (send(fds[0], block, sizeof block, MSG_NOSIGNAL) > 0)
        ;
    ck_assert_msg(errno == EAGAIN, "test setup: filling the socket ended with %s",
                  errno_name(errno));
    pid_t student;
    pid_t pid = fork_child(&student);
    if (pid == 0) { /* the slow reader */
        close(fds[0]);
        pause_ms(SLOW_PEER_MS);
        char buf[65536];
        while (recv(fds[1], buf, sizeof buf, 0) > 0)
            ;
        _exit(0);
    }
    close(fds[1]);
    double cpu_before = cpu_seconds(), wall_before = wall_seconds();
    ssize_t n = us_send_all(fds[0], block, sizeof block);
    int err = errno;
    double cpu = cpu_seconds() - cpu_before, waited = wall_seconds() - wall_before;
    close(fds[0]);
    wait_child_and_student(pid, student, WAIT_MS);
    grade_require_impl(n, err, "us_send_all");
    ck_assert_msg(n == (ssize_t)sizeof block,
                  "us_send_all() on a full non-blocking socket returned %zd (%s); it must wait for "
                  "room with poll(POLLOUT), then send",
                  n, n == -1 ? errno_name(err) : "short");
    ck_assert_msg(cpu < 0.25 * waited,
                  "us_send_all() used %.0f ms of CPU while waiting %.0f ms for room: it retries "
                  "send() at once on EAGAIN (a busy loop). Wait with poll(POLLOUT) instead",
                  cpu * 1000, waited * 1000);
}
END_TEST

START_TEST(recv_exact_waits_in_poll_while_nothing_came)
{
    int fds[2];
    make_pair(fds);
    int flags = fcntl(fds[1], F_GETFL);
    ck_assert(fcntl(fds[1], F_SETFL, flags | O_NONBLOCK) == 0);
    pid_t student;
    pid_t pid = fork_child(&student);
    if (pid == 0) { /* the slow sender */
        close(fds[1]);
        pause_ms(SLOW_PEER_MS);
        _exit(send(fds[0], "late", 4, MSG_NOSIGNAL) == 4 ? 0 : 1);
    }
    close(fds[0]);
    char buf[4];
    double cpu_before = cpu_seconds(), wall_before = wall_seconds();
    ssize_t n = us_recv_exact(fds[1], buf, sizeof buf);
    int err = errno;
    double cpu = cpu_seconds() - cpu_before, waited = wall_seconds() - wall_before;
    close(fds[1]);
    wait_child_and_student(pid, student, WAIT_MS);
    grade_require_impl(n, err, "us_recv_exact");
    ck_assert_msg(n == 4,
                  "us_recv_exact() on a non-blocking socket with nothing yet returned %zd (%s); on "
                  "EAGAIN it must wait with poll(POLLIN) and receive again",
                  n, n == -1 ? errno_name(err) : "short");
    ck_assert_msg(cpu < 0.25 * waited,
                  "us_recv_exact() used %.0f ms of CPU while waiting %.0f ms for data: it retries "
                  "recv() at once on EAGAIN (a busy loop). Wait with poll(POLLIN) instead",
                  cpu * 1000, waited * 1000);
}
END_TEST

START_TEST(oversized_frame_refused_from_header_alone)
{
    int fds[2];
    make_pair(fds);
    char *big = calloc(1, US_MAX_MESSAGE + 1);
    ck_assert(big != NULL);
    errno = 0;
    int rc = us_send_frame(fds[0], big, US_MAX_MESSAGE + 1);
    int send_errno = errno;
    free(big);
    REQUIRE_IMPL(rc, "us_send_frame");
    ck_assert_msg(rc == -1 && send_errno == EMSGSIZE,
                  "us_send_frame of US_MAX_MESSAGE + 1 bytes must fail with EMSGSIZE");
    ck_assert_msg(nothing_queued(fds[1]), "us_send_frame refused a message but sent bytes anyway");

    raw_send_header(fds[0], US_MAX_MESSAGE + 1);
    must_send(fds[0], "abc", 3);
    char buf[64];
    size_t len;
    errno = 0;
    int got = us_recv_frame(fds[1], buf, sizeof buf, &len);
    REQUIRE_IMPL(got, "us_recv_frame");
    ck_assert_msg(got == -1 && errno == EMSGSIZE,
                  "a header announcing US_MAX_MESSAGE + 1 bytes must make us_recv_frame fail with "
                  "EMSGSIZE");
    char rest[3];
    ck_assert_msg(recv(fds[1], rest, 3, MSG_DONTWAIT) == 3 && memcmp(rest, "abc", 3) == 0,
                  "us_recv_frame read the payload of a frame it refuses; decide from the header "
                  "alone, before reading (or allocating) anything for it");

    /* The limit holds even for a caller whose buffer is larger. */
    char *roomy = malloc(US_MAX_MESSAGE + 16);
    ck_assert(roomy != NULL);
    raw_send_header(fds[0], US_MAX_MESSAGE + 1);
    errno = 0;
    got = us_recv_frame(fds[1], roomy, US_MAX_MESSAGE + 16, &len);
    int roomy_errno = errno;
    free(roomy);
    ck_assert_msg(got == -1 && roomy_errno == EMSGSIZE,
                  "US_MAX_MESSAGE + 1 bytes is over the limit even when cap is larger: "
                  "us_recv_frame must fail with EMSGSIZE");

    raw_send_header(fds[0], 0xFFFFFFFFu);
    errno = 0;
    got = us_recv_frame(fds[1], buf, sizeof buf, &len);
    ck_assert_msg(got == -1 && errno == EMSGSIZE,
                  "a header announcing 4 GiB must fail with EMSGSIZE at once");

    raw_send_header(fds[0], 40);
    must_send(fds[0], buf, 40);
    errno = 0;
    got = us_recv_frame(fds[1], buf, 10, &len);
    ck_assert_msg(got == -1 && errno == EMSGSIZE,
                  "a 40-byte frame does not fit a 10-byte buffer: us_recv_frame must fail with "
                  "EMSGSIZE (compare the length with cap too)");
    close(fds[0]);
    close(fds[1]);
}
END_TEST

START_TEST(truncated_frame_reports_eproto)
{
    struct {
        const char *what;
        const char *bytes;
        size_t len;
        int want;
    } cases[] = {
        {"2 of the 4 header bytes", "\0\0", 2, EPROTO},
        {"a header for 10 bytes and 4 of them",
         "\0\0\0\x0a"
         "abcd",
         8, EPROTO},
        {"nothing at all", "", 0, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int fds[2];
        make_pair(fds);
        must_send(fds[0], cases[i].bytes, cases[i].len);
        shutdown(fds[0], SHUT_WR); /* no more bytes will come */
        char buf[64];
        size_t len;
        errno = 0;
        int got = us_recv_frame(fds[1], buf, sizeof buf, &len);
        int recv_errno = errno;
        close(fds[0]);
        close(fds[1]);
        REQUIRE_IMPL(got, "us_recv_frame");
        if (cases[i].want == 0)
            ck_assert_msg(got == 0, "a peer that closes before any frame is a clean end: "
                                    "us_recv_frame must return 0");
        else
            ck_assert_msg(got == -1 && recv_errno == EPROTO,
                          "after %s the peer closed: us_recv_frame must fail with EPROTO, not %s",
                          cases[i].what, got == -1 ? errno_name(recv_errno) : "succeed");
    }
}
END_TEST

START_TEST(serve_client_upcases_each_frame_until_eof)
{
    int fds[2];
    make_pair(fds);
    raw_send_frame(fds[0], "hello");
    raw_send_frame(fds[0], "Mixed Case 123!");
    raw_send_frame(fds[0], "");
    shutdown(fds[0], SHUT_WR);
    /* conn is given to the student's process, so that afterwards only it
     * holds that end: fds[0] then sees end of file if, and only if, the
     * student's code closed conn. */
    int conn = fds[1];
    long answered = us_serve_client_given(conn);
    int err = errno;
    if (answered == -1 && err == ENOSYS)
        us_test_close(conn);
    grade_require_impl(answered, err, "us_serve_client");
    ck_assert_msg(answered == 3, "us_serve_client answered %ld messages; expected 3 (%s)", answered,
                  answered == -1 ? strerror(err) : "then EOF");
    const char *want[] = {"HELLO", "MIXED CASE 123!", ""};
    for (int i = 0; i < 3; i++) {
        uint32_t net;
        char body[64];
        ck_assert(raw_recv_exact(fds[0], &net, 4, WAIT_MS) == 4);
        size_t len = ntohl(net);
        ck_assert_msg(len == strlen(want[i]), "answer %d announces %zu bytes, expected %zu", i + 1,
                      len, strlen(want[i]));
        ck_assert(raw_recv_exact(fds[0], body, len, WAIT_MS) == (ssize_t)len);
        ck_assert_msg(memcmp(body, want[i], len) == 0, "answer %d is \"%.*s\", expected \"%s\"",
                      i + 1, (int)len, body, want[i]);
    }
    bool kept = nothing_queued(fds[0]); /* no end of file: conn is still open */
    us_test_close(conn);
    close(fds[0]);
    ck_assert_msg(kept, "us_serve_client must not close conn");
}
END_TEST

/* ---- part 2: the server loop ------------------------------------------- */

START_TEST(server_answers_clients_one_after_another)
{
    struct endpoint at = abstract_endpoint();
    int lfd = endpoint_listen(&at, 16);
    struct server s;
    server_start(&s, lfd, 3, false, 0, -1);
    for (int i = 0; i < 3; i++) {
        int client = must_connect(&at);
        char msg[64];
        snprintf(msg, sizeof msg, "client %d says hello", i + 1);
        expect_answer(&s, client, msg);
        expect_answer(&s, client, "and a second message");
        close(client);
    }
    server_finish(&s);
    close(lfd);
}
END_TEST

START_TEST(oversized_frame_drops_only_that_client)
{
    struct endpoint at = abstract_endpoint();
    int lfd = endpoint_listen(&at, 16);
    struct server s;
    int log = open_log();
    server_start(&s, lfd, 2, false, 0, log);
    int attacker = must_connect(&at);
    raw_send_header(attacker, 0xFFFFFFF0u);
    expect_closed(&s, attacker,
                  "the server to close a connection whose header announces 4 GiB (more than "
                  "US_MAX_MESSAGE)");
    close(attacker);
    int next = must_connect(&at);
    expect_answer(&s, next, "the next client is served");
    close(next);
    server_finish(&s);
    close(lfd);
    expect_log_mentions(log, "EMSGSIZE", "after dropping a client for an oversized frame");
}
END_TEST

START_TEST(truncated_frame_drops_only_that_client)
{
    struct endpoint at = abstract_endpoint();
    int lfd = endpoint_listen(&at, 16);
    struct server s;
    int log = open_log();
    server_start(&s, lfd, 2, false, 0, log);
    int client = must_connect(&at);
    raw_send_header(client, 100);
    must_send(client, "only ten b", 10);
    shutdown(client, SHUT_WR); /* and nothing more: the frame is cut short */
    expect_closed(&s, client, "the server to close a connection whose frame was cut short");
    close(client);
    int next = must_connect(&at);
    expect_answer(&s, next, "the next client is served");
    close(next);
    server_finish(&s);
    close(lfd);
    expect_log_mentions(log, "EPROTO", "after dropping a client for a truncated frame");
}
END_TEST

START_TEST(client_dying_mid_frame_does_not_stop_server)
{
    struct endpoint at = abstract_endpoint();
    int lfd = endpoint_listen(&at, 16);
    struct server s;
    server_start(&s, lfd, 2, false, 0, -1);
    pid_t dying_student;
    pid_t dying = fork_child(&dying_student);
    if (dying == 0) {
        int fd = endpoint_connect(&at);
        if (fd != -1)
            raw_send(fd, "\0\0", 2); /* half a header... */
        raise(SIGKILL);              /* ...and the client is gone */
        _exit(1);
    }
    int status = wait_child_and_student(dying, dying_student, WAIT_MS);
    ck_assert_msg(status != -1 && WIFSIGNALED(status), "test setup: the dying client did not die");
    int next = must_connect(&at);
    expect_answer(&s, next, "still serving after a client died mid-frame");
    close(next);
    server_finish(&s);
    close(lfd);
}
END_TEST

START_TEST(client_gone_before_answer_no_sigpipe)
{
    struct endpoint at = abstract_endpoint();
    int lfd = endpoint_listen(&at, 16);
    /* This client asks and leaves before the server even accepts it: the
     * answer then goes to a closed socket. */
    int rude = must_connect(&at);
    raw_send_frame(rude, "are you there?");
    close(rude);
    struct server s;
    server_start(&s, lfd, 2, false, 0, -1);
    int next = must_connect(&at);
    expect_answer(&s, next, "the next client is served");
    close(next);
    server_finish(&s);
    close(lfd);
}
END_TEST

START_TEST(server_goes_on_after_a_signal_interrupts_accept)
{
    struct endpoint at = abstract_endpoint();
    int lfd = endpoint_listen(&at, 16);
    adopt_student_processes();
    fflush(NULL);
    pid_t pid = fork();
    ck_assert(pid != -1);
    if (pid == 0) {
        /* The server, in its student process: SIGALRM 0.1 s into accept(),
         * without SA_RESTART, so accept() fails with EINTR; the client
         * comes only at 0.3 s. */
        if (us_test_alarm_once(100000) == -1)
            _exit(21);
        long served = us_serve_with(lfd, 1, (struct us_serve_values){.given = false}, -1);
        int err = errno;
        long alarms = us_test_alarm_once(0);
        if (served == -1)
            _exit(err == ENOSYS ? CHILD_ENOSYS : err == EINTR ? 20 : CHILD_FAILED);
        _exit(alarms != 1 ? 21 : served == 1 ? CHILD_OK : CHILD_WRONG_COUNT);
    }
    pid_t student = boundary_student_of(pid);
    pause_ms(300);
    int fd = must_connect(&at);
    char reply[16];
    size_t len = 0;
    int answered = us_send_frame(fd, "late", 4) == 0 && wait_readable(fd, WAIT_MS) &&
                   us_recv_frame(fd, reply, sizeof reply, &len) == 1 && len == 4 &&
                   memcmp(reply, "LATE", 4) == 0;
    close(fd);
    int status = grade_wait_child(pid, WAIT_MS);
    if (status == -1) /* its student process may still be inside us_serve() */
        kill(student, SIGKILL);
    int ended = grade_wait_child(student, WAIT_MS); /* it ends with the child */
    close(lfd);
    ck_assert_msg(status != -1, "us_serve() did not return after serving its one client");
    bool reported = is_child_report(status) ||
                    (WIFEXITED(status) && (WEXITSTATUS(status) == 20 || WEXITSTATUS(status) == 21));
    if (!reported) {
        /* The test child could not report: the server's process ended during a call. */
        ck_abort_msg("the server %s", grade_describe_status(ended == -1 ? status : ended));
    }
    ck_assert_msg(WIFEXITED(status), "the server %s", grade_describe_status(status));
    if (WEXITSTATUS(status) == CHILD_ENOSYS)
        ck_abort_msg("not implemented yet: us_serve() returned ENOSYS");
    ck_assert_msg(WEXITSTATUS(status) != 20,
                  "a signal interrupted accept() and us_serve() returned -1 with EINTR: retry "
                  "accept() after EINTR and ECONNABORTED (see us_serve.h)");
    ck_assert_msg(WEXITSTATUS(status) != 21, "test setup: the signal did not arrive");
    ck_assert_msg(answered, "the client that came after the signal was not answered");
    ck_assert_msg(WEXITSTATUS(status) == CHILD_OK,
                  "with a signal during accept(), us_serve(listen_fd, 1, NULL) %s",
                  WEXITSTATUS(status) == CHILD_WRONG_COUNT ? "returned a count other than 1"
                                                           : "failed");
}
END_TEST

/* A client that connects and says nothing must not hold up the next one:
 * us_serve() serves each client in a child of its own. */
START_TEST(an_idle_client_does_not_hold_up_the_next)
{
    struct endpoint at = abstract_endpoint();
    int lfd = endpoint_listen(&at, 16);
    struct server s;
    server_start(&s, lfd, 2, false, 0, -1);
    int idle = must_connect(&at); /* and never a word */
    int next = must_connect(&at);
    raw_send_frame(next, "may I?");
    int limit = grade_timeout_ms(1000);
    bool answered = false;
    for (int waited = 0; waited < limit && !answered; waited += 20) {
        answered = wait_readable(next, 20);
        check_server_alive(&s);
    }
    if (!answered) {
        close(idle);
        close(next);
        server_finish(&s);
        close(lfd);
        ck_abort_msg("a second client got no answer within %d ms while the first said nothing: "
                     "serve each client in a child process (fork) and accept the next at once",
                     limit);
    }
    uint32_t net;
    ck_assert_msg(raw_recv_exact(next, &net, sizeof net, WAIT_MS) == 4 && ntohl(net) == 6,
                  "the answer to \"may I?\" must be a 6-byte frame");
    char body[6];
    ck_assert(raw_recv_exact(next, body, sizeof body, WAIT_MS) == 6);
    ck_assert_msg(memcmp(body, "MAY I?", 6) == 0, "expected \"MAY I?\", got \"%.6s\"", body);
    close(next);
    close(idle);
    server_finish(&s);
    close(lfd);
}
END_TEST

START_TEST(fifty_clients_no_fd_growth)
{
    struct endpoint at = abstract_endpoint();
    int lfd = endpoint_listen(&at, 16);
    struct server s;
    server_start(&s, lfd, 50, false, 0, -1);
    for (int i = 0; i < 50; i++) {
        int client = must_connect(&at);
        char msg[32];
        snprintf(msg, sizeof msg, "client number %d", i + 1);
        expect_answer(&s, client, msg);
        close(client);
    }
    server_finish(&s); /* the server counts its own descriptors before and after */
    close(lfd);
}
END_TEST

/* ---- part 3: datagrams vs streams --------------------------------------- */

static const char *const WORDS[] = {"one", "two", "three"};

START_TEST(stream_merges_three_sends_into_one_recv)
{
    int fds[2];
    make_pair(fds);
    for (int i = 0; i < 3; i++) {
        ssize_t n = us_send_all(fds[0], WORDS[i], strlen(WORDS[i]));
        REQUIRE_IMPL(n, "us_send_all");
        ck_assert_msg(n == (ssize_t)strlen(WORDS[i]), "us_send_all returned %zd", n);
    }
    char buf[64];
    ck_assert_msg(wait_readable(fds[1], WAIT_MS), "nothing arrived on the stream");
    ssize_t n = us_recv_once(fds[1], buf, sizeof buf);
    REQUIRE_IMPL(n, "us_recv_once");
    ck_assert_msg(n == 11 && memcmp(buf, "onetwothree", 11) == 0,
                  "three sends (3, 3 and 5 bytes) made before the first recv: one recv() on a "
                  "stream returns all 11 bytes merged, \"onetwothree\"; us_recv_once returned %zd",
                  n);
    close(fds[0]);
    close(fds[1]);
}
END_TEST

/* Opens the receiving datagram socket d.sock and an unbound sender. */
static void open_datagram_pair(int *receiver, int *sender)
{
    *receiver = us_dgram_open("d.sock");
    REQUIRE_IMPL(*receiver, "us_dgram_open");
    ck_assert_msg(*receiver >= 0, "us_dgram_open(\"d.sock\") failed: %s", errno_name(errno));
    struct stat st;
    ck_assert_msg(lstat("d.sock", &st) == 0 && S_ISSOCK(st.st_mode),
                  "us_dgram_open(path) must bind the socket to path");
    int type = 0;
    socklen_t len = sizeof type;
    ck_assert(getsockopt(*receiver, SOL_SOCKET, SO_TYPE, &type, &len) == 0);
    ck_assert_msg(type == SOCK_DGRAM, "us_dgram_open must make a SOCK_DGRAM socket");
    *sender = us_dgram_open(NULL);
    ck_assert_msg(*sender >= 0, "us_dgram_open(NULL) failed: %s", errno_name(errno));
}

static void close_datagram_pair(int receiver, int sender)
{
    close(receiver);
    close(sender);
    unlink("d.sock");
}

START_TEST(datagrams_keep_three_messages_apart)
{
    int receiver, sender;
    open_datagram_pair(&receiver, &sender);
    for (int i = 0; i < 3; i++) {
        ssize_t n = us_dgram_send(sender, "d.sock", WORDS[i], strlen(WORDS[i]));
        REQUIRE_IMPL(n, "us_dgram_send");
        ck_assert_msg(n == (ssize_t)strlen(WORDS[i]), "us_dgram_send returned %zd (%s)", n,
                      strerror(errno));
    }
    for (int i = 0; i < 3; i++) {
        char buf[64];
        ck_assert_msg(wait_readable(receiver, WAIT_MS), "datagram %d never arrived", i + 1);
        ssize_t n = us_dgram_recv(receiver, buf, sizeof buf);
        REQUIRE_IMPL(n, "us_dgram_recv");
        ck_assert_msg(n == (ssize_t)strlen(WORDS[i]) && memcmp(buf, WORDS[i], (size_t)n) == 0,
                      "recv %d should return exactly the datagram \"%s\"; it returned %zd bytes",
                      i + 1, WORDS[i], n);
    }
    ck_assert_msg(nothing_queued(receiver), "more came out than the three datagrams sent");
    close_datagram_pair(receiver, sender);
}
END_TEST

START_TEST(datagram_too_big_is_emsgsize_not_cut)
{
    int receiver, sender;
    open_datagram_pair(&receiver, &sender);
    char big[100];
    memset(big, 'z', sizeof big);
    ssize_t n = us_dgram_send(sender, "d.sock", big, sizeof big);
    REQUIRE_IMPL(n, "us_dgram_send");
    ck_assert_int_eq(us_dgram_send(sender, "d.sock", "next", 4), 4);
    char buf[64];
    ck_assert(wait_readable(receiver, WAIT_MS));
    errno = 0;
    n = us_dgram_recv(receiver, buf, 10);
    int recv_errno = errno;
    REQUIRE_IMPL(n, "us_dgram_recv");
    ck_assert_msg(n == -1 && recv_errno == EMSGSIZE,
                  "a 100-byte datagram does not fit in 10 bytes: us_dgram_recv must fail with "
                  "EMSGSIZE (recv with MSG_TRUNC tells the real length), not return %zd",
                  n);
    ck_assert(wait_readable(receiver, WAIT_MS));
    n = us_dgram_recv(receiver, buf, sizeof buf);
    ck_assert_msg(n == 4 && memcmp(buf, "next", 4) == 0,
                  "after a cut datagram the next recv must return the next datagram whole");
    close_datagram_pair(receiver, sender);
}
END_TEST

/* ---- part 4: socketpair between parent and child ------------------------ */

START_TEST(socketpair_connects_both_ways)
{
    const int types[] = {SOCK_STREAM, SOCK_DGRAM};
    for (int i = 0; i < 2; i++) {
        int fds[2] = {-1, -1};
        int rc = us_socketpair(types[i], fds);
        REQUIRE_IMPL(rc, "us_socketpair");
        ck_assert_msg(rc == 0, "us_socketpair failed: %s", errno_name(errno));
        int type = 0;
        socklen_t len = sizeof type;
        ck_assert(getsockopt(fds[0], SOL_SOCKET, SO_TYPE, &type, &len) == 0);
        ck_assert_msg(type == types[i], "us_socketpair(%s) made a socket of another type",
                      types[i] == SOCK_STREAM ? "SOCK_STREAM" : "SOCK_DGRAM");
        ck_assert_msg((fcntl(fds[0], F_GETFD) & FD_CLOEXEC) &&
                          (fcntl(fds[1], F_GETFD) & FD_CLOEXEC),
                      "both ends must be close-on-exec (SOCK_CLOEXEC)");
        char buf[8];
        must_send(fds[0], "ping", 4);
        ck_assert_msg(raw_recv_exact(fds[1], buf, 4, WAIT_MS) == 4 && memcmp(buf, "ping", 4) == 0,
                      "what fds[0] sends must arrive at fds[1]");
        must_send(fds[1], "pong", 4);
        ck_assert_msg(raw_recv_exact(fds[0], buf, 4, WAIT_MS) == 4 && memcmp(buf, "pong", 4) == 0,
                      "a socketpair works both ways: what fds[1] sends must arrive at fds[0]");
        close(fds[0]);
        close(fds[1]);
    }
}
END_TEST

/*
 * What a test's child function saw. It runs here, in a thread of this
 * process, when the student's child calls it (boundary.h), so its own
 * record is the evidence, never the status the child exits with.
 */
struct child_run {
    int marker;          /* upcase_if_given_marker() works only with 42 */
    atomic_int ran;      /* 1 once the student's child called it */
    atomic_int saw_eof;  /* 1 once recv() returned 0 */
    atomic_int ended;    /* 1 once it returned result */
    int result;          /* written before ended */
};

static int child_run_end(struct child_run *run, int result)
{
    run->result = result;
    atomic_store(&run->ended, 1);
    return result;
}

/* The test's child: upper-cases whatever arrives until EOF. */
static int upcase_until_eof(int fd, void *arg)
{
    struct child_run *run = arg;
    atomic_store(&run->ran, 1);
    char buf[256];
    for (;;) {
        ssize_t n = recv(fd, buf, sizeof buf, 0);
        if (n == -1 && errno == EINTR)
            continue;
        if (n == 0)
            atomic_store(&run->saw_eof, 1);
        if (n <= 0)
            return child_run_end(run, n == 0 ? 0 : 1);
        for (ssize_t i = 0; i < n; i++)
            buf[i] = (char)toupper((unsigned char)buf[i]);
        if (!raw_send(fd, buf, (size_t)n))
            return child_run_end(run, 1);
    }
}

/* The same, but only when given the marker 42 in its arg. */
static int upcase_if_given_marker(int fd, void *arg)
{
    struct child_run *run = arg;
    if (run->marker != 42) {
        atomic_store(&run->ran, 1);
        return child_run_end(run, 7);
    }
    return upcase_until_eof(fd, run);
}

/* A child function that does nothing but report 3. */
static int exit_with_three(int fd, void *arg)
{
    (void)fd;
    struct child_run *run = arg;
    atomic_store(&run->ran, 1);
    return child_run_end(run, 3);
}

/* Waits up to ms (scaled) for flag to become 1. */
static bool await_flag(atomic_int *flag, int ms)
{
    int limit = grade_timeout_ms(ms);
    for (int waited = 0; waited < limit && !atomic_load(flag); waited += 5)
        pause_ms(5);
    return atomic_load(flag) != 0;
}

START_TEST(socketpair_child_answers_parent)
{
    struct child_run run = {.marker = 42};
    struct us_child child = {.pid = -1, .fd = -1};
    int rc = us_child_start(&child, upcase_if_given_marker, &run);
    REQUIRE_IMPL(rc, "us_child_start");
    ck_assert_msg(rc == 0 && child.pid > 0 && child.fd >= 0,
                  "us_child_start must fill child->pid and child->fd");
    const char msg[] = "through one socketpair";
    must_send(child.fd, msg, strlen(msg));
    char buf[64];
    ssize_t n = raw_recv_exact(child.fd, buf, strlen(msg), WAIT_MS);
    ck_assert_msg(n == (ssize_t)strlen(msg), "the child's answer never came (%zd bytes)", n);
    ck_assert_msg(memcmp(buf, "THROUGH ONE SOCKETPAIR", n) == 0,
                  "the child did not answer on the same socket");
    int status = us_child_finish(&child);
    REQUIRE_IMPL(status, "us_child_finish");
    ck_assert_msg(status != -1, "us_child_finish could not wait for the child");
    ck_assert_msg(atomic_load(&run.ran),
                  "the child function never ran: the child must call fn(its end, arg) with the "
                  "arg given to us_child_start");
    ck_assert_msg(atomic_load(&run.ended) && run.result == 0,
                  "the child function saw no end of file after us_child_finish closed the "
                  "parent's end");
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                  "the child should exit with fn's result, 0; it %s",
                  grade_describe_status(status));

    /* A result other than 0 must come back too: the status is the child's own. */
    struct child_run three = {.marker = 0};
    rc = us_child_start(&child, exit_with_three, &three);
    ck_assert_msg(rc == 0, "us_child_start failed the second time: %s", errno_name(errno));
    status = us_child_finish(&child);
    ck_assert_msg(atomic_load(&three.ran),
                  "the second child never called fn: the child must call fn(its end, arg)");
    ck_assert_msg(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 3,
                  "fn returned 3, so us_child_finish must return the status of a child that "
                  "exited with 3 (from waitpid); it returned %s",
                  status == -1 ? "-1" : grade_describe_status(status));
}
END_TEST

START_TEST(child_sees_eof_when_parent_closes_its_end)
{
    struct child_run run = {.marker = 42};
    struct us_child child = {.pid = -1, .fd = -1};
    int rc = us_child_start(&child, upcase_until_eof, &run);
    REQUIRE_IMPL(rc, "us_child_start");
    ck_assert_msg(rc == 0, "us_child_start failed: %s", errno_name(errno));
    /* The parent's end came here; the student's process must keep nothing. */
    bool have_end = fcntl(child.fd, F_GETFD) != -1;
    char held[256];
    int extra = student_fds(held, sizeof held);
    close(child.fd);
    /* The test's function, called by the child, sees end of file only
     * once no process holds the parent's end any more. */
    bool eof = await_flag(&run.saw_eof, 3000);
    ck_assert_msg(have_end && extra == 0,
                  "after us_child_start the parent holds %d descriptors besides its end (%s); it "
                  "should hold exactly one, its end (close the child's end in the parent)",
                  extra, held);
    ck_assert_msg(eof, "the child never saw end of file after the parent closed its "
                       "end: the child must close the parent's end right after fork()");
    /* The parent's end is closed already: us_child_finish gets a stand-in
     * to close, and waits for the child. */
    child.fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    ck_assert_msg(child.fd != -1, "test setup: open /dev/null: %s", strerror(errno));
    int status = us_child_finish(&child);
    ck_assert_msg(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0, "the child %s",
                  status == -1 ? "could not be waited for" : grade_describe_status(status));
}
END_TEST

/* ---- part 5: peer credentials ------------------------------------------ */

enum { CRED_BAD_PID = 20, CRED_BAD_UID = 21, CRED_BAD_GID = 22 };

START_TEST(peercred_gives_pid_uid_gid_both_ways)
{
    int lfd = raw_listen("c.sock", 16);
    int hold[2];
    ck_assert(pipe(hold) == 0);
    pid_t student;
    pid_t pid = fork_child(&student);
    if (pid == 0) {
        close(hold[1]);
        int fd = raw_connect("c.sock");
        if (fd == -1)
            _exit(CHILD_FAILED);
        struct us_peer peer;
        if (us_peer_credentials(fd, &peer) == -1)
            _exit(errno == ENOSYS ? CHILD_ENOSYS : CHILD_FAILED);
        int result = peer.pid != getppid()  ? CRED_BAD_PID
                     : peer.uid != getuid() ? CRED_BAD_UID
                     : peer.gid != getgid() ? CRED_BAD_GID
                                            : CHILD_OK;
        char byte;
        while (read(hold[0], &byte, 1) == -1 && errno == EINTR)
            ; /* stay connected until the parent has looked */
        _exit(result);
    }
    close(hold[0]);
    bool arrived = wait_readable(lfd, WAIT_MS);
    int conn = arrived ? accept(lfd, NULL, NULL) : -1;
    struct us_peer peer = {.pid = -1};
    errno = 0;
    int rc = conn >= 0 ? us_peer_credentials(conn, &peer) : -1;
    int cred_errno = errno;
    close(hold[1]);
    int status = wait_child_and_student(pid, student, WAIT_MS);
    if (conn >= 0)
        close(conn);
    close(lfd);
    unlink("c.sock");
    ck_assert_msg(conn >= 0, "test setup: the client never connected");
    grade_require_impl(rc, cred_errno, "us_peer_credentials");
    ck_assert_msg(rc == 0, "us_peer_credentials failed: %s", strerror(cred_errno));
    ck_assert_msg(peer.pid == pid,
                  "SO_PEERCRED on the accepted socket must give the client's pid "
                  "%ld; us_peer_credentials said %ld",
                  (long)pid, (long)peer.pid);
    ck_assert_msg(peer.uid == getuid() && peer.gid == getgid(),
                  "the client's uid/gid should be %ld/%ld; us_peer_credentials said %ld/%ld",
                  (long)getuid(), (long)getgid(), (long)peer.uid, (long)peer.gid);
    ck_assert_msg(status != -1 && WIFEXITED(status), "the client %s",
                  status == -1 ? "hung" : grade_describe_status(status));
    ck_assert_msg(WEXITSTATUS(status) != CRED_BAD_PID,
                  "on the client's socket, SO_PEERCRED must give the server's pid (the process "
                  "that called listen())");
    ck_assert_msg(WEXITSTATUS(status) == CHILD_OK,
                  "the client's own us_peer_credentials call failed or gave a wrong uid/gid "
                  "(exit %d)",
                  WEXITSTATUS(status));
}
END_TEST

START_TEST(server_logs_client_pid_and_uid)
{
    struct endpoint at = abstract_endpoint();
    int lfd = endpoint_listen(&at, 16);
    struct server s;
    int log = open_log();
    server_start(&s, lfd, 1, false, 0, log);
    int client = must_connect(&at);
    expect_answer(&s, client, "who am i?");
    close(client);
    server_finish(&s);
    close(lfd);
    char expected[96];
    snprintf(expected, sizeof expected, "pid=%ld uid=%ld gid=%ld", (long)getpid(), (long)getuid(),
             (long)getgid());
    expect_log_mentions(log, expected, "the server must log each client's credentials");
}
END_TEST

START_TEST(same_uid_refuses_other_uids)
{
    struct endpoint at = abstract_endpoint();
    int lfd = endpoint_listen(&at, 16);
    /* The server may let in only allowed_uid: make that a uid we do not have. */
    uid_t other = getuid() + 1;
    struct server s;
    int log = open_log();
    server_start(&s, lfd, 1, true, other, log);
    int stranger = must_connect(&at);
    /* The server may close before these arrive: a failed send is fine here. */
    uint32_t five = htonl(5);
    if (raw_send(stranger, &five, sizeof five))
        raw_send(stranger, "hello", 5);
    expect_closed(&s, stranger,
                  "--same-uid: the server to refuse a client whose uid is not "
                  "allowed_uid (close without an answer)");
    close(stranger);
    server_finish(&s);
    expect_log_mentions(log, "refused", "after refusing a client by uid");

    server_start(&s, lfd, 1, true, getuid(), -1);
    int friend = must_connect(&at);
    expect_answer(&s, friend, "same uid, let me in");
    close(friend);
    server_finish(&s);
    close(lfd);
}
END_TEST

/* ---- part 6: passing a descriptor -------------------------------------- */

static const char FILE_TEXT[] = "the open file travels, not its name\n";

START_TEST(fd_passing_round_trip_reads_file)
{
    write_text_file("passed.txt", FILE_TEXT);
    int fds[2];
    make_pair(fds);
    pid_t student;
    pid_t pid = fork_child(&student);
    if (pid == 0) {
        close(fds[0]);
        int rc = us_send_file(fds[1], "passed.txt");
        _exit(rc == 0 ? CHILD_OK : errno == ENOSYS ? CHILD_ENOSYS : CHILD_FAILED);
    }
    close(fds[1]);
    int fd = -1, recv_errno = 0;
    if (wait_readable(fds[0], WAIT_MS)) {
        fd = us_recv_fd(fds[0]);
        recv_errno = errno;
    }
    int status = wait_child_and_student(pid, student, WAIT_MS);
    close(fds[0]);
    struct stat want, got;
    ck_assert(stat("passed.txt", &want) == 0);
    unlink("passed.txt");
    grade_require_impl(fd, recv_errno, "us_recv_fd");
    ck_assert_msg(status != -1 && WIFEXITED(status), "the sending child %s",
                  status == -1 ? "hung" : grade_describe_status(status));
    if (WEXITSTATUS(status) == CHILD_ENOSYS)
        ck_abort_msg("not implemented yet: us_send_file() returned -1 with ENOSYS; fill in its "
                     "TODO");
    ck_assert_msg(WEXITSTATUS(status) == CHILD_OK, "us_send_file failed in the sending child");
    ck_assert_msg(fd >= 0, "us_recv_fd returned %d (%s)", fd, strerror(recv_errno));
    ck_assert_msg(fstat(fd, &got) == 0 && got.st_ino == want.st_ino && got.st_dev == want.st_dev,
                  "the received descriptor is not the file the sender opened");
    ck_assert_msg(fcntl(fd, F_GETFD) & FD_CLOEXEC,
                  "the received descriptor must be close-on-exec (recvmsg with MSG_CMSG_CLOEXEC)");
    char text[128] = "";
    ssize_t n = read(fd, text, sizeof text - 1);
    close(fd);
    ck_assert_msg(n == (ssize_t)strlen(FILE_TEXT) && strcmp(text, FILE_TEXT) == 0,
                  "reading through the received descriptor gave %zd bytes, not the file", n);
}
END_TEST

/* Sends one byte with two descriptors: more than us_recv_fd takes. */
static void send_two_fds(int sock, int a, int b)
{
    union {
        struct cmsghdr align;
        char buf[CMSG_SPACE(2 * sizeof(int))];
    } control;
    memset(&control, 0, sizeof control);
    char byte = 'x';
    struct iovec iov = {.iov_base = &byte, .iov_len = 1};
    struct msghdr msg = {.msg_iov = &iov,
                         .msg_iovlen = 1,
                         .msg_control = control.buf,
                         .msg_controllen = sizeof control.buf};
    struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(2 * sizeof(int));
    int both[2] = {a, b};
    memcpy(CMSG_DATA(cm), both, sizeof both);
    ck_assert_msg(sendmsg(sock, &msg, 0) == 1, "test setup: sendmsg: %s", strerror(errno));
}

START_TEST(recv_fd_refuses_messages_without_one_fd)
{
    int fds[2];
    make_pair(fds);
    must_send(fds[0], "x", 1);
    errno = 0;
    int fd = us_recv_fd(fds[1]);
    int recv_errno = errno;
    REQUIRE_IMPL(fd, "us_recv_fd");
    ck_assert_msg(fd == -1 && recv_errno == EPROTO,
                  "a byte without a descriptor: us_recv_fd must fail with EPROTO, not %s",
                  fd >= 0 ? "return a descriptor" : errno_name(recv_errno));

    int a = open("/dev/null", O_RDONLY), b = open("/dev/null", O_RDONLY);
    ck_assert(a >= 0 && b >= 0);
    send_two_fds(fds[0], a, b);
    close(a);
    close(b);
    errno = 0;
    fd = us_recv_fd(fds[1]);
    recv_errno = errno;
    if (fd >= 0)
        close(fd);
    char held[256];
    int left = student_fds(held, sizeof held); /* what arrived there and stayed */
    ck_assert_msg(fd == -1 && recv_errno == EPROTO,
                  "two descriptors where one was expected (MSG_CTRUNC): us_recv_fd must fail "
                  "with EPROTO");
    ck_assert_msg(left == 0,
                  "after refusing a message with too many descriptors, %d descriptors were left "
                  "open (%s); close any that arrived",
                  left, held);

    close(fds[0]);
    errno = 0;
    fd = us_recv_fd(fds[1]);
    ck_assert_msg(fd == -1 && errno == EPROTO,
                  "when the peer has closed, us_recv_fd must fail with EPROTO");
    close(fds[1]);
}
END_TEST

START_TEST(failed_connect_and_bind_leave_no_descriptor)
{
    /* What the student's process holds after each failed call is its leak. */
    errno = 0;
    int fd = us_connect("nobody-here.sock");
    int err = errno;
    REQUIRE_IMPL(fd, "us_connect");
    if (fd >= 0)
        close(fd);
    ck_assert_msg(fd == -1 && err == ENOENT,
                  "us_connect() to a path where no file is must fail with ENOENT, got %d (%s)", fd,
                  fd == -1 ? errno_name(err) : "connected");
    ck_assert_msg(student_fds(NULL, 0) == 0,
                  "a failed us_connect() left its socket open: close it on the error path");
    int first = us_dgram_open("taken.sock");
    REQUIRE_IMPL(first, "us_dgram_open");
    ck_assert_msg(first >= 0, "us_dgram_open(\"taken.sock\") failed: %s", errno_name(errno));
    errno = 0;
    int second = us_dgram_open("taken.sock");
    err = errno;
    if (second >= 0)
        close(second);
    int leaked = student_fds(NULL, 0);
    close(first);
    unlink("taken.sock");
    ck_assert_msg(second == -1 && err == EADDRINUSE,
                  "us_dgram_open() of a path already bound must fail with EADDRINUSE, got %d (%s)",
                  second, second == -1 ? errno_name(err) : "a descriptor");
    ck_assert_msg(leaked == 0,
                  "a failed us_dgram_open() left its socket open: close it when bind() fails");
}
END_TEST

START_TEST(datagram_and_fd_calls_retry_eintr)
{
    int receiver, sender;
    open_datagram_pair(&receiver, &sender);
    /* Every 2nd receive fails with EINTR: the first datagram passes, the
     * second meets the signal and must be received on the retry. */
    for (int i = 0; i < 2; i++)
        ck_assert(us_dgram_send(sender, "d.sock", WORDS[i], strlen(WORDS[i])) >= 0);
    ck_assert(wait_readable(receiver, WAIT_MS));
    fault_set(FAULT_IN, (struct fault_plan){.fd = receiver, .fail_every = 2, .fail_errno = EINTR});
    char buf[64];
    ssize_t first = us_dgram_recv(receiver, buf, sizeof buf);
    errno = 0;
    ssize_t second = us_dgram_recv(receiver, buf, sizeof buf);
    int err = errno;
    unsigned long injected = fault_injected(FAULT_IN);
    fault_reset();
    close_datagram_pair(receiver, sender);
    REQUIRE_IMPL(first, "us_dgram_recv");
    ck_assert_msg(injected > 0, "no EINTR was injected into the receives (calls seen: %s)",
                  fault_describe(FAULT_IN));
    ck_assert_msg(first >= 0 && second == (ssize_t)strlen(WORDS[1]),
                  "with EINTR on every 2nd receive, us_dgram_recv returned %zd then %zd (%s): "
                  "retry the receive after EINTR",
                  first, second, second == -1 ? errno_name(err) : "wrong length");

    write_text_file("passed.txt", FILE_TEXT);
    int fds[2];
    make_pair(fds);
    int file = open("passed.txt", O_RDONLY);
    unlink("passed.txt");
    ck_assert(file >= 0);
    fault_set(FAULT_OUT, (struct fault_plan){.fd = fds[0], .fail_every = 2, .fail_errno = EINTR});
    fault_set(FAULT_IN, (struct fault_plan){.fd = fds[1], .fail_every = 2, .fail_errno = EINTR});
    int sent1 = us_send_fd(fds[0], file);
    int sent2 = us_send_fd(fds[0], file);
    int send_err = errno;
    int got1 = us_recv_fd(fds[1]);
    int got2 = us_recv_fd(fds[1]);
    int recv_err = errno;
    unsigned long out_faults = fault_injected(FAULT_OUT), in_faults = fault_injected(FAULT_IN);
    fault_reset();
    close(file);
    if (got1 >= 0)
        close(got1);
    if (got2 >= 0)
        close(got2);
    close(fds[0]);
    close(fds[1]);
    REQUIRE_IMPL(sent1, "us_send_fd");
    ck_assert_msg(out_faults > 0 && in_faults > 0, "no EINTR was injected into sendmsg/recvmsg");
    ck_assert_msg(sent1 == 0 && sent2 == 0,
                  "with EINTR on every 2nd send, us_send_fd returned %d then %d (%s): retry after "
                  "EINTR",
                  sent1, sent2, errno_name(send_err));
    ck_assert_msg(got1 >= 0 && got2 >= 0,
                  "with EINTR on every 2nd receive, us_recv_fd returned %d then %d (%s): retry "
                  "after EINTR",
                  got1, got2, errno_name(recv_err));
}
END_TEST

/*
 * The wait status that tells how a closed-peer test went: the child's own
 * report, or, when it could not report because its call never returned,
 * how its student process ended (adopted: adopt_student_processes()).
 */
static int closed_peer_outcome(pid_t pid, const char *call)
{
    pid_t student = boundary_student_of(pid);
    int status = grade_wait_child(pid, WAIT_MS);
    if (status == -1)
        kill(student, SIGKILL);
    int ended = grade_wait_child(student, WAIT_MS); /* it ends with the child */
    ck_assert_msg(status != -1, "%s() to a closed peer hung", call);
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    if (code != 0 && code != 10 && code != 12 && code != 13 && ended != -1)
        status = ended;
    return status;
}

START_TEST(send_all_to_a_closed_peer_gives_epipe_not_death)
{
    /* In a child of our own, whose student process can die of SIGPIPE. */
    adopt_student_processes();
    pid_t pid = fork();
    ck_assert(pid != -1);
    if (pid == 0) {
        if (agent_set_signal(SIGPIPE, 0) == -1) /* the default: death */
            _exit(12);
        int fds[2];
        if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == -1)
            _exit(12);
        close(fds[1]);
        ssize_t n = us_send_all(fds[0], "anyone there?", 13);
        if (n == -1 && errno == ENOSYS)
            _exit(10);
        _exit(n == -1 && (errno == EPIPE || errno == ECONNRESET) ? 0 : 13);
    }
    int status = closed_peer_outcome(pid, "us_send_all");
    if (WIFEXITED(status) && WEXITSTATUS(status) == 10)
        ck_abort_msg("not implemented yet: us_send_all() returned ENOSYS");
    ck_assert_msg(!WIFSIGNALED(status) || WTERMSIG(status) != SIGPIPE,
                  "us_send_all() to a peer that has closed killed the process with SIGPIPE: "
                  "send with MSG_NOSIGNAL (see us_frame.h)");
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                  "us_send_all() to a closed peer must return -1 with EPIPE; the process %s",
                  grade_describe_status(status));
}
END_TEST

START_TEST(send_fd_to_a_closed_peer_gives_epipe_not_death)
{
    adopt_student_processes();
    pid_t pid = fork();
    ck_assert(pid != -1);
    if (pid == 0) {
        if (agent_set_signal(SIGPIPE, 0) == -1) /* the default: death */
            _exit(12);
        int fds[2];
        if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == -1)
            _exit(12);
        close(fds[1]);
        int rc = us_send_fd(fds[0], STDIN_FILENO);
        if (rc == -1 && errno == ENOSYS)
            _exit(10);
        _exit(rc == -1 && errno == EPIPE ? 0 : 13);
    }
    int status = closed_peer_outcome(pid, "us_send_fd");
    if (WIFEXITED(status) && WEXITSTATUS(status) == 10)
        ck_abort_msg("not implemented yet: us_send_fd() returned ENOSYS");
    ck_assert_msg(!WIFSIGNALED(status) || WTERMSIG(status) != SIGPIPE,
                  "us_send_fd() to a peer that has closed killed the process with SIGPIPE: pass "
                  "MSG_NOSIGNAL to sendmsg(), as a server must never die of one client");
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                  "us_send_fd() to a closed peer must return -1 with EPIPE; the process %s",
                  grade_describe_status(status));
}
END_TEST

START_TEST(fd_passing_leaks_no_descriptors)
{
    write_text_file("passed.txt", FILE_TEXT);
    int fds[2];
    make_pair(fds);
    for (int i = 0; i < 20; i++) {
        int rc = us_send_file(fds[0], "passed.txt");
        if (rc == -1)
            unlink("passed.txt");
        REQUIRE_IMPL(rc, "us_send_file");
        ck_assert_msg(rc == 0, "us_send_file failed: %s", errno_name(errno));
    }
    /* Counted in the student's process: the files in flight are held by the
     * messages, not by the sender. */
    int in_flight = student_fds(NULL, 0);
    for (int i = 0; i < 20; i++) {
        int fd = us_recv_fd(fds[1]);
        if (fd == -1)
            unlink("passed.txt");
        REQUIRE_IMPL(fd, "us_recv_fd");
        ck_assert_msg(fd >= 0, "us_recv_fd failed: %s", errno_name(errno));
        char first[4];
        ck_assert(pread(fd, first, 4, 0) == 4 && memcmp(first, "the ", 4) == 0);
        close(fd);
    }
    int after = student_fds(NULL, 0);
    unlink("passed.txt");
    close(fds[0]);
    close(fds[1]);
    ck_assert_msg(in_flight == 0,
                  "after sending 20 files the sender holds %d more descriptors: us_send_file "
                  "must close its own copy (the message in flight keeps the file open)",
                  in_flight);
    ck_assert_msg(after == 0, "after receiving and closing 20 descriptors, %d remain open",
                  after);
}
END_TEST

int main(int argc, char **argv)
{
    const struct grade_test tests[] = {
        /* part 1 */
        {"address_refuses_paths_longer_than_sun_path", address_refuses_paths_longer_than_sun_path,
         2, 5, "us_address() in us_socket.c: sun_path holds 107 bytes and a NUL"},
        {"listen_in_private_dir_then_connect", listen_in_private_dir_then_connect, 6, 10,
         "us_listen(NULL): names_private_dir, socket, bind, listen; us_connect: socket, connect; "
         "us_listener_close: unlink, close, rmdir"},
        {"stale_socket_file_is_replaced", stale_socket_file_is_replaced, 5, 10,
         "us_listen(): on EADDRINUSE call us_remove_stale(), then bind() again"},
        {"live_socket_is_never_removed", live_socket_is_never_removed, 5, 10,
         "us_remove_stale(): connect() succeeded, so the socket is alive: EADDRINUSE"},
        {"busy_live_server_is_not_waited_for", busy_live_server_is_not_waited_for, 2, 10,
         "us_remove_stale(): probe with a SOCK_NONBLOCK socket; EAGAIN means alive and busy"},
        {"non_socket_files_are_never_removed", non_socket_files_are_never_removed, 4, 10,
         "us_remove_stale(): lstat() first; anything but S_ISSOCK is ENOTSOCK"},
        {"close_keeps_directories_it_did_not_make", close_keeps_directories_it_did_not_make, 3, 10,
         "us_listener_close(): rmdir only listener->dir, which is empty for a given path"},
        {"failed_listen_leaves_no_dir_behind", failed_listen_leaves_no_dir_behind, 3, 10,
         "us_listen(): when socket/bind/listen fails after mkdtemp, rmdir the directory"},
        {"signal_removes_socket_file_and_dir", signal_removes_socket_file_and_dir, 4, 15,
         "us_cleanup_on_signals(): the handler unlinks, rmdirs, then signal(SIG_DFL) and raise"},
        {"trace_shows_server_and_client_call_order", trace_shows_server_and_client_call_order, 3,
         10, "trace_call() each system call by its name, right after making it"},
        /* part 2 */
        {"frame_header_is_4_byte_big_endian_length", frame_header_is_4_byte_big_endian_length, 4, 5,
         "us_send_frame(): htonl(len) in 4 bytes, then the message"},
        {"frames_round_trip_from_empty_to_max_size", frames_round_trip_from_empty_to_max_size, 3,
         10, "us_recv_frame(): 1 and *len for a message (0 bytes is a message), 0 at a clean EOF"},
        {"frames_survive_short_sends_eintr_and_eagain", frames_survive_short_sends_eintr_and_eagain,
         4, 10, "us_send_all(): loop on short sends, retry EINTR, poll() for POLLOUT on EAGAIN"},
        {"frames_survive_short_recvs_eintr_and_eagain", frames_survive_short_recvs_eintr_and_eagain,
         4, 10,
         "us_recv_exact(): loop on short receives, retry EINTR, poll() for POLLIN on EAGAIN"},
        {"send_all_waits_in_poll_while_the_socket_is_full",
         send_all_waits_in_poll_while_the_socket_is_full, 2, 10,
         "us_send_all(): on EAGAIN, poll() for POLLOUT before sending again"},
        {"recv_exact_waits_in_poll_while_nothing_came", recv_exact_waits_in_poll_while_nothing_came,
         2, 10, "us_recv_exact(): on EAGAIN, poll() for POLLIN before receiving again"},
        {"oversized_frame_refused_from_header_alone", oversized_frame_refused_from_header_alone, 5,
         10, "us_recv_frame(): compare the announced length with US_MAX_MESSAGE and cap first"},
        {"truncated_frame_reports_eproto", truncated_frame_reports_eproto, 4, 10,
         "us_recv_frame(): fewer bytes than the header or the length promised is EPROTO"},
        {"serve_client_upcases_each_frame_until_eof", serve_client_upcases_each_frame_until_eof, 4,
         10, "us_serve_client(): recv_frame, toupper each byte, send_frame, until it returns 0"},
        {"server_answers_clients_one_after_another", server_answers_clients_one_after_another, 5,
         15, "us_serve(): accept, fork a child that serves, close our copy, and again"},
        {"an_idle_client_does_not_hold_up_the_next", an_idle_client_does_not_hold_up_the_next, 4,
         15, "us_serve(): each client in a child process (fork); the parent accepts at once"},
        {"oversized_frame_drops_only_that_client", oversized_frame_drops_only_that_client, 5, 15,
         "us_serve(): when us_serve_client fails, log errno_name(errno), close, accept the next"},
        {"truncated_frame_drops_only_that_client", truncated_frame_drops_only_that_client, 4, 15,
         "us_serve(): a truncated frame (EPROTO) ends that connection only"},
        {"client_dying_mid_frame_does_not_stop_server", client_dying_mid_frame_does_not_stop_server,
         4, 15, "us_serve(): a client that dies mid-frame is EPROTO for that connection only"},
        {"client_gone_before_answer_no_sigpipe", client_gone_before_answer_no_sigpipe, 4, 15,
         "us_send_all(): send(..., MSG_NOSIGNAL), so a departed client gives EPIPE, not SIGPIPE"},
        {"server_goes_on_after_a_signal_interrupts_accept",
         server_goes_on_after_a_signal_interrupts_accept, 3, 10,
         "us_serve(): accept() fails with EINTR when a signal arrives; accept again"},
        {"fifty_clients_no_fd_growth", fifty_clients_no_fd_growth, 5, 20,
         "us_serve(): close every accepted descriptor, on every path"},
        /* part 3 */
        {"stream_merges_three_sends_into_one_recv", stream_merges_three_sends_into_one_recv, 4, 10,
         "us_recv_once(): exactly one recv() of up to cap bytes"},
        {"datagrams_keep_three_messages_apart", datagrams_keep_three_messages_apart, 4, 10,
         "us_dgram_open/send/recv: SOCK_DGRAM, bind, sendto the path, one recv per datagram"},
        {"datagram_too_big_is_emsgsize_not_cut", datagram_too_big_is_emsgsize_not_cut, 3, 10,
         "us_dgram_recv(): recv(..., MSG_TRUNC) returns the real length; more than cap: EMSGSIZE"},
        /* part 4 */
        {"socketpair_connects_both_ways", socketpair_connects_both_ways, 3, 5,
         "us_socketpair(): socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, fds)"},
        {"socketpair_child_answers_parent", socketpair_child_answers_parent, 4, 10,
         "us_child_start(): socketpair, fork, the child runs fn(its end, arg) and _exits with it"},
        {"child_sees_eof_when_parent_closes_its_end", child_sees_eof_when_parent_closes_its_end, 4,
         10, "us_child_start(): each process closes the end it does not use, right after fork()"},
        /* part 5 */
        {"peercred_gives_pid_uid_gid_both_ways", peercred_gives_pid_uid_gid_both_ways, 5, 10,
         "us_peer_credentials(): getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &ucred, &len)"},
        {"server_logs_client_pid_and_uid", server_logs_client_pid_and_uid, 3, 15,
         "us_serve(): log \"client N: pid=P uid=U gid=G\" for each accepted client"},
        {"same_uid_refuses_other_uids", same_uid_refuses_other_uids, 4, 15,
         "us_serve(): with same_uid, close at once a client whose uid is not allowed_uid"},
        /* part 6 */
        {"fd_passing_round_trip_reads_file", fd_passing_round_trip_reads_file, 6, 10,
         "us_send_fd/us_recv_fd: sendmsg/recvmsg with one SCM_RIGHTS cmsg and one byte"},
        {"recv_fd_refuses_messages_without_one_fd", recv_fd_refuses_messages_without_one_fd, 3, 10,
         "us_recv_fd(): no SCM_RIGHTS cmsg, MSG_CTRUNC or EOF is EPROTO; close what arrived"},
        {"failed_connect_and_bind_leave_no_descriptor", failed_connect_and_bind_leave_no_descriptor,
         2, 10, "us_connect(), us_dgram_open(): close the socket when connect() or bind() fails"},
        {"datagram_and_fd_calls_retry_eintr", datagram_and_fd_calls_retry_eintr, 2, 10,
         "us_dgram_recv(), us_send_fd(), us_recv_fd(): retry the call after EINTR"},
        {"send_all_to_a_closed_peer_gives_epipe_not_death",
         send_all_to_a_closed_peer_gives_epipe_not_death, 2, 10,
         "us_send_all(): send(..., MSG_NOSIGNAL)"},
        {"send_fd_to_a_closed_peer_gives_epipe_not_death",
         send_fd_to_a_closed_peer_gives_epipe_not_death, 2, 10,
         "us_send_fd(): sendmsg(..., MSG_NOSIGNAL)"},
        {"fd_passing_leaks_no_descriptors", fd_passing_leaks_no_descriptors, 3, 10,
         "us_send_file(): close your own copy after sending; the message keeps the file open"},
    };
    return grade_main(argc, argv, "03-unix-socket", tests, GRADE_COUNT(tests));
}
