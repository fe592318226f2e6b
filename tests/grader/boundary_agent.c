/*
 * boundary_agent.c - the agent: the program that runs the student's code for
 * the checker (boundary.h). Linked with the student's objects and the lab's
 * tests/NN/calls.c built with -DBOUNDARY_AGENT, which gives agent_calls[].
 *
 * It serves one connection per checker thread, one request at a time:
 * a CALL runs the student's function and answers with what it returned;
 * FORK makes a copy of this process for a test child; THREAD starts a
 * thread for a new test thread. It decides nothing: it cannot, since the
 * checker believes only what it measures itself.
 */
#define _GNU_SOURCE /* close_range(), dup3(), F_DUPFD_CLOEXEC */
#include <errno.h>
#include <fcntl.h>
#include <linux/kcmp.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "boundary_serve.h"
#include "err.h"
#include "boundary_wire.h"

static int null_fd = -1;     /* our /dev/null: what holds a checker's busy number */
static int callback_fd = -1; /* where callbacks go out */

/* ---- descriptors ---- */

/* True when a and b are the same open file (the same description). */
static bool same_file(int a, int b)
{
    pid_t self = getpid();
    long r = syscall(SYS_kcmp, self, self, KCMP_FILE, a, b);
    if (r == 0)
        return true;
    if (r > 0 || (errno != ENOSYS && errno != EPERM))
        return false;
    struct stat sa, sb; /* no kcmp: the same file, at least */
    return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

static bool is_open(int fd)
{
    return fd >= 0 && fcntl(fd, F_GETFD) != -1;
}

/* Moves fd up to our own range; returns the new number, or -1. */
static int keep_apart(int fd)
{
    int kept = fcntl(fd, F_DUPFD_CLOEXEC, BOUNDARY_FD_FLOOR);
    close(fd);
    return kept;
}

/* ---- what a server asks of its frame (boundary_serve.h) ---- */

struct scratch_header {
    size_t size;
    max_align_t align[]; /* the bytes, aligned for any type */
};

static void *scratch(struct agent_frame *f, size_t size)
{
    if (f->scratch_count == AGENT_FRAME_SCRATCH) {
        f->in->bad = true;
        return NULL;
    }
    struct scratch_header *h = calloc(1, sizeof *h + (size ? size : 1));
    if (h == NULL) {
        f->in->bad = true;
        return NULL;
    }
    h->size = size;
    f->scratch[f->scratch_count++] = h;
    return h->align;
}

void agent_get_value(struct agent_frame *f, void *p, size_t size)
{
    size_t len;
    const void *bytes = bmsg_get_bytes(f->in, &len);
    if (bytes == NULL || len != size) {
        f->in->bad = true;
        memset(p, 0, size);
        return;
    }
    memcpy(p, bytes, size);
}

void *agent_get_copy(struct agent_frame *f, size_t *len)
{
    size_t n;
    const void *bytes = bmsg_get_bytes(f->in, &n);
    if (len != NULL)
        *len = n;
    if (bytes == NULL)
        return NULL;
    void *copy = scratch(f, n);
    if (copy != NULL)
        memcpy(copy, bytes, n);
    return copy;
}

const char *agent_get_string(struct agent_frame *f)
{
    size_t n;
    const char *s = agent_get_copy(f, &n);
    if (s != NULL && (n == 0 || s[n - 1] != '\0')) {
        f->in->bad = true;
        return "";
    }
    return s;
}

void *agent_get_out_buffer(struct agent_frame *f, size_t *cap)
{
    int64_t n = bmsg_get_i64(f->in);
    *cap = 0;
    if (n < 0)
        return NULL;
    if (n > BMSG_MAX) {
        f->in->bad = true;
        return NULL;
    }
    *cap = (size_t)n;
    return scratch(f, (size_t)n);
}

int *agent_get_fd_array(struct agent_frame *f, int64_t want)
{
    int64_t n = bmsg_get_i64(f->in);
    if (n < 0)
        return NULL;
    if (n != want) {
        f->in->bad = true;
        return NULL;
    }
    int *fds = scratch(f, sizeof(int) * (size_t)n);
    for (int64_t i = 0; fds != NULL && i < n; i++)
        fds[i] = -1;
    return fds;
}

int agent_take_fd(struct agent_frame *f, bool given)
{
    int number;
    bool cloexec;
    int fd = bmsg_get_fd(f->in, &number, &cloexec);
    if (fd == -1)
        return number; /* a number alone: not open in the checker either */
    if (number <= STDERR_FILENO || number >= BOUNDARY_FD_FLOOR || f->lent_count == BMSG_MAX_FDS) {
        f->in->bad = true;
        close(fd);
        return -1;
    }
    /* At the checker's number, over whatever placeholder held it. It may
     * have arrived there already: then it only needs its flag, and a
     * reference of our own. */
    if (fd == number) {
        fcntl(fd, F_SETFD, cloexec ? FD_CLOEXEC : 0);
        int i = f->lent_count++;
        f->lent[i] = number;
        f->lent_given[i] = given;
        f->lent_ref[i] = given ? -1 : fcntl(fd, F_DUPFD_CLOEXEC, BOUNDARY_FD_FLOOR);
        return number;
    }
    bmsg_numbers_lock();
    int installed = dup3(fd, number, cloexec ? O_CLOEXEC : 0);
    bmsg_numbers_unlock();
    if (installed == -1) {
        f->in->bad = true;
        close(fd);
        return -1;
    }
    int i = f->lent_count++;
    f->lent[i] = number;
    f->lent_given[i] = given;
    /* A lent descriptor is closed after the call, if the student's code did
     * not: the reference says which file it was. A given one is the
     * student's to close, so nothing of ours may keep it open. */
    if (given) {
        close(fd);
        f->lent_ref[i] = -1;
    } else {
        f->lent_ref[i] = keep_apart(fd);
    }
    return number;
}

/* ---- callbacks: the student's code calls a function of the test ---- */

struct agent_callback_context {
    int64_t id;
};

/*
 * Runs in whichever student process calls the callback (often a child the
 * student's code forked): asks the checker to run it, with a copy of fd,
 * and waits for its answer on a socket of its own.
 */
static int callback_trampoline(int fd, void *arg)
{
    const struct agent_callback_context *ctx = arg;
    int reply[2];
    if (ctx == NULL || socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, reply) == -1)
        return -1;
    struct bmsg m;
    bmsg_init(&m);
    bmsg_put_i64(&m, BOUNDARY_CALLBACK);
    bmsg_put_i64(&m, ctx->id);
    bmsg_put_fd(&m, fd);
    bmsg_put_fd(&m, reply[1]);
    int sent = bmsg_send(callback_fd, &m);
    bmsg_free(&m);
    close(reply[1]);
    int result = -1;
    if (sent == 0 && bmsg_recv(reply[0], &m) == 1)
        result = (int)bmsg_get_i64(&m);
    bmsg_free(&m);
    close(reply[0]);
    return result;
}

