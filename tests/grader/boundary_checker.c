/*
 * boundary_checker.c - the checker's side of the call boundary (boundary.h,
 * boundary_stub.h): starting the agent and making calls. The rest of the
 * checker's side: callbacks (boundary_callbacks.c), test children and
 * threads (boundary_family.c), the end of a test (boundary_end.c); the
 * state they share is in boundary_checker.h.
 */
#define _GNU_SOURCE /* dup3(), F_DUPFD_CLOEXEC, setresuid(), gettid() */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/kcmp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "boundary.h"
#include "boundary_checker.h"
#include "boundary_stub.h"
#include "boundary_wire.h"
#include "err.h"
#include "grader.h"
#include "harness.h"

/* ---- the state of this process ---- */

struct checker_state boundary_state = {.callback_sock = -1};
pthread_mutex_t boundary_lock = PTHREAD_MUTEX_INITIALIZER;
__thread int boundary_conn = -1;
__thread pid_t boundary_conn_peer;
__thread pid_t boundary_conn_owner;

pid_t boundary_self_tid(void)
{
    return (pid_t)syscall(SYS_gettid);
}

void boundary_fail_call(const char *fmt, ...)
{
    char text[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (boundary_self_tid() == boundary_state.main_thread && getpid() == boundary_state.owner)
        ck_abort_msg("%s", text);
    pthread_mutex_lock(&boundary_lock);
    if (boundary_state.failed_elsewhere[0] == '\0')
        snprintf(boundary_state.failed_elsewhere, sizeof boundary_state.failed_elsewhere, "%s",
                 text);
    pthread_mutex_unlock(&boundary_lock);
}

bool boundary_failed_elsewhere(char *why, size_t size)
{
    pthread_mutex_lock(&boundary_lock);
    bool failed = boundary_state.failed_elsewhere[0] != '\0';
    if (failed)
        snprintf(why, size, "%s", boundary_state.failed_elsewhere);
    pthread_mutex_unlock(&boundary_lock);
    return failed;
}

int boundary_keep_apart(int fd)
{
    int kept = fcntl(fd, F_DUPFD_CLOEXEC, BOUNDARY_FD_FLOOR);
    close(fd);
    return kept;
}

int boundary_make_pair(int sv[2], bool pass_credentials)
{
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1)
        return -1;
    int on = 1;
    if (pass_credentials && setsockopt(sv[0], SOL_SOCKET, SO_PASSCRED, &on, sizeof on) == -1) {
        close(sv[0]);
        close(sv[1]);
        return -1;
    }
    sv[0] = boundary_keep_apart(sv[0]);
    return sv[0] == -1 ? -1 : 0;
}

/* Reads the agent's HELLO on conn: its pid, or -1. */
pid_t boundary_await_hello(int conn)
{
    struct bmsg m;
    bmsg_init(&m);
    pid_t pid = -1;
    if (bmsg_recv(conn, &m) == 1 && bmsg_get_i64(&m) == BOUNDARY_HELLO) {
        int64_t got = bmsg_get_i64(&m);
        if (!m.bad && got > 0)
            pid = (pid_t)got;
    }
    bmsg_free(&m);
    return pid;
}

/* ---- the student's uid ---- */

int boundary_become_student(void)
{
    const char *text = getenv("IPC_KIT_STUDENT_UID");
    if (text == NULL || geteuid() != 0)
        return 0; /* the same uid as the checker: a user's own make grade */
    char *end;
    long uid = strtol(text, &end, 10);
    if (*end != '\0' || uid <= 0) {
        errno = EINVAL;
        return -1;
    }
    if (setgroups(0, NULL) == -1 || setresgid((gid_t)uid, (gid_t)uid, (gid_t)uid) == -1 ||
        setresuid((uid_t)uid, (uid_t)uid, (uid_t)uid) == -1)
        return -1;
    return 0;
}

/* ---- starting the agent ---- */

static char agent_path[PATH_MAX];

