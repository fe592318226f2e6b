/*
 * us_test_helpers.c - the helpers lab 03's test files share
 * (us_test_helpers.h says what each does).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "boundary.h"
#include "err.h"
#include "grader.h"
#include "us_dgram.h"
#include "us_serve.h"
#include "us_test_calls.h"
#include "us_test_helpers.h"

const char *const WORDS[3] = {"one", "two", "three"};

/* ---- helpers: the student's processes, seen from outside ---------------- */

/* Descriptors the student's process pid holds between calls (boundary.h);
 * list, when not NULL, names them. */
int fds_of(pid_t pid, char *list, size_t size)
{
    int count = boundary_agent_fds(pid, list, size);
    ck_assert_msg(count >= 0, "test setup: the student's process %ld cannot be looked at",
                  (long)pid);
    return count;
}

/* Descriptors the student's (main) process holds between calls: its leaks. */
int student_fds(char *list, size_t size)
{
    return fds_of(boundary_agent_pid(), list, size);
}

/*
 * The student process made for a test child is forked twice away from the
 * one it copies, so that the student's wait() never meets it. This test
 * process becomes the parent of such orphans, to wait for one and see how
 * it ended (a signal, an exit), as it saw its own child before.
 */
void adopt_student_processes(void)
{
    ck_assert_msg(prctl(PR_SET_CHILD_SUBREAPER, 1) == 0, "test setup: prctl: %s", strerror(errno));
}

/* Forks a test child; *student is the student process made for it, adopted. */
pid_t fork_child(pid_t *student)
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
int wait_child_and_student(pid_t pid, pid_t student, int ms)
{
    int status = grade_wait_child(pid, ms);
    if (status == -1)
        kill(student, SIGKILL);
    grade_wait_child(student, ms);
    return status;
}

/* ---- helpers: the other side, with plain system calls ------------------ */

void make_address(struct sockaddr_un *addr, const char *path)
{
    memset(addr, 0, sizeof *addr);
    addr->sun_family = AF_UNIX;
    ck_assert_msg(strlen(path) < sizeof addr->sun_path, "test setup: path too long");
    strcpy(addr->sun_path, path);
}

struct endpoint path_endpoint(const char *path)
{
    struct endpoint e;
    make_address(&e.addr, path);
    e.len = sizeof e.addr;
    return e;
}

/* A name unique to this test: the grader gives each test its own prefix. */
struct endpoint abstract_endpoint(void)
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
int endpoint_listen(const struct endpoint *e, int backlog)
{
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ck_assert_msg(fd != -1, "test setup: socket: %s", strerror(errno));
    ck_assert_msg(bind(fd, (const struct sockaddr *)&e->addr, e->len) == 0, "test setup: bind: %s",
                  strerror(errno));
    ck_assert_msg(listen(fd, backlog) == 0, "test setup: listen: %s", strerror(errno));
    return fd;
}

int raw_listen(const char *path, int backlog)
{
    struct endpoint e = path_endpoint(path);
    return endpoint_listen(&e, backlog);
}

/* A connected socket, or -1 with errno set. */
int endpoint_connect(const struct endpoint *e)
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

int raw_connect(const char *path)
{
    struct endpoint e = path_endpoint(path);
    return endpoint_connect(&e);
}

int must_connect(const struct endpoint *e)
{
    int fd = endpoint_connect(e);
    ck_assert_msg(fd != -1, "could not connect to the test's listening socket: %s",
                  strerror(errno));
    return fd;
}

/* A stale socket file: bound, then closed without unlink, as after a crash. */
void make_stale_socket(const char *path)
{
    struct sockaddr_un addr;
    make_address(&addr, path);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    ck_assert(fd != -1);
    ck_assert_msg(bind(fd, (struct sockaddr *)&addr, sizeof addr) == 0, "test setup: bind: %s",
                  strerror(errno));
    close(fd);
}