boundary_callback_fn agent_callback(struct agent_frame *f)
{
    /* One context per id for the life of the process: a child the student's
     * code forks may call it long after this call returned. */
    static struct agent_callback_context contexts[64];
    static size_t count;
    static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    int64_t id = bmsg_get_i64(f->in);
    pthread_mutex_lock(&lock);
    f->callback = NULL;
    for (size_t i = 0; i < count && f->callback == NULL; i++) {
        if (contexts[i].id == id)
            f->callback = &contexts[i];
    }
    if (f->callback == NULL && count < sizeof contexts / sizeof contexts[0]) {
        contexts[count].id = id;
        f->callback = &contexts[count++];
    }
    pthread_mutex_unlock(&lock);
    return callback_trampoline;
}

void *agent_callback_arg(struct agent_frame *f)
{
    return f->callback;
}

/* ---- the reply ---- */

void agent_reply_head(struct agent_frame *f)
{
    bmsg_put_i64(f->out, f->ret);
    bmsg_put_i64(f->out, f->err);
}

void agent_put_copy(struct agent_frame *f, const void *p)
{
    for (int i = 0; p != NULL && i < f->scratch_count; i++) {
        struct scratch_header *h = f->scratch[i];
        if ((const void *)h->align == p) {
            bmsg_put_bytes(f->out, p, h->size);
            return;
        }
    }
    bmsg_put_bytes(f->out, NULL, 0);
}

static bool is_lent(const struct agent_frame *f, int fd)
{
    for (int i = 0; i < f->lent_count; i++) {
        if (f->lent[i] == fd)
            return true;
    }
    return false;
}

