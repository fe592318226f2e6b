/*
 * us_demo - a traced walkthrough of lab 03: UNIX domain sockets.
 *
 * usage: us_demo [-p PART] [-f FILE]
 *
 * Runs the lab's six parts in order and narrates each, forking the server
 * or the child where a part has two sides; every system call appears in the
 * trace (IPC_TRACE=text by default, IPC_STEP=1 to advance one call at a time
 * on a terminal). Exits 0 when every part worked.
 *
 * See also: labs/03-unix-socket/README.md, us_server, us_client.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "err.h"
#include "names.h"
#include "trace.h"
#include "us_cred.h"
#include "us_dgram.h"
#include "us_fdpass.h"
#include "us_frame.h"
#include "us_pair.h"
#include "us_serve.h"
#include "us_socket.h"

static const struct cli_spec CLI = {
    .usage = "usage: us_demo [-p PART] [-f FILE]\n"
             "A traced walkthrough of UNIX domain sockets (lab 03): a stream server and\n"
             "its clients, framing, datagrams vs streams, socketpair, peer credentials\n"
             "and passing an open file descriptor.\n",
    .options =
        {
            {'p', "part", "PART", "play one part only: server, boundaries, socketpair or fdpass"},
            {'f', "file", "FILE",
             "the file whose descriptor part 6 passes (default: one it writes)"},
        },
    .environment = TRACE_ENVIRONMENT_HELP,
    .more = "Examples:\n"
            "  us_demo\n"
            "  IPC_STEP=1 us_demo -p fdpass -f /etc/hostname\n",
};

/* Writes dir/name to out, or dies when it does not fit. */
static void join_path(char *out, size_t size, const char *dir, const char *name)
{
    int n = snprintf(out, size, "%s/%s", dir, name);
    if (n < 0 || (size_t)n >= size)
        die("%s/%s: path too long; use a shorter TMPDIR", dir, name);
}

/* waitpid() that resumes after signals; dies unless the child exited 0. */
static void expect_clean_exit(pid_t pid, const char *what)
{
    int status;
    pid_t got;
    while ((got = waitpid(pid, &status, 0)) == -1 && errno == EINTR)
        ;
    trace_call("waitpid", got, "pid=%ld", (long)pid);
    if (got == -1)
        die_errno("waitpid %s", what);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        die("%s did not finish cleanly", what);
}

/* ---- parts 1, 2 and 5: a server, its clients, and who they are ---------- */

static pid_t start_server(const struct us_listener *l, long clients)
{
    fflush(NULL); /* nothing buffered may be written twice */
    pid_t pid = fork();
    if (pid == 0)
        trace_set_role("server");
    trace_call("fork", pid, NULL);
    if (pid == -1)
        die_errno("fork");
    if (pid == 0) {
        struct us_serve_options opts = {.allowed_uid = geteuid(), .log = stderr};
        long served = us_serve(l->fd, clients, &opts);
        _exit(served == clients ? 0 : 1);
    }
    return pid;
}

/* One client: sends each message as a frame and shows the answer. */
static void client_exchange(const char *path, const char *const *msgs, size_t count)
{
    int fd = us_connect(path);
    if (fd == -1)
        die_errno("connect to %s", path);
    for (size_t i = 0; i < count; i++) {
        char reply[128];
        size_t len;
        if (us_send_frame(fd, msgs[i], strlen(msgs[i])) == -1)
            die_errno("send_frame");
        if (us_recv_frame(fd, reply, sizeof reply, &len) != 1)
            die("no answer from the server");
        trace_note("sent \"%s\", got back \"%.*s\"", msgs[i], (int)len, reply);
    }
    trace_call("close", close(fd), "fd=%d", fd);
}

/* A client that sends only a header announcing 1 GiB. */
static void client_oversized(const char *path)
{
    int fd = us_connect(path);
    if (fd == -1)
        die_errno("connect to %s", path);
    uint32_t huge = htonl(UINT32_C(1) << 30); /* 4 bytes cost the client nothing */
    if (us_send_all(fd, &huge, sizeof huge) == -1)
        die_errno("send the header");
    char reply[16];
    size_t len;
    if (us_recv_frame(fd, reply, sizeof reply, &len) != 0)
        die("part 2: the server should have closed this connection");
    trace_note("part 2: the server refused the frame from its header alone and closed this "
               "connection only");
    trace_call("close", close(fd), "fd=%d", fd);
}

/* Leaves a stale socket file at path: bound, then closed, never unlinked. */
static void make_stale_socket(const char *path)
{
    struct sockaddr_un addr;
    if (us_address(&addr, path) == -1)
        die_errno("%s", path);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    trace_call("socket", fd, "AF_UNIX, SOCK_STREAM");
    if (fd == -1)
        die_errno("socket");
    int rc = bind(fd, (struct sockaddr *)&addr, sizeof addr);
    trace_call("bind", rc, "fd=%d, \"%s\"", fd, path);
    if (rc == -1)
        die_errno("bind %s", path);
    trace_call_note("close", close(fd), "no unlink: as if the server had crashed", "fd=%d", fd);
}

