/*
 * boundary_checker.c - the checker's side of the call boundary (boundary.h,
 * boundary_stub.h): starting the agent, one connection per test thread, a
 * copy of the agent per test child, callbacks, and judging how the student
 * processes ended.
 *
 * Linked into a lab's test binary in place of the student's code, with
 * -Wl,--wrap=fork,--wrap=pthread_create (BOUNDARY_WRAP in the Makefile):
 * a test's fork() or pthread_create() reaches __wrap_fork() and
 * __wrap_pthread_create() here, which give the new child or thread a
 * student process or thread of its own before it runs.
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
#include "boundary_stub.h"
#include "boundary_wire.h"
#include "err.h"
#include "grader.h"
#include "harness.h"

pid_t __real_fork(void);
int __real_pthread_create(pthread_t *thread, const pthread_attr_t *attr,
                          void *(*start)(void *), void *arg);

/* ---- the state of this process ---- */

enum { MAX_MIRRORS = 64, MAX_CALLBACKS = 64, MAX_RENUMBERED = 32 };

static struct {
    pid_t owner;           /* the checker process this state is for (a fork copies it) */
    pid_t main_thread;     /* its first thread: the only one Check may stop */
    pid_t agent;           /* the student process serving it */
    bool agent_is_child;   /* spawned here (so waitpid sees how it ends) */
    int callback_sock;     /* callbacks arrive here */
    bool callback_thread_running;
    /* test children and the student process each got */
    struct {
        pid_t child, agent;
    } mirrors[MAX_MIRRORS];
    int mirror_count;
    /* descriptors that arrived under another number than the agent's */
    struct {
        int ours, theirs;
    } renumbered[MAX_RENUMBERED];
    int renumbered_count;
    char failed_elsewhere[512]; /* a call that failed in another thread */
} proc = {.callback_sock = -1};

static pthread_mutex_t proc_lock = PTHREAD_MUTEX_INITIALIZER;
static __thread int thread_conn = -1;       /* this thread's connection */
static __thread pid_t thread_conn_owner;    /* valid only in this process */
static __thread pid_t thread_callback_pid;  /* in a callback: who called */

/* Callbacks, by id: a student process names one, never an address. */
static struct {
    boundary_callback_fn fn;
    void *arg;
} callbacks[MAX_CALLBACKS];
static int callback_count;

static pid_t self_tid(void)
{
    return (pid_t)syscall(SYS_gettid);
}