void make_pair(int fds[2])
{
    ck_assert_msg(socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0, "test setup: socketpair: %s",
                  strerror(errno));
}

void close_pair(int fds[2])
{
    close(fds[0]);
    close(fds[1]);
}

/* Sends everything (no SIGPIPE); false when the peer is gone. */
bool raw_send(int fd, const void *buf, size_t len)
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

void must_send(int fd, const void *buf, size_t len)
{
    ck_assert_msg(raw_send(fd, buf, len), "test setup: send: %s", strerror(errno));
}

void raw_send_header(int fd, uint32_t announced)
{
    uint32_t net = htonl(announced);
    must_send(fd, &net, sizeof net);
}

void raw_send_frame(int fd, const char *msg)
{
    raw_send_header(fd, (uint32_t)strlen(msg));
    must_send(fd, msg, strlen(msg));
}

bool wait_readable(int fd, int ms)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    int n;
    while ((n = poll(&p, 1, ms)) == -1 && errno == EINTR)
        ;
    return n > 0;
}

/* Receives len bytes within ms: the count (less at EOF), -1 on error, -2 on timeout. */
ssize_t raw_recv_exact(int fd, void *buf, size_t len, int ms)
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
bool nothing_queued(int fd)
{
    char byte;
    return recv(fd, &byte, 1, MSG_DONTWAIT) == -1 && errno == EAGAIN;
}

/* A NUL-terminated copy of a small file (the caller frees it), or NULL. */
char *read_text_file(const char *path)
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

void write_text_file(const char *path, const char *text)
{
    FILE *out = fopen(path, "we");
    ck_assert_msg(out != NULL, "test setup: fopen %s: %s", path, strerror(errno));
    fputs(text, out);
    ck_assert(fclose(out) == 0);
}

/* Entries in dir, not counting . and .. */
int count_entries(const char *dir)
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

const char *signal_name(int sig)
{
    return sig == SIGTERM ? "SIGTERM" : sig == SIGINT ? "SIGINT" : "the signal";
}

bool exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

/* ---- helpers: a server under test, in a child --------------------------- */

/*
 * Forks a child that runs us_serve(listen_fd, clients, ...) and reports
 * through its exit status (enum child_result). The log, if wanted, goes to
 * log_fd (see open_log()); -1 for none. Fork it before connecting: a client socket open in the test
 * at fork time would be copied into the server, which then never saw EOF.
 * The child's us_serve() runs in a student process of its own, which this
 * test adopts (adopt_student_processes()) to see how it ended if it died.
 */
/* One us_serve() call, made in a thread of the test's child (server_start()). */
struct serve_call {
    int listen_fd, log_fd;
    long clients;
    struct us_serve_values opts;
    long served;
    int err;
};

static void *serve_in_thread(void *arg)
{
    struct serve_call *c = arg;
    c->served = us_serve_with(c->listen_fd, c->clients, c->opts, c->log_fd);
    c->err = errno;
    return NULL;
}

void server_start(struct server *s, int listen_fd, long clients, bool same_uid, uid_t allowed_uid,
                  int log_fd)
{
    s->clients = clients;
    s->reaped = false;
    adopt_student_processes();
    fflush(NULL);
    s->pid = fork();
    ck_assert_msg(s->pid != -1, "test setup: fork failed");
    if (s->pid == 0) {
        struct serve_call c = {
            .listen_fd = listen_fd,
            .log_fd = log_fd,
            .clients = clients,
            .opts = {.given = true, .same_uid = same_uid, .allowed_uid = allowed_uid},
        };
        /* The server's descriptors, counted from outside, in /proc. */
        int before = boundary_agent_fds(boundary_agent_pid(), NULL, 0);
        /* In a thread: if the student's process dies during the call, the
         * call then returns here (boundary.h) and the test explains how
         * that process ended, instead of this child failing on its own. */
        pthread_t t;
        if (pthread_create(&t, NULL, serve_in_thread, &c) != 0 || pthread_join(t, NULL) != 0)
            _exit(CHILD_LOST);
        char why[256];
        if (boundary_failed_elsewhere(why, sizeof why))
            _exit(CHILD_LOST);
        int after = boundary_agent_fds(boundary_agent_pid(), NULL, 0);
        if (c.served == -1)
            _exit(c.err == ENOSYS ? CHILD_ENOSYS : CHILD_FAILED);
        if (c.served != clients)
            _exit(CHILD_WRONG_COUNT);
        _exit(before >= 0 && after == before ? CHILD_OK : CHILD_LEAKED_FDS);
    }
    s->student = boundary_student_of(s->pid);
}