static void part_server(void)
{
    trace_note("part 1: a stream server on a socket in a private directory (mode 0700)");
    struct us_listener l;
    if (us_listen(&l, NULL) == -1)
        die_errno("us_listen");
    /* Four connections: the probe below, and three clients. */
    pid_t server = start_server(&l, 4);

    struct us_listener second;
    if (us_listen(&second, l.path) == 0)
        die("part 1: a second server took over a live server's socket");
    if (errno != EADDRINUSE)
        die_errno("part 1: a second us_listen on %s", l.path);
    trace_note("part 1: a second server on the same path gets EADDRINUSE; the live socket stays "
               "(its probe connect() was accepted: the server sees a client that said nothing)");

    const char *const first[] = {"hello", "unix domain sockets"};
    client_exchange(l.path, first, 2);
    trace_note("part 2: a client that announces a 1 GiB message");
    client_oversized(l.path);
    const char *const last[] = {"still serving the next client"};
    client_exchange(l.path, last, 1);
    expect_clean_exit(server, "part 1: the server");
    trace_note("part 5: the server's log names our pid %ld and uid %ld: the kernel told it "
               "(SO_PEERCRED), we did not",
               (long)getpid(), (long)getuid());

    trace_note("part 1: a stale socket file, left by a server that crashed");
    char stale[US_PATH_MAX];
    join_path(stale, sizeof stale, l.dir, "old.sock");
    make_stale_socket(stale);
    struct us_listener again;
    if (us_listen(&again, stale) == -1)
        die_errno("part 1: us_listen on the stale %s", stale);
    trace_note("part 1: connect() to it was refused, so it was removed and bound anew");
    if (us_listener_close(&again) == -1 || us_listener_close(&l) == -1)
        die_errno("us_listener_close");
}

/* ---- part 3: boundaries ------------------------------------------------- */

static const char *const WORDS[] = {"one", "two", "three"};
enum { WORD_COUNT = 3 };

static void part_boundaries(void)
{
    trace_note("part 3: three sends on a SOCK_STREAM pair, and only then one recv");
    int fds[2];
    if (us_socketpair(SOCK_STREAM, fds) == -1)
        die_errno("us_socketpair");
    for (int i = 0; i < WORD_COUNT; i++) {
        if (us_send_all(fds[0], WORDS[i], strlen(WORDS[i])) == -1)
            die_errno("send");
    }
    char buf[64];
    ssize_t n = us_recv_once(fds[1], buf, sizeof buf);
    if (n <= 0)
        die_errno("recv");
    trace_note("part 3: one recv gave %zd bytes, \"%.*s\": a stream keeps no boundaries", n, (int)n,
               buf);
    trace_call("close", close(fds[0]), "fd=%d", fds[0]);
    trace_call("close", close(fds[1]), "fd=%d", fds[1]);

    trace_note("part 3: the same three words as datagrams");
    char dir[US_PATH_MAX], path[US_PATH_MAX];
    if (names_private_dir(dir, sizeof dir) == -1)
        die_errno("mkdtemp");
    join_path(path, sizeof path, dir, "dgram.sock");
    int receiver = us_dgram_open(path);
    int sender = us_dgram_open(NULL);
    if (receiver == -1 || sender == -1)
        die_errno("us_dgram_open %s", path);
    for (int i = 0; i < WORD_COUNT; i++) {
        if (us_dgram_send(sender, path, WORDS[i], strlen(WORDS[i])) == -1)
            die_errno("us_dgram_send");
    }
    for (int i = 0; i < WORD_COUNT; i++) {
        n = us_dgram_recv(receiver, buf, sizeof buf);
        if (n == -1)
            die_errno("us_dgram_recv");
        trace_note("part 3: recv %d gave datagram \"%.*s\"", i + 1, (int)n, buf);
    }
    trace_call("close", close(sender), "fd=%d", sender);
    trace_call("close", close(receiver), "fd=%d", receiver);
    trace_call("unlink", unlink(path), "\"%s\"", path);
    trace_call("rmdir", rmdir(dir), "\"%s\"", dir);
}

/* ---- part 4: socketpair ------------------------------------------------- */

static int upcase_child(int fd, void *arg)
{
    (void)arg;
    return us_serve_client(fd) >= 0 ? 0 : 1;
}