/* Fails the test now (main thread), or marks it failed (another thread). */
static void fail_call(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void fail_call(const char *fmt, ...)
{
    char text[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (self_tid() == proc.main_thread && getpid() == proc.owner)
        ck_abort_msg("%s", text);
    pthread_mutex_lock(&proc_lock);
    if (proc.failed_elsewhere[0] == '\0')
        snprintf(proc.failed_elsewhere, sizeof proc.failed_elsewhere, "%s", text);
    pthread_mutex_unlock(&proc_lock);
}

bool boundary_failed_elsewhere(char *why, size_t size)
{
    pthread_mutex_lock(&proc_lock);
    bool failed = proc.failed_elsewhere[0] != '\0';
    if (failed)
        snprintf(why, size, "%s", proc.failed_elsewhere);
    pthread_mutex_unlock(&proc_lock);
    return failed;
}

static int keep_apart(int fd)
{
    int kept = fcntl(fd, F_DUPFD_CLOEXEC, BOUNDARY_FD_FLOOR);
    close(fd);
    return kept;
}

static int make_pair(int sv[2], bool pass_credentials)
{
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1)
        return -1;
    int on = 1;
    if (pass_credentials && setsockopt(sv[0], SOL_SOCKET, SO_PASSCRED, &on, sizeof on) == -1) {
        close(sv[0]);
        close(sv[1]);
        return -1;
    }
    sv[0] = keep_apart(sv[0]);
    return sv[0] == -1 ? -1 : 0;
}

/* Reads the agent's HELLO on conn: its pid, or -1. */
static pid_t await_hello(int conn)
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
    if (make_pair(conn, false) == -1 || make_pair(cbs, true) == -1) {
        snprintf(why, size, "socketpair: %s", errno_name(errno));
        return -1;
    }
    pid_t pid = __real_fork();
    if (pid == -1) {
        snprintf(why, size, "fork: %s", errno_name(errno));
        return -1;
    }
    if (pid == 0) {
        if (dup2(conn[1], AGENT_START_CONN_FD) == -1 ||
            dup2(cbs[1], AGENT_START_CALLBACK_FD) == -1)
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
    pid_t hello = await_hello(conn[0]);
    if (hello != pid) {
        int status = 0;
        waitpid(pid, &status, 0);
        snprintf(why, size, "the program that runs your code (%.300s) did not start: it %s",
                 agent_path, grade_describe_status(status));
        close(conn[0]);
        close(cbs[0]);
        return -1;
    }
    proc.agent = pid;
    proc.agent_is_child = true;
    proc.callback_sock = cbs[0];
    thread_conn = conn[0];
    thread_conn_owner = getpid();
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
    proc.owner = getpid();
    proc.main_thread = self_tid();
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
    return proc.agent;
}

/* This thread's connection; fails the test if it has none. */
static int current_conn(const char *name)
{
    if (thread_conn != -1 && thread_conn_owner == getpid())
        return thread_conn;
    fail_call("%s() was called from a thread or process the checker did not start with "
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
    for (int i = 0; i < proc.renumbered_count; i++) {
        if (proc.renumbered[i].ours == fd)
            return proc.renumbered[i].theirs;
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
static const char *agent_ending(void)
{
    static char text[128];
    if (!proc.agent_is_child)
        return "ended";
    for (int i = 0; i < 100; i++) {
        int status;
        pid_t got = waitpid(proc.agent, &status, WNOHANG);
        if (got == proc.agent) {
            snprintf(text, sizeof text, "%s", grade_describe_status(status));
            proc.agent_is_child = false; /* reaped */
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
    int sent = bmsg_send(c->conn, &c->msg);
    /* What the call takes for good is no longer ours. */
    for (int i = 0; i < c->given_count; i++)
        close(c->given[i]);
    int got = sent == 0 ? bmsg_recv(c->conn, &c->msg) : -1;
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
    if (got == 1)
        fail_call("%s() answered with a reply that makes no sense: something in your code "
                  "wrote on the kit's call channel",
                  c->name);
    else
        fail_call("%s() never returned: the process running your code %s during the call "
                  "(see its output below)",
                  c->name, agent_ending());
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
            pthread_mutex_lock(&proc_lock);
            if (proc.renumbered_count < MAX_RENUMBERED) {
                proc.renumbered[proc.renumbered_count].ours = fd;
                proc.renumbered[proc.renumbered_count++].theirs = number;
            }
            pthread_mutex_unlock(&proc_lock);
        }
    }
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
        fail_call("%s() answered with a reply that makes no sense: something in your code "
                  "wrote on the kit's call channel",
                  c->name);
    harness_called(c->name);
    errno = c->err;
}

/* ---- callbacks ---- */

struct callback_job {
    boundary_callback_fn fn;
    void *arg;
    int fd, reply;
    pid_t caller;
};

pid_t boundary_callback_pid(void)
{
    return thread_callback_pid;
}

static void *run_callback(void *arg)
{
    struct callback_job *job = arg;
    thread_callback_pid = job->caller;
    int result = job->fn(job->fd, job->arg);
    if (job->fd != -1)
        close(job->fd);
    struct bmsg m;
    bmsg_init(&m);
    bmsg_put_i64(&m, result);
    bmsg_send(job->reply, &m); /* a caller that is gone needs no answer */
    bmsg_free(&m);
    close(job->reply);
    free(job);
    return NULL;
}

/* Receives callback requests and runs each in a thread of its own, as each
 * ran in a process of its own before: they may block, and overlap. */
static void *serve_callbacks(void *unused)
{
    (void)unused;
    struct bmsg m;
    bmsg_init(&m);
    while (bmsg_recv(proc.callback_sock, &m) == 1) {
        int number;
        bool cloexec;
        if (bmsg_get_i64(&m) != BOUNDARY_CALLBACK)
            continue;
        int64_t id = bmsg_get_i64(&m);
        int fd = bmsg_get_fd(&m, &number, &cloexec);
        int reply = bmsg_get_fd(&m, &number, &cloexec);
        bool known = id >= 0 && id < callback_count;
        if (m.bad || reply == -1 || !known) {
            if (fd != -1)
                close(fd);
            if (reply != -1)
                close(reply); /* the caller sees no answer: -1 */
            continue;
        }
        struct callback_job *job = malloc(sizeof *job);
        pthread_t t;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        if (job != NULL) {
            *job = (struct callback_job){callbacks[id].fn, callbacks[id].arg, fd, reply, m.pid};
            if (__real_pthread_create(&t, &attr, run_callback, job) == 0)
                job = NULL;
        }
        if (job != NULL) {
            close(fd);
            close(reply);
            free(job);
        }
        pthread_attr_destroy(&attr);
    }
    bmsg_free(&m);
    return NULL;
}

static void start_callback_thread(void)
{
    if (proc.callback_thread_running || proc.callback_sock == -1)
        return;
    pthread_t t;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    if (__real_pthread_create(&t, &attr, serve_callbacks, NULL) == 0)
        proc.callback_thread_running = true;
    pthread_attr_destroy(&attr);
}

int64_t boundary_callback_id(boundary_callback_fn fn, void *arg)
{
    if (fn == NULL)
        return -1;
    pthread_mutex_lock(&proc_lock);
    int64_t id = -1;
    for (int i = 0; i < callback_count && id == -1; i++) {
        if (callbacks[i].fn == fn && callbacks[i].arg == arg)
            id = i;
    }
    if (id == -1 && callback_count < MAX_CALLBACKS) {
        callbacks[callback_count].fn = fn;
        callbacks[callback_count].arg = arg;
        id = callback_count++;
    }
    start_callback_thread();
    pthread_mutex_unlock(&proc_lock);
    return id;
}

/* ---- test children and test threads ---- */

/* Sends a FORK or THREAD request with these sockets; 0 when the agent did it. */
static int ask_agent(int conn, enum boundary_kind kind, int a, int b)
{
    struct bmsg m;
    bmsg_init(&m);
    bmsg_put_i64(&m, kind);
    bmsg_put_fd(&m, a);
    if (b != -1)
        bmsg_put_fd(&m, b);
    int ok = bmsg_send(conn, &m) == 0 && bmsg_recv(conn, &m) == 1 &&
             bmsg_get_i64(&m) == BOUNDARY_DONE && bmsg_get_i64(&m) == 0 && !m.bad;
    bmsg_free(&m);
    return ok ? 0 : -1;
}

pid_t __wrap_fork(void)
{
    int conn = thread_conn_owner == getpid() ? thread_conn : -1;
    if (conn == -1)
        return __real_fork(); /* no agent here: a plain fork */
    int copy_conn[2], copy_callbacks[2];
    if (make_pair(copy_conn, false) == -1)
        return -1;
    if (make_pair(copy_callbacks, true) == -1) {
        close(copy_conn[0]), close(copy_conn[1]);
        return -1;
    }
    pid_t copy = -1;
    if (ask_agent(conn, BOUNDARY_FORK, copy_conn[1], copy_callbacks[1]) == 0)
        copy = await_hello(copy_conn[0]);
    close(copy_conn[1]);
    close(copy_callbacks[1]);
    if (copy == -1) {
        close(copy_conn[0]), close(copy_callbacks[0]);
        fail_call("fork(): the process running your code could not be copied for the test's "
                  "child (it %s)",
                  agent_ending());
        errno = EAGAIN;
        return -1;
    }
    bool had_callbacks = proc.callback_thread_running;
    pid_t pid = __real_fork();
    if (pid == 0) {
        /* The child: its own student process, sockets and tables. */
        close(proc.callback_sock);
        close(thread_conn);
        proc.owner = getpid();
        proc.main_thread = self_tid();
        proc.agent = copy;
        proc.agent_is_child = false;
        proc.callback_sock = copy_callbacks[0];
        proc.callback_thread_running = false;
        proc.mirror_count = 0;
        thread_conn = copy_conn[0];
        thread_conn_owner = getpid();
        if (had_callbacks)
            start_callback_thread();
        return 0;
    }
    close(copy_conn[0]);
    close(copy_callbacks[0]);
    if (pid == -1) {
        kill(copy, SIGKILL);
        return -1;
    }
    pthread_mutex_lock(&proc_lock);
    if (proc.mirror_count < MAX_MIRRORS) {
        proc.mirrors[proc.mirror_count].child = pid;
        proc.mirrors[proc.mirror_count++].agent = copy;
    }
    pthread_mutex_unlock(&proc_lock);
    return pid;
}

pid_t boundary_student_of(pid_t child)
{
    pid_t agent = 0;
    pthread_mutex_lock(&proc_lock);
    for (int i = 0; i < proc.mirror_count; i++) {
        if (proc.mirrors[i].child == child)
            agent = proc.mirrors[i].agent;
    }
    pthread_mutex_unlock(&proc_lock);
    return agent;
}

struct thread_start {
    void *(*start)(void *);
    void *arg;
    int conn;
};

static pthread_key_t conn_key;
static pthread_once_t conn_key_once = PTHREAD_ONCE_INIT;

static void close_thread_conn(void *value)
{
    close((int)(intptr_t)value - 1);
}

static void make_conn_key(void)
{
    pthread_key_create(&conn_key, close_thread_conn);
}

static void *thread_begins(void *arg)
{
    struct thread_start s = *(struct thread_start *)arg;
    free(arg);
    thread_conn = s.conn;
    thread_conn_owner = getpid();
    /* Closed when the thread ends: its student thread then ends too. */
    pthread_setspecific(conn_key, (void *)(intptr_t)(s.conn + 1));
    return s.start(s.arg);
}

int __wrap_pthread_create(pthread_t *thread, const pthread_attr_t *attr,
                          void *(*start)(void *), void *arg)
{
    int conn = thread_conn_owner == getpid() ? thread_conn : -1;
    if (conn == -1)
        return __real_pthread_create(thread, attr, start, arg);
    pthread_once(&conn_key_once, make_conn_key);
    int pair[2];
    if (make_pair(pair, false) == -1)
        return EAGAIN;
    int asked = ask_agent(conn, BOUNDARY_THREAD, pair[1], -1);
    close(pair[1]);
    struct thread_start *s = malloc(sizeof *s);
    if (asked == -1 || s == NULL) {
        close(pair[0]);
        free(s);
        return EAGAIN;
    }
    *s = (struct thread_start){start, arg, pair[0]};
    int rc = __real_pthread_create(thread, attr, thread_begins, s);
    if (rc != 0) {
        close(pair[0]);
        free(s);
    }
    return rc;
}

/* ---- looking at student processes from outside ---- */

int boundary_agent_fds(pid_t pid, char *list, size_t size)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld/fd", (long)pid);
    DIR *d = opendir(path);
    if (d == NULL)
        return -1;
    if (list != NULL && size > 0)
        list[0] = '\0';
    int count = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        int fd = atoi(e->d_name);
        if (fd <= STDERR_FILENO || fd >= BOUNDARY_FD_FLOOR)
            continue;
        count++;
        if (list != NULL && strlen(list) + 64 < size) {
            char link[128], target[96];
            snprintf(link, sizeof link, "%s/%d", path, fd);
            ssize_t n = readlink(link, target, sizeof target - 1);
            target[n > 0 ? n : 0] = '\0';
            snprintf(list + strlen(list), size - strlen(list), "%s%d -> %s", count > 1 ? ", " : "",
                     fd, target);
        }
    }
    closedir(d);
    return count;
}

/* ---- the end of a test ---- */

/* A sentence for how the student process ended, or NULL when it ended well. */
static const char *judge_ending(int status)
{
    static char text[256];
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return NULL;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 66)
        return "ThreadSanitizer reported a data race in your code (the report is in the output)";
    if (WIFEXITED(status) && WEXITSTATUS(status) == 23)
        return "LeakSanitizer found memory your code allocated and never freed (see the output)";
    if (WIFEXITED(status))
        snprintf(text, sizeof text,
                 "the process running your code exited with status %d when the test ended "
                 "(a sanitizer's report, or an exit() in your code? see the output)",
                 WEXITSTATUS(status));
    else
        snprintf(text, sizeof text, "the process running your code %s",
                 grade_describe_status(status));
    return text;
}

int boundary_finish(char *why, size_t size)
{
    why[0] = '\0';
    if (proc.agent <= 0 || getpid() != proc.owner)
        return 0;
    char list[512];
    int leaked = proc.agent_is_child ? boundary_agent_fds(proc.agent, list, sizeof list) : 0;
    if (leaked > 0)
        snprintf(why, size,
                 "your code left %d descriptor(s) open in its process after its calls "
                 "returned: %s; close what you open (on every error path too)",
                 leaked, list);
    /* The copies made for test children end with them; any still here now. */
    for (int i = 0; i < proc.mirror_count; i++)
        kill(proc.mirrors[i].agent, SIGKILL);
    /* They are not our children: wait (up to 0.2 s) until their reaper has
     * them, so that none is still a zombie when the judge looks. */
    for (int i = 0; i < proc.mirror_count; i++) {
        for (int tries = 0; tries < 200 && kill(proc.mirrors[i].agent, 0) == 0; tries++) {
            struct timespec t = {0, 1000 * 1000};
            nanosleep(&t, NULL);
        }
    }
    proc.mirror_count = 0;
    if (thread_conn != -1 && thread_conn_owner == getpid())
        close(thread_conn);
    thread_conn = -1;
    if (!proc.agent_is_child)
        return why[0] ? -1 : 0;
    /* It exits once its connection closes; sanitizers report on the way. */
    int status = 0;
    pid_t got = 0;
    for (int i = 0; i < 500 && got == 0; i++) {
        got = waitpid(proc.agent, &status, WNOHANG);
        if (got == 0) {
            struct timespec t = {0, 10 * 1000 * 1000};
            nanosleep(&t, NULL);
        }
    }
    if (got == 0) {
        kill(proc.agent, SIGKILL);
        waitpid(proc.agent, &status, 0);
        if (why[0] == '\0')
            snprintf(why, size,
                     "the process running your code did not end within 5 s of the test's end "
                     "(a thread of yours still running, or a handler that blocks exit?)");
        return -1;
    }
    proc.agent_is_child = false;
    const char *ending = got == proc.agent ? judge_ending(status) : NULL;
    if (ending != NULL && why[0] == '\0')
        snprintf(why, size, "%s", ending);
    return why[0] ? -1 : 0;
}