/* agent_LAB beside this binary, unless IPC_KIT_AGENT names another. */
static void find_agent(const char *lab)
{
    const char *forced = getenv("IPC_KIT_AGENT");
    if (forced != NULL) {
        snprintf(agent_path, sizeof agent_path, "%s", forced);
        return;
    }
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) {
        snprintf(agent_path, sizeof agent_path, "./agent_%s", lab);
        return;
    }
    self[n] = '\0';
    char *slash = strrchr(self, '/');
    if (slash != NULL)
        *slash = '\0';
    /* A path too long to hold is cut, and then simply not found. */
    int n_written = snprintf(agent_path, sizeof agent_path, "%.3000s/agent_%.64s", self, lab);
    (void)n_written;
}

/* Starts the agent; returns 0, or -1 with a sentence in why. */
static int spawn_agent(char *why, size_t size)
{
    int conn[2], cbs[2];
    if (boundary_make_pair(conn, true) == -1 || boundary_make_pair(cbs, true) == -1) {
        snprintf(why, size, "socketpair: %s", errno_name(errno));
        return -1;
    }
    pid_t pid = __real_fork();
    if (pid == -1) {
        snprintf(why, size, "fork: %s", errno_name(errno));
        return -1;
    }
    if (pid == 0) {
        if (dup2(conn[1], AGENT_START_CONN_FD) == -1 || dup2(cbs[1], AGENT_START_CALLBACK_FD) == -1)
            _exit(126);
        close_range(AGENT_START_CALLBACK_FD + 1, ~0U, 0);
        if (boundary_become_student() == -1) {
            fprintf(stderr, "checker: taking the student's uid: %s\n", errno_name(errno));
            _exit(126);
        }
        prctl(PR_SET_PDEATHSIG, SIGKILL); /* after the uid change, which clears it */
        char *argv[] = {agent_path, NULL};
        execv(agent_path, argv);
        fprintf(stderr, "checker: cannot run %s: %s\n", agent_path, errno_name(errno));
        _exit(127);
    }
    close(conn[1]);
    close(cbs[1]);
    pid_t hello = boundary_await_hello(conn[0]);
    if (hello != pid) {
        int status = 0;
        waitpid(pid, &status, 0);
        snprintf(why, size, "the program that runs your code (%.300s) did not start: it %s",
                 agent_path, grade_describe_status(status));
        close(conn[0]);
        close(cbs[0]);
        return -1;
    }
    boundary_state.agent = pid;
    boundary_state.agent_is_child = true;
    boundary_state.callback_sock = cbs[0];
    boundary_conn = conn[0];
    boundary_conn_owner = getpid();
    boundary_conn_peer = pid;
    return 0;
}

/*
 * As root with a student uid (the judge's checker, contain.h): files this
 * process makes or opens are the student's, as if the test ran as them;
 * its uid stays 0, so no student process may signal, trace or read it.
 * (execve() resets the file uid, so it is set here, after it.)
 */
static int take_students_files(void)
{
    const char *text = getenv("IPC_KIT_STUDENT_UID");
    if (text == NULL || geteuid() != 0)
        return 0;
    uid_t uid = (uid_t)strtoul(text, NULL, 10);
    /* setfsuid() answers with the old value, never an error: asked again to check. */
    setfsgid((gid_t)uid);
    setfsuid(uid);
    if (setfsgid((gid_t)-1) != (int)uid || setfsuid((uid_t)-1) != (int)uid) {
        fprintf(stderr, "checker: setfsuid(%lu) did not take\n", (unsigned long)uid);
        return -1;
    }
    return 0;
}

int boundary_start(const char *lab)
{
    if (take_students_files() == -1)
        return -1;
    boundary_state.owner = getpid();
    boundary_state.main_thread = boundary_self_tid();
    find_agent(lab);
    char why[512];
    if (spawn_agent(why, sizeof why) == -1) {
        fprintf(stderr, "checker: %s\n", why);
        return -1;
    }
    return 0;
}

pid_t boundary_agent_pid(void)
{
    return boundary_state.agent;
}

/* This thread's connection; fails the test if it has none. */
static int current_conn(const char *name)
{
    if (boundary_conn != -1 && boundary_conn_owner == getpid())
        return boundary_conn;
    boundary_fail_call(
        "%s() was called from a thread or process the checker did not start with "
        "pthread_create() or fork() (a grader bug: grade again, and tell the instructor)",
        name);
    return -1;
}

/* ---- calls ---- */