void agent_move_fd(struct agent_frame *f, int fd, bool move)
{
    if (!move || !is_open(fd) || fd >= BOUNDARY_FD_FLOOR || same_file(fd, null_fd) ||
        f->moving_count == BMSG_MAX_FDS) {
        bmsg_put_fd_as(f->out, -1, fd);
        return;
    }
    /* It leaves the student's numbers now, so that when the checker reads
     * the reply, this process holds nothing of the test's any more. */
    int flags = fcntl(fd, F_GETFD);
    int copy = fcntl(fd, F_DUPFD_CLOEXEC, BOUNDARY_FD_FLOOR);
    if (copy == -1) {
        bmsg_put_fd_as(f->out, -1, fd);
        return;
    }
    fcntl(copy, F_SETFD, flags); /* its own flag travels with it */
    if (!is_lent(f, fd))
        close(fd);
    f->moving[f->moving_count++] = copy;
    bmsg_put_fd_as(f->out, copy, fd);
}

/* ---- serving ---- */

/* Holds the checker's busy numbers (a bitmap) with /dev/null for a call. */
static int hold_busy_numbers(const unsigned char *busy, size_t len, int *held)
{
    int count = 0;
    for (int fd = 3; fd < BOUNDARY_BUSY_MAX && (size_t)(fd / 8) < len; fd++) {
        if ((busy[fd / 8] & (1u << (fd % 8))) && !is_open(fd) && dup3(null_fd, fd, O_CLOEXEC) != -1)
            held[count++] = fd;
    }
    return count;
}

static void release_frame(struct agent_frame *f, const int *held, int held_count)
{
    for (int i = 0; i < f->lent_count; i++) {
        if (f->lent_ref[i] == -1)
            continue;
        if (same_file(f->lent[i], f->lent_ref[i]))
            close(f->lent[i]);
        close(f->lent_ref[i]);
    }
    for (int i = 0; i < held_count; i++) {
        if (same_file(held[i], null_fd))
            close(held[i]);
    }
}

static void serve_call(int conn, struct bmsg *in, struct bmsg *out)
{
    int64_t index = bmsg_get_i64(in);
    size_t busy_len;
    const unsigned char *busy = bmsg_get_bytes(in, &busy_len);
    if (in->bad || index < 0 || (size_t)index >= agent_call_count || busy == NULL) {
        fprintf(stderr, "agent: a request the checker cannot have sent; stopping\n");
        _exit(3);
    }
    int held[BOUNDARY_BUSY_MAX];
    bmsg_numbers_lock(); /* another thread may be receiving descriptors */
    int held_count = hold_busy_numbers(busy, busy_len, held);
    bmsg_numbers_unlock();
    struct agent_frame f;
    memset(&f, 0, sizeof f);
    f.in = in;
    f.out = out;
    bmsg_reset(out);
    bmsg_put_i64(out, BOUNDARY_RETURN);
    agent_calls[index].serve(&f);
    if (in->bad) {
        fprintf(stderr, "agent: the request for %s() made no sense; stopping\n",
                agent_calls[index].name);
        _exit(3);
    }
    release_frame(&f, held, held_count);
    if (bmsg_send(conn, out) == -1)
        _exit(0); /* the checker is gone: so is the test */
    for (int i = 0; i < f.moving_count; i++)
        close(f.moving[i]);
    for (int i = 0; i < f.scratch_count; i++)
        free(f.scratch[i]);
}

static void serve(int conn);

static void *serve_thread(void *arg)
{
    int conn = (int)(intptr_t)arg;
    serve(conn);
    close(conn);
    return NULL;
}

static void reply_done(int conn, int64_t value)
{
    struct bmsg m;
    bmsg_init(&m);
    bmsg_put_i64(&m, BOUNDARY_DONE);
    bmsg_put_i64(&m, value);
    if (bmsg_send(conn, &m) == -1)
        _exit(0);
    bmsg_free(&m);
}

static void say_hello(int conn)
{
    struct bmsg m;
    bmsg_init(&m);
    bmsg_put_i64(&m, BOUNDARY_HELLO);
    bmsg_put_i64(&m, getpid());
    if (bmsg_send(conn, &m) == -1)
        _exit(0);
    bmsg_free(&m);
}

