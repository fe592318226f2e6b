/*
 * us_socket.c - lab 03 reference, part 1 (see us_socket.h for the contract).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "names.h"
#include "trace.h"
#include "us_socket.h"

/* Closes fd and traces it; keeps errno from an earlier failure. */
static void close_traced(int fd)
{
    int saved = errno;
    int rc = close(fd);
    trace_call("close", rc, "fd=%d", fd);
    errno = saved;
}

int us_address(struct sockaddr_un *addr, const char *path)
{
    memset(addr, 0, sizeof *addr);
    addr->sun_family = AF_UNIX;
    size_t len = strlen(path);
    if (len == 0) {
        errno = EINVAL; /* an empty name means something else to Linux (autobind) */
        return -1;
    }
    if (len >= sizeof addr->sun_path) {
        errno = ENAMETOOLONG; /* never cut it: a shorter path is another file */
        return -1;
    }
    memcpy(addr->sun_path, path, len + 1);
    return 0;
}

int us_remove_stale(const char *path)
{
    /* lstat, not stat: a symbolic link is not a socket, and we never follow
     * one to remove whatever it points at. */
    struct stat st;
    if (lstat(path, &st) == -1)
        return errno == ENOENT ? 0 : -1; /* nothing there: nothing to remove */
    if (!S_ISSOCK(st.st_mode)) {
        errno = ENOTSOCK; /* somebody's file: never ours to delete */
        return -1;
    }

    /* A socket file. Is anyone behind it? The only reliable way to know is
     * to knock: connect(). Non-blocking, so a live server whose backlog is
     * full answers EAGAIN at once instead of making us wait in line. */
    struct sockaddr_un addr;
    if (us_address(&addr, path) == -1)
        return -1;
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    trace_call("socket", fd, "AF_UNIX, SOCK_STREAM|SOCK_NONBLOCK (probe)");
    if (fd == -1)
        return -1;
    int rc = connect(fd, (struct sockaddr *)&addr, sizeof addr);
    trace_call("connect", rc, "fd=%d, \"%s\" (is anyone listening?)", fd, path);
    int connect_errno = errno;
    close_traced(fd);

    if (rc == 0 || connect_errno == EAGAIN || connect_errno == EPROTOTYPE) {
        /* Accepted, queued behind a full backlog, or a live socket of
         * another type: in use either way. */
        errno = EADDRINUSE;
        return -1;
    }
    if (connect_errno == ENOENT)
        return 0; /* it went away while we looked */
    if (connect_errno != ECONNREFUSED) {
        errno = connect_errno;
        return -1;
    }
    /* Refused: a socket file with no socket behind it. Stale, remove it.
     * (Between lstat and unlink another process could swap the file; the
     * private directory is what keeps other users from trying.) */
    rc = unlink(path);
    trace_call_note("unlink", rc, "stale: connect() was refused", "\"%s\"", path);
    if (rc == -1 && errno != ENOENT)
        return -1;
    return 0;
}

/* Removes what us_listen() made so far, keeping errno of the failure. */
static void undo_listen(struct us_listener *l, int bound)
{
    int saved = errno;
    if (bound)
        trace_call("unlink", unlink(l->path), "\"%s\"", l->path);
    if (l->fd >= 0)
        close_traced(l->fd);
    if (l->dir[0] != '\0')
        trace_call("rmdir", rmdir(l->dir), "\"%s\"", l->dir);
    l->fd = -1;
    l->path[0] = l->dir[0] = '\0';
    errno = saved;
}

/* Picks the socket's path: the caller's, or <private dir>/US_SOCKET_NAME. */
static int choose_path(struct us_listener *l, const char *path)
{
    if (path != NULL) {
        if (strlen(path) >= sizeof l->path) {
            errno = ENAMETOOLONG;
            return -1;
        }
        strcpy(l->path, path);
        return 0;
    }
    int rc = names_private_dir(l->dir, sizeof l->dir);
    trace_call("mkdtemp", rc, "\"%s\", mode 0700", rc == 0 ? l->dir : "$TMPDIR/...");
    if (rc == -1) {
        l->dir[0] = '\0';
        return -1;
    }
    int n = snprintf(l->path, sizeof l->path, "%s/%s", l->dir, US_SOCKET_NAME);
    if (n < 0 || (size_t)n >= sizeof l->path) {
        errno = ENAMETOOLONG; /* $TMPDIR is too deep for sun_path */
        return -1;
    }
    return 0;
}