/* True for the exit statuses a test child reports with (enum child_result). */
bool is_child_report(int status)
{
    if (!WIFEXITED(status))
        return false;
    int code = WEXITSTATUS(status);
    return code == CHILD_OK || code == CHILD_ENOSYS || code == CHILD_FAILED ||
           code == CHILD_WRONG_COUNT || code == CHILD_LEAKED_FDS;
}

/* Fails the test with what the server's wait status means, unless it is a clean exit. */
void explain_server_status(const struct server *s)
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
void check_server_alive(struct server *s)
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
void await_server(struct server *s, int fd, const char *waiting_for)
{
    for (int waited = 0; waited < WAIT_MS; waited += 20) {
        if (wait_readable(fd, 20))
            return;
        check_server_alive(s);
    }
    ck_abort_msg("waited %d s for %s; the server never did it", WAIT_MS / 1000, waiting_for);
}

/* Waits for the server to return from us_serve(), and checks how it ended. */
void server_finish(struct server *s)
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

void expect_next_served(struct server *s, const struct endpoint *at, const char *msg)
{
    int next = must_connect(at);
    expect_answer(s, next, msg);
    close(next);
}

void stop_server(struct server *s, int listen_fd)
{
    server_finish(s);
    close(listen_fd);
}

/* Sends msg as a frame and checks that the answer is the same text upper-cased. */
void expect_answer(struct server *s, int fd, const char *msg)
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
void expect_closed(struct server *s, int fd, const char *why)
{
    await_server(s, fd, why);
    char byte;
    ssize_t n = recv(fd, &byte, 1, 0);
    ck_assert_msg(n == 0 || (n == -1 && errno == ECONNRESET),
                  "%s: expected the server to close the connection, but recv() gave %zd (%s)", why,
                  n, n == -1 ? strerror(errno) : "an answer");
}

/* A log file for the server, unlinked at once: it can never be left behind. */
int open_log(void)
{
    int fd = open("server.log", O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    ck_assert_msg(fd != -1, "test setup: open server.log: %s", strerror(errno));
    unlink("server.log");
    return fd;
}

/* Checks that the log holds word, and closes it. */
void expect_log_mentions(int log_fd, const char *word, const char *what)
{
    char log[4096];
    ssize_t n = pread(log_fd, log, sizeof log - 1, 0);
    close(log_fd);
    log[n > 0 ? n : 0] = '\0';
    ck_assert_msg(n > 0, "%s: the server wrote nothing to opts->log", what);
    ck_assert_msg(strstr(log, word) != NULL, "%s: the log should mention \"%s\"; it says:\n%s",
                  what, word, log);
}

/* CPU time the student's process has used, user and system, in seconds. */
double cpu_seconds(void)
{
    double cpu = grade_process_cpu_seconds(boundary_agent_pid());
    ck_assert_msg(cpu >= 0, "test setup: the CPU time of the student's process cannot be read");
    return cpu;
}

double wall_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

void pause_ms(int ms)
{
    struct timespec t = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000};
    while (nanosleep(&t, &t) == -1 && errno == EINTR)
        ;
}

/* Opens the receiving datagram socket d.sock and an unbound sender. */
void open_datagram_pair(int *receiver, int *sender)
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

void close_datagram_pair(int receiver, int sender)
{
    close(receiver);
    close(sender);
    unlink("d.sock");
}