/* A test child needs a student process of its own, a copy of this one. */
static void serve_fork(int conn, struct bmsg *in)
{
    int number;
    bool cloexec;
    int child_conn = bmsg_get_fd(in, &number, &cloexec);
    int child_callbacks = bmsg_get_fd(in, &number, &cloexec);
    if (child_conn == -1 || child_callbacks == -1) {
        fprintf(stderr, "agent: a fork request without its sockets; stopping\n");
        _exit(3);
    }
    /* Twice, so the copy is nobody's child here: the student's wait() and
     * waitpid(-1) never meet it. */
    pid_t middle = fork();
    if (middle == 0) {
        pid_t copy = fork();
        if (copy != 0)
            _exit(copy == -1 ? 1 : 0);
        int keep_conn = fcntl(child_conn, F_DUPFD_CLOEXEC, 3);
        int keep_callbacks = fcntl(child_callbacks, F_DUPFD_CLOEXEC, 3);
        /* Nothing of the parent's connections stays: only this copy's own. */
        close_range(BOUNDARY_FD_FLOOR, ~0U, 0);
        close(child_conn);
        close(child_callbacks);
        int copy_conn = keep_apart(keep_conn);
        callback_fd = keep_apart(keep_callbacks);
        null_fd = keep_apart(open("/dev/null", O_RDWR | O_CLOEXEC));
        if (copy_conn == -1 || callback_fd == -1 || null_fd == -1)
            _exit(3);
        say_hello(copy_conn);
        serve(copy_conn);
        /* A copy ends with its test child, at once: its output flushed, but
         * no sanitizer's exit-time work (the main student process's exit is
         * the one judged), so it is gone before the judge looks. */
        fflush(NULL);
        _exit(0);
    }
    close(child_conn);
    close(child_callbacks);
    int status;
    while (middle > 0 && waitpid(middle, &status, 0) == -1 && errno == EINTR)
        ;
    reply_done(conn, middle > 0 ? 0 : -1);
}

static void serve_new_thread(int conn, struct bmsg *in)
{
    int number;
    bool cloexec;
    int thread_conn = bmsg_get_fd(in, &number, &cloexec);
    int ok = -1;
    if (thread_conn != -1) {
        thread_conn = keep_apart(thread_conn);
        pthread_t t;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        if (thread_conn != -1 &&
            pthread_create(&t, &attr, serve_thread, (void *)(intptr_t)thread_conn) == 0)
            ok = 0;
        else if (thread_conn != -1)
            close(thread_conn);
        pthread_attr_destroy(&attr);
    }
    reply_done(conn, ok);
}

/* One connection, one request at a time, until the checker closes it. */
static void serve(int conn)
{
    struct bmsg in, out;
    bmsg_init(&in);
    bmsg_init(&out);
    while (bmsg_recv(conn, &in) == 1) {
        switch (bmsg_get_i64(&in)) {
        case BOUNDARY_CALL:
            serve_call(conn, &in, &out);
            break;
        case BOUNDARY_FORK:
            serve_fork(conn, &in);
            break;
        case BOUNDARY_THREAD:
            serve_new_thread(conn, &in);
            break;
        default:
            fprintf(stderr, "agent: an unknown request; stopping\n");
            _exit(3);
        }
    }
    bmsg_free(&in);
    bmsg_free(&out);
}

int main(int argc, char **argv)
{
    err_set_progname(argv[0]);
    if (argc > 1 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
        printf("usage: %s\n"
               "Runs a lab's functions for its test binary, which starts it: the tests\n"
               "decide in a process of their own (tests/grader/boundary.h). It takes no\n"
               "options and is not run by hand: run the test binary, or make grade.\n"
               "Example:\n"
               "  make grade LAB=02\n",
               argv[0]);
        return 0;
    }
    if (argc > 1)
        die_usage("unknown option '%s': the agent takes none, its test binary starts it "
                  "(try --help)",
                  argv[1]);
    int conn = keep_apart(AGENT_START_CONN_FD);
    callback_fd = keep_apart(AGENT_START_CALLBACK_FD);
    null_fd = keep_apart(open("/dev/null", O_RDWR | O_CLOEXEC));
    if (conn == -1 || callback_fd == -1 || null_fd == -1) {
        fprintf(stderr, "agent: started without the checker's sockets; run the test binary "
                        "instead (make grade LAB=NN)\n");
        return 2;
    }
    say_hello(conn);
    serve(conn);
    /* The checker closed the connection: the test is over. exit() (not _exit)
     * flushes the student's output and lets sanitizers report. */
    exit(0);
}