int us_listen(struct us_listener *l, const char *path)
{
    l->fd = -1;
    l->path[0] = l->dir[0] = '\0';
    struct sockaddr_un addr;
    if (choose_path(l, path) == -1 || us_address(&addr, l->path) == -1) {
        undo_listen(l, 0);
        return -1;
    }
    l->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    trace_call("socket", l->fd, "AF_UNIX, SOCK_STREAM");
    if (l->fd == -1) {
        undo_listen(l, 0);
        return -1;
    }
    int rc = bind(l->fd, (struct sockaddr *)&addr, sizeof addr);
    trace_call("bind", rc, "fd=%d, \"%s\"", l->fd, l->path);
    if (rc == -1 && errno == EADDRINUSE) {
        /* The name is taken. Only a stale socket may be cleared away. */
        if (us_remove_stale(l->path) == -1) {
            undo_listen(l, 0); /* not our file: leave it be */
            return -1;
        }
        rc = bind(l->fd, (struct sockaddr *)&addr, sizeof addr);
        trace_call("bind", rc, "fd=%d, \"%s\" (again)", l->fd, l->path);
    }
    if (rc == -1) {
        undo_listen(l, 0);
        return -1;
    }
    rc = listen(l->fd, US_BACKLOG);
    trace_call("listen", rc, "fd=%d, backlog=%d", l->fd, US_BACKLOG);
    if (rc == -1) {
        undo_listen(l, 1); /* the file is ours now: remove it too */
        return -1;
    }
    return 0;
}

int us_listener_close(struct us_listener *l)
{
    int result = 0, first_errno = 0;
    /* Unlink first: from now on no new client can find us by name. */
    if (l->path[0] != '\0') {
        int rc = unlink(l->path);
        trace_call("unlink", rc, "\"%s\"", l->path);
        if (rc == -1 && errno != ENOENT && result == 0) {
            result = -1;
            first_errno = errno;
        }
    }
    if (l->fd >= 0) {
        int rc = close(l->fd);
        trace_call("close", rc, "fd=%d", l->fd);
        if (rc == -1 && result == 0) {
            result = -1;
            first_errno = errno;
        }
    }
    if (l->dir[0] != '\0') {
        int rc = rmdir(l->dir);
        trace_call("rmdir", rc, "\"%s\"", l->dir);
        if (rc == -1 && result == 0) {
            result = -1;
            first_errno = errno;
        }
    }
    l->fd = -1;
    l->path[0] = l->dir[0] = '\0';
    if (result == -1)
        errno = first_errno;
    return result;
}

/* Copies for the signal handler, which may use nothing else. */
static char cleanup_path[US_PATH_MAX];
static char cleanup_dir[US_PATH_MAX];

static void remove_and_die(int sig)
{
    /* Only async-signal-safe calls here (see signal-safety(7)). */
    if (cleanup_path[0] != '\0')
        unlink(cleanup_path);
    if (cleanup_dir[0] != '\0')
        rmdir(cleanup_dir);
    /* Die of the same signal, so the shell or the parent sees why we ended.
     * The signal is blocked while we run; it strikes as soon as we return. */
    signal(sig, SIG_DFL);
    raise(sig);
}

int us_cleanup_on_signals(const struct us_listener *l)
{
    /* Copy before installing the handler: it must never see a half copy. */
    memcpy(cleanup_path, l->path, sizeof cleanup_path);
    memcpy(cleanup_dir, l->dir, sizeof cleanup_dir);
    struct sigaction sa = {.sa_handler = remove_and_die};
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGINT); /* one cleanup at a time */
    sigaddset(&sa.sa_mask, SIGTERM);
    int rc = sigaction(SIGINT, &sa, NULL);
    if (rc == 0)
        rc = sigaction(SIGTERM, &sa, NULL);
    return (int)trace_call("sigaction", rc, "SIGINT, SIGTERM -> remove \"%s\"", l->path);
}

int us_connect(const char *path)
{
    struct sockaddr_un addr;
    if (us_address(&addr, path) == -1)
        return -1;
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    trace_call("socket", fd, "AF_UNIX, SOCK_STREAM");
    if (fd == -1)
        return -1;
    int rc = connect(fd, (struct sockaddr *)&addr, sizeof addr);
    trace_call("connect", rc, "fd=%d, \"%s\"", fd, path);
    if (rc == -1) {
        close_traced(fd);
        return -1;
    }
    return fd;
}
