/*
 * us_socket.h - lab 03, part 1: a stream server and client on a pathname socket.
 *
 * A UNIX domain socket is the socket API without the network: the same calls
 * as TCP (lab 04), but the address is a path in the file system and the
 * kernel copies the bytes straight from one process to the other.
 *
 *   server:  socket -> bind(path) -> listen -> accept ... close -> unlink(path)
 *   client:  socket -> connect(path) ... close
 *
 * bind() creates the socket file, and only unlink() removes it. A server that
 * crashed leaves a *stale* file behind, and the next bind() to that path fails
 * with EADDRINUSE. us_listen() then removes the file, but only when it is
 * safe: the file must be a socket, and connect() to it must be refused
 * (nobody listens). A live server's socket and a file that is not a socket
 * are never touched.
 *
 * The socket file lives in a private directory (mkdtemp, mode 0700) unless the
 * caller names a path, so other users can neither reach it nor swap it.
 *
 * Conventions (as in every lab): functions return -1 and set errno on
 * failure; they never exit. Report each system call with trace_call() under
 * its own name ("mkdtemp", "socket", "bind", "listen", "accept", "connect",
 * "close", "unlink", "rmdir", "sigaction"); a test reads that trace to check
 * the order of the calls.
 *
 * This header is the same, byte for byte, in labs/ and solutions/.
 */
#ifndef IPC_KIT_US_SOCKET_H
#define IPC_KIT_US_SOCKET_H

#include <sys/socket.h>
#include <sys/un.h>

/* sizeof(sun_path) on Linux: a socket path holds at most 107 bytes and a NUL. */
#define US_PATH_MAX 108

/* The socket file's name inside the private directory. */
#define US_SOCKET_NAME "us.sock"

/* How many connections may wait for accept() before connect() has to wait. */
#define US_BACKLOG 16

/* A listening socket and the names it created. */
struct us_listener {
    int fd;                 /* the listening socket, or -1 */
    char path[US_PATH_MAX]; /* the socket file bind() created, or "" */
    char dir[US_PATH_MAX];  /* the private directory us_listen() made, or "" */
};

/*
 * Fills addr (zeroed first) with AF_UNIX and path. Returns 0, or -1 with
 * ENAMETOOLONG when path does not fit in sun_path with its NUL (more than
 * 107 bytes), EINVAL when it is empty. A cut path would name another file.
 */
int us_address(struct sockaddr_un *addr, const char *path);

/*
 * Makes path free for bind(), if that is safe. Returns 0 when nothing is
 * there, or when a stale socket was there and is now removed. Otherwise -1:
 *   EADDRINUSE  a server is alive on it (connect() was accepted, or would
 *               wait for a full backlog); the file stays;
 *   ENOTSOCK    path is not a socket (lstat: a regular file, a directory, a
 *               symbolic link...); it stays;
 *   other       lstat(), connect() or unlink() failed in another way.
 * Probes with a non-blocking connect(), so it never waits for a busy server.
 */
int us_remove_stale(const char *path);

/*
 * Creates a listening SOCK_STREAM socket at path. With path == NULL, first
 * makes a private directory (names_private_dir(): $TMPDIR, mode 0700) and
 * uses <dir>/US_SOCKET_NAME. When bind() fails with EADDRINUSE, calls
 * us_remove_stale() and binds once more. Fills *listener and returns 0, or
 * -1 with errno set (EADDRINUSE, ENOTSOCK, ENAMETOOLONG, ...) and nothing
 * left behind: no descriptor, no socket file of ours, no directory.
 */
int us_listen(struct us_listener *listener, const char *path);

/*
 * Undoes us_listen(): unlinks the socket file, closes the socket, and removes
 * the private directory if us_listen() made it (a directory the caller named
 * is left alone). Does every step even when one fails, then returns 0, or -1
 * with the first failure's errno. Clears the fields, so a second call does
 * nothing.
 */
int us_listener_close(struct us_listener *listener);

/*
 * For programs: installs handlers for SIGINT and SIGTERM that remove the
 * listener's socket file and private directory and then let the signal
 * kill the process as usual (so its parent still sees "killed by SIGTERM").
 * The handler uses only async-signal-safe calls (unlink, rmdir, signal,
 * raise) on copies of the paths made here. Call once, after us_listen().
 * Returns 0, or -1 with errno set.
 */
int us_cleanup_on_signals(const struct us_listener *listener);

/*
 * Connects a new SOCK_STREAM socket to the server at path. Returns the
 * connected descriptor (the caller closes it), or -1 with errno set:
 * ENOENT when no file is there, ECONNREFUSED when nobody listens on it.
 */
int us_connect(const char *path);

#endif