/* The checker's open descriptors below BOUNDARY_BUSY_MAX, as a bitmap: one poll(). */
static void busy_numbers(unsigned char *bits)
{
    struct pollfd p[BOUNDARY_BUSY_MAX];
    for (int fd = 0; fd < BOUNDARY_BUSY_MAX; fd++)
        p[fd] = (struct pollfd){.fd = fd, .events = 0};
    memset(bits, 0, BOUNDARY_BUSY_MAX / 8);
    if (poll(p, BOUNDARY_BUSY_MAX, 0) == -1)
        return;
    for (int fd = 0; fd < BOUNDARY_BUSY_MAX; fd++) {
        if (!(p[fd].revents & POLLNVAL))
            bits[fd / 8] |= (unsigned char)(1u << (fd % 8));
    }
}

void bcall_begin(struct bcall *c, int index, const char *name)
{
    memset(c, 0, sizeof *c);
    bmsg_init(&c->msg);
    c->name = name;
    c->conn = -1;
    unsigned char busy[BOUNDARY_BUSY_MAX / 8];
    busy_numbers(busy);
    bmsg_put_i64(&c->msg, BOUNDARY_CALL);
    bmsg_put_i64(&c->msg, index);
    bmsg_put_bytes(&c->msg, busy, sizeof busy);
}

/* The number the agent knows our descriptor fd by. */
static int their_number(int fd)
{
    for (int i = 0; i < boundary_state.renumbered_count; i++) {
        if (boundary_state.renumbered[i].ours == fd)
            return boundary_state.renumbered[i].theirs;
    }
    return fd;
}

void bcall_put_fd(struct bcall *c, int fd, bool give)
{
    /* Standard input, output and error are the agent's own: never lent
     * (a struct not filled yet may hold 0 in a descriptor field). */
    if (fd >= 0 && fd <= STDERR_FILENO) {
        bmsg_put_fd_as(&c->msg, -1, fd);
        return;
    }
    bmsg_put_fd_as(&c->msg, fd, their_number(fd));
    if (give && fd >= 0 && fcntl(fd, F_GETFD) != -1 && c->given_count < BMSG_MAX_FDS)
        c->given[c->given_count++] = fd;
}

/* How the agent ended, for a message: waits briefly when it is our child. */
const char *boundary_agent_ending(void)
{
    static char text[128];
    if (!boundary_state.agent_is_child)
        return "ended";
    for (int i = 0; i < 30; i++) { /* a process that is dying ends within 0.3 s */
        int status;
        pid_t got = waitpid(boundary_state.agent, &status, WNOHANG);
        if (got == boundary_state.agent) {
            if (WIFEXITED(status) && WEXITSTATUS(status) == 66)
                snprintf(text, sizeof text,
                         "was stopped by ThreadSanitizer (a data race: its "
                         "report is in the output)");
            else
                snprintf(text, sizeof text, "%s%s", WIFSIGNALED(status) ? "was " : "",
                         grade_describe_status(status));
            boundary_state.agent_is_child = false; /* reaped */
            return text;
        }
        if (got == -1)
            break;
        struct timespec t = {0, 10 * 1000 * 1000};
        nanosleep(&t, NULL);
    }
    return "stopped answering";
}

