/*
 * test_us_socket.c - lab 03's tests, part 1: a stream server and client on
 * a pathname socket (us_socket.h).
 *
 * They run in the checker, a process with no student code (boundary.h):
 * each us_*() call goes to the student's process. The points of each test
 * are in the table of test_unix_socket.c.
 */
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent_services.h"
#include "boundary.h"
#include "err.h"
#include "grader.h"
#include "us_serve.h"
#include "us_socket.h"
#include "us_test_calls.h"
#include "us_test_helpers.h"
#include "us_tests.h"

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
     * the old number (opened since) must survive it. It is the read end of
     * a pipe, given to the student's process, which then holds it alone:
     * if the call closes it, our write end reports POLLERR (no reader). */
    int ends[2];
    ck_assert(pipe(ends) == 0);
    int newcomer = ends[0];
    rc = us_listener_close_beside(&l, newcomer);
    struct pollfd writer = {.fd = ends[1], .events = POLLOUT};
    ck_assert(poll(&writer, 1, 0) == 1);
    bool still_open = !(writer.revents & POLLERR);
    if (still_open)
        us_test_close(newcomer);
    close(ends[1]);
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
    ck_assert_msg(still_held == 0,
                  "us_listener_close did not close the listening socket (still open: %s)", held);
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
        long found = trace_log_find(&log, at, NULL, order[i]);
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

/* For the points table (us_tests.h). */
US_TESTS_SOCKET(GRADE_EXPORT)