static void part_socketpair(void)
{
    trace_note("part 4: one socketpair between parent and child, used in both directions");
    struct us_child child;
    if (us_child_start(&child, upcase_child, NULL) == -1)
        die_errno("us_child_start");
    const char msg[] = "one pair, two directions";
    char reply[64];
    size_t len;
    if (us_send_frame(child.fd, msg, strlen(msg)) == -1 ||
        us_recv_frame(child.fd, reply, sizeof reply, &len) != 1)
        die_errno("part 4: exchange with the child");
    trace_note("part 4: sent \"%s\", the child answered \"%.*s\"", msg, (int)len, reply);
    struct us_peer peer;
    if (us_peer_credentials(child.fd, &peer) == 0)
        trace_note("part 5: on a socketpair, SO_PEERCRED names the process that called "
                   "socketpair(): pid %ld (this one), not the child %ld",
                   (long)peer.pid, (long)child.pid);
    int status = us_child_finish(&child);
    if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        die("part 4: the child did not finish cleanly");
    trace_note("part 4: the parent closed its end; the child read end of file and exited");
}

/* ---- part 6: passing a descriptor --------------------------------------- */

static int send_file_child(int fd, void *arg)
{
    const char *path = arg;
    return us_send_file(fd, path) == 0 ? 0 : 1;
}

/* Writes a small file for part 6 in a private directory. */
static void write_demo_file(char *dir, size_t dir_size, char *path, size_t path_size)
{
    if (names_private_dir(dir, dir_size) == -1)
        die_errno("mkdtemp");
    join_path(path, path_size, dir, "passed.txt");
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd == -1)
        die_errno("create %s", path);
    const char text[] = "this text was read through a descriptor that another process opened\n";
    if (write(fd, text, strlen(text)) != (ssize_t)strlen(text))
        die_errno("write %s", path);
    if (close(fd) == -1)
        die_errno("close %s", path);
}

/* Removes the demo's file and its private directory (every path, failures too). */
static void remove_demo_file(const char *dir, const char *path)
{
    if (dir[0] == '\0')
        return;
    trace_call("unlink", unlink(path), "\"%s\"", path);
    trace_call("rmdir", rmdir(dir), "\"%s\"", dir);
}

static void part_fdpass(const char *file)
{
    trace_note("part 6: the child opens a file and sends the open descriptor (SCM_RIGHTS)");
    char dir[256] = "", path[512];
    if (file == NULL) {
        write_demo_file(dir, sizeof dir, path, sizeof path);
        file = path;
    }
    struct us_child child;
    if (us_child_start(&child, send_file_child, (void *)file) == -1) {
        int err = errno;
        remove_demo_file(dir, path);
        errno = err;
        die_errno("us_child_start");
    }
    int fd = us_recv_fd(child.fd);
    if (fd == -1) {
        warn_errno("part 6: us_recv_fd");
        us_child_finish(&child);
        remove_demo_file(dir, path);
        die("part 6: no descriptor came; could the child open %s?", file);
    }
    char text[256];
    ssize_t n = read(fd, text, sizeof text - 1);
    trace_call("read", n, "fd=%d (the received descriptor)", fd);
    if (n == -1) {
        int err = errno;
        remove_demo_file(dir, path);
        errno = err;
        die_errno("read the passed descriptor");
    }
    text[n] = '\0';
    text[strcspn(text, "\n")] = '\0';
    trace_note("part 6: fd %d here reads what the child opened: \"%s\"", fd, text);
    trace_call("close", close(fd), "fd=%d", fd);
    int status = us_child_finish(&child);
    remove_demo_file(dir, path);
    if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        die("part 6: the child could not open or send %s", file);
}

int main(int argc, char **argv)
{
    err_set_progname(argv[0]);
    trace_set_role("parent");
    const char *file = NULL, *part = NULL;
    int opt;
    while ((opt = cli_next_option(&CLI, argc, argv)) != -1) {
        switch (opt) {
        case 'f':
            file = optarg;
            break;
        case 'p':
            part = optarg;
            break;
        }
    }
    if (optind != argc)
        die_usage("unexpected argument '%s'", argv[optind]);
    static const char *const PARTS[] = {"server", "boundaries", "socketpair", "fdpass", NULL};
    size_t chosen = 0;
    while (part && PARTS[chosen] && strcmp(PARTS[chosen], part) != 0)
        chosen++;
    if (part && PARTS[chosen] == NULL)
        die_usage("unknown part '%s': use server, boundaries, socketpair or fdpass", part);

    if (!part || chosen == 0)
        part_server();
    if (!part || chosen == 1)
        part_boundaries();
    if (!part || chosen == 2)
        part_socketpair();
    if (!part || chosen == 3)
        part_fdpass(file);
    if (part) {
        printf("us_demo: part %s worked\n", part);
        return 0;
    }
    printf("us_demo: all six parts worked\n");
    return 0;
}