void bcall_run(struct bcall *c)
{
    c->conn = current_conn(c->name);
    if (c->conn == -1) {
        c->ret = -1;
        c->err = ECONNABORTED;
        return;
    }
    boundary_callbacks_seen(); /* and what the test did so far, before any callback of this call */
    int sent = bmsg_send(c->conn, &c->msg);
    /* What the call takes for good is no longer ours. */
    for (int i = 0; i < c->given_count; i++)
        close(c->given[i]);
    int got = sent == 0 ? bmsg_recv(c->conn, &c->msg) : -1;
    bool nonsense = got == -1 && (errno == EPROTO || errno == EMSGSIZE);
    /* A lab function returns in the process that called it: an answer
     * from another one (a child that carried on after its parent ended)
     * is no return at all. The kernel names the sender (SO_PASSCRED). */
    if (got == 1 && c->msg.pid != boundary_conn_peer) {
        c->ret = -1;
        c->err = ECONNABORTED;
        pid_t from = c->msg.pid;
        bmsg_reset(&c->msg);
        boundary_fail_call(
            "%s() answered from process %ld, not from the process that called it (%ld), "
            "which %s: a lab function returns where it was called, and never ends its "
            "caller's process",
            c->name, (long)from, (long)boundary_conn_peer, boundary_agent_ending());
        return;
    }
    boundary_callbacks_seen();
    if (got == 1 && bmsg_get_i64(&c->msg) == BOUNDARY_RETURN) {
        c->ret = bmsg_get_i64(&c->msg);
        c->err = (int)bmsg_get_i64(&c->msg);
        if (!c->msg.bad)
            return;
    }
    c->ret = -1;
    c->err = ECONNABORTED;
    c->msg.bad = false; /* said here; bcall_end() need not say it again */
    bmsg_reset(&c->msg);
    /* A test's watchdog (grader.h) may be what stopped it: its words say why. */
    const char *stalled =
        boundary_self_tid() == boundary_state.main_thread ? grade_watch_stop() : NULL;
    if (got == 1 || nonsense)
        boundary_fail_call("%s() answered with a reply that makes no sense: something in your code "
                           "wrote on the kit's call channel",
                           c->name);
    else if (stalled != NULL)
        boundary_fail_call("%s() never returned: %s; the process running your code was stopped",
                           c->name, stalled);
    else
        boundary_fail_call("%s() never returned: the process running your code %s during the call "
                           "(see its output below)",
                           c->name, boundary_agent_ending());
}

void bcall_take_bytes(struct bcall *c, void *p, size_t size)
{
    size_t len;
    const void *bytes = bmsg_get_bytes(&c->msg, &len);
    if (bytes != NULL && p != NULL)
        memcpy(p, bytes, len < size ? len : size);
}

static bool same_file(int a, int b)
{
    pid_t self = getpid();
    return syscall(SYS_kcmp, self, self, KCMP_FILE, a, b) == 0;
}

void bcall_take_fd(struct bcall *c, int *where)
{
    int number;
    bool cloexec;
    int fd = bmsg_get_fd(&c->msg, &number, &cloexec);
    int result = number;
    bmsg_numbers_lock();
    if (fd != -1 && fd == number) {
        fcntl(fd, F_SETFD, cloexec ? FD_CLOEXEC : 0); /* it came in at its own number */
    } else if (fd != -1) {
        if (number > STDERR_FILENO && number < BOUNDARY_FD_FLOOR && fcntl(number, F_GETFD) == -1 &&
            dup3(fd, number, cloexec ? O_CLOEXEC : 0) == number) {
            close(fd); /* the agent's number is free here: the usual case */
        } else if (number > STDERR_FILENO && number < BOUNDARY_FD_FLOOR && same_file(number, fd)) {
            close(fd); /* we have it already under that number */
        } else {
            /* Taken here meanwhile (another thread): keep it apart, and
             * remember which number the agent knows it by. */
            fcntl(fd, F_SETFD, cloexec ? FD_CLOEXEC : 0);
            result = fd;
            pthread_mutex_lock(&boundary_lock);
            if (boundary_state.renumbered_count < MAX_RENUMBERED) {
                boundary_state.renumbered[boundary_state.renumbered_count].ours = fd;
                boundary_state.renumbered[boundary_state.renumbered_count++].theirs = number;
            }
            pthread_mutex_unlock(&boundary_lock);
        }
    }
    bmsg_numbers_unlock();
    if (where != NULL)
        *where = result;
    else if (fd != -1)
        close(result);
}

const char *bcall_take_string(struct bcall *c)
{
    static __thread char buffers[8][512];
    static __thread unsigned next;
    size_t len;
    const char *s = bmsg_get_bytes(&c->msg, &len);
    if (s == NULL || c->ret == 0)
        return NULL;
    char *copy = buffers[next++ % 8];
    snprintf(copy, sizeof buffers[0], "%.*s", (int)(len ? len - 1 : 0), s);
    return copy;
}

void bcall_end(struct bcall *c)
{
    bool bad = c->msg.bad;
    bmsg_free(&c->msg);
    if (bad)
        boundary_fail_call("%s() answered with a reply that makes no sense: something in your code "
                           "wrote on the kit's call channel",
                           c->name);
    harness_called(c->name);
    errno = c->err;
}
