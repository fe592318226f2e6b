/*
 * tcp_lab.h - lab 04: the TCP socket lifecycle, in 13 numbered steps.
 *
 * TCP/IP names what an application must be able to do with a connection,
 * not how; the socket interface (BSD sockets here, WinSock on Windows) is one
 * answer. Its 13 functions, as steps of this lab:
 *
 *    1 allocate resources            socket()                  tcp_socket
 *    2 specify the endpoints         getaddrinfo(), bind(),    tcp_resolve, tcp_bind,
 *                                    getsockname()             tcp_local_port
 *    3 initiate a connection         connect(), poll()         tcp_connect
 *    4 wait for a connection         listen(), accept(),       tcp_listen, tcp_accept
 *                                    getpeername()
 *    5 send and receive              send(), recv()            tcp_send_all, tcp_recv_exact,
 *                                                              tcp_send_frame, tcp_recv_frame
 *    6 determine when data arrives   poll()                    tcp_poll_serve
 *    7 send urgent data              send(MSG_OOB)             tcp_send_urgent
 *    8 handle urgent data            fcntl(F_SETOWN), poll     tcp_urgent_owner, tcp_recv_urgent,
 *                                    POLLPRI, recv(MSG_OOB),   tcp_recv_to_mark
 *                                    sockatmark()
 *    9 terminate gracefully          shutdown(SHUT_WR)         tcp_shutdown_write
 *   10 handle the remote's close     recv() = 0, EPIPE         tcp_wait_peer_close
 *   11 abort                         SO_LINGER {1,0}, close()  tcp_abort
 *   12 handle errors                 errno                     tcp_describe_error
 *   13 release resources             close()                   tcp_close
 *
 * and three that put steps together: tcp_open_server (1, 2, 4),
 * tcp_open_client (1, 2, 3) and tcp_close_gracefully (9, 10, 13).
 *
 * Conventions (as in every lab): functions return -1 and set errno on
 * failure; they never exit. The caller owns every descriptor it passes in
 * and every one it gets back, and closes it with tcp_close() or tcp_abort().
 * Functions that take a timeout_ms wait at most that many milliseconds;
 * -1 means no limit. The functions that move data (step 5) make their
 * send/recv calls (or read/write, readv/writev, sendmsg/recvmsg) themselves,
 * never through stdio or syscall(): the tests cut those calls short and
 * interrupt them, only the calls your code makes are reached, and the
 * tests count them on the socket from outside too (the kernel reports each
 * one), so a syscall() that is never cut short scores as no loop at all.
 *
 * The trace (common/trace.h) is part of the contract: the tests and the
 * sequence-chart tool read it. Report every system call on a socket with
 * trace_call_note() right after making it:
 *   - call: the system call's name: socket, getaddrinfo, setsockopt, bind,
 *     getsockname, listen, accept, getpeername, connect, poll, getsockopt,
 *     send, recv, sockatmark, fcntl, shutdown, close. A call that does the
 *     same job under another name counts as that job, traced under its own
 *     name: accept4 for accept, read/readv/recvmsg for recv, write/writev/
 *     sendmsg for send;
 *   - args: "fd=N, ..." naming the socket the call acts on (socket() and
 *     accept() return the new one), ending with the step: " [step 9]"
 *     (text of your own may come between the fields and the step);
 *   - note: the TCP state before and after, from tcp_watch_end() in
 *     tcp_state.h: "state ESTABLISHED -> FIN_WAIT2".
 * README.md lists each step's exact trace line.
 *
 * This header is the same, byte for byte, in labs/ and solutions/.
 */
#ifndef IPC_KIT_TCP_LAB_H
#define IPC_KIT_TCP_LAB_H

#include <stddef.h>
#include <sys/types.h>

#include "tcp_endpoint.h"

/* ---- 1. allocate --------------------------------------------------------- */

/*
 * Creates a TCP socket: socket(family, SOCK_STREAM, IPPROTO_TCP), with
 * family AF_INET or AF_INET6. Returns the descriptor, or -1 with errno set:
 * EAFNOSUPPORT for a family this system does not have.
 */
int tcp_socket(int family);

/* ---- 2. endpoints --------------------------------------------------------- */

/*
 * Turns host and port ("127.0.0.1", "::1", "localhost"; "0" to "65535") into
 * up to max endpoints with getaddrinfo(), so IPv4 and IPv6 work alike.
 * passive != 0 asks for addresses to bind() (AI_PASSIVE), otherwise to
 * connect() to. Ports are numbers only: "http" is refused.
 * Returns how many endpoints were written (at least 1), or -1 with errno:
 * EINVAL for a port that is not a number from 0 to 65535, ENOENT for a host
 * that does not resolve, EAGAIN when the name service failed for now.
 */
int tcp_resolve(const char *host, const char *port, int passive, struct tcp_endpoint *out,
                size_t max);

/*
 * Gives fd the local endpoint ep. First sets SO_REUSEADDR, so a restarted
 * server can bind its port while connections of its previous run are still
 * in TIME_WAIT (it never lets two sockets listen on one port). Port 0 lets
 * the kernel choose a free port. Returns 0, or -1 with errno: EADDRINUSE
 * when another socket holds the address, EINVAL when fd is already bound.
 */
int tcp_bind(int fd, const struct tcp_endpoint *ep);

/* The local port of fd, from getsockname(): after binding port 0, the one
 * the kernel chose. Returns the port (0 while fd is not bound), or -1. */
int tcp_local_port(int fd);

/* ---- 3. initiate (client) --------------------------------------------------- */

/*
 * Connects fd to ep without ever waiting longer than timeout_ms: makes fd
 * non-blocking, calls connect() (EINPROGRESS: the SYN is on its way), waits
 * for the handshake with poll(POLLOUT), reads the outcome with
 * getsockopt(SO_ERROR), and makes fd blocking again. How fd becomes
 * non-blocking and blocking again is yours (fcntl F_GETFL/F_SETFL, or
 * ioctl FIONBIO); trace those calls as "fcntl"/"ioctl" with " [step 3]" or
 * not at all: the tests check that fd ends up blocking, not how.
 * Returns 0 when connected, or -1 with errno: ECONNREFUSED (nothing listens
 * there: the peer answered with RST), ETIMEDOUT (no answer in time),
 * ENETUNREACH... After a failure fd cannot be connected again: close it.
 */
int tcp_connect(int fd, const struct tcp_endpoint *ep, int timeout_ms);

/* ---- 4. wait (server) ---------------------------------------------------------- */

/* Makes fd a listening socket; the kernel completes up to about backlog
 * handshakes that accept() has not taken yet. Returns 0, or -1 with errno:
 * EINVAL when fd is connected, EADDRINUSE when another socket listens on
 * its port. */
int tcp_listen(int fd, int backlog);

/*
 * Waits for a connection on the listening socket fd and returns the new
 * connected socket; fd goes on listening. Retries when accept() fails with
 * EINTR (a signal arrived) or ECONNABORTED (the client gave up before we
 * took the connection). Fills *peer (if not NULL) from getpeername() on the
 * new socket; its family is AF_UNSPEC when the client has already gone (the
 * first recv() then says how). Returns the new descriptor, or -1 with errno
 * (EINVAL when fd is not listening).
 */
int tcp_accept(int fd, struct tcp_endpoint *peer);

/* ---- 1 + 2 + 4 and 1 + 2 + 3 together --------------------------------------- */

/*
 * A listening server socket on host and port ("0" for any free port):
 * tcp_resolve (passive), then for each endpoint tcp_socket, tcp_bind and
 * tcp_listen until one works. Returns the listening descriptor, or -1 with
 * errno from the last failure (nothing is left open).
 */
int tcp_open_server(const char *host, const char *port, int backlog);

/*
 * A socket connected to host and port: tcp_resolve, then for each endpoint
 * tcp_socket and tcp_connect (closing the failed sockets) until one works.
 * Returns the connected descriptor, or -1 with errno from the last failure.
 */
int tcp_open_client(const char *host, const char *port, int timeout_ms);

/* ---- 5. send and receive ---------------------------------------------------- */

/*
 * Sends all len bytes. send() may take fewer bytes than asked (the lecture:
 * "can be less than the number indicated by len"): advance and loop. Retries
 * EINTR. Uses MSG_NOSIGNAL, so a peer that has gone away is the error EPIPE
 * (or ECONNRESET), never a death by SIGPIPE. Returns len, or -1.
 */
ssize_t tcp_send_all(int fd, const void *buf, size_t len);

/*
 * Receives exactly len bytes, looping on short receives and EINTR, unless
 * the peer closes first: recv() returns 0 at end of stream. Returns the
 * number of bytes received (less than len only at end of stream, 0 when it
 * came first), or -1 with errno (ECONNRESET when the peer aborted).
 */
ssize_t tcp_recv_exact(int fd, void *buf, size_t len);

/* The largest frame tcp_send_frame() sends and tcp_recv_frame() accepts. */
#define TCP_FRAME_MAX (64 * 1024)

/*
 * TCP is a byte stream: it keeps no message boundaries. A frame puts them
 * back: a 4-byte length in network byte order, then that many bytes. Sends
 * one frame of len bytes (1 to TCP_FRAME_MAX) as one tcp_send_all(), so
 * Nagle's algorithm never holds back a frame's second half. Returns len, or
 * -1 with errno: EMSGSIZE for len 0 or above TCP_FRAME_MAX.
 */
ssize_t tcp_send_frame(int fd, const void *msg, size_t len);

/*
 * Receives one frame into buf (cap bytes). Returns its length (at least 1),
 * 0 when the stream ended cleanly before a frame began, or -1 with errno:
 * EBADMSG when the announced length is 0 (no frame is empty), EMSGSIZE when
 * it is above TCP_FRAME_MAX or above cap (the stream is then out of step:
 * close it), EPROTO when the stream ended inside a frame.
 */
ssize_t tcp_recv_frame(int fd, void *buf, size_t cap);

/* ---- 6. determine when data arrives ---------------------------------------- */

/* The most clients tcp_poll_serve() serves at once; more wait in the backlog. */
#define TCP_POLL_MAX_CLIENTS 1000
/* The bytes kept for each client: its echo waits there until it is taken. */
#define TCP_POLL_BUFFER 4096
/* A client that makes no progress this long (sends nothing, or takes none
 * of its echo) is dropped, so it cannot hold a place for ever. */
#define TCP_POLL_IDLE_MS 30000

/*
 * An echo server for many clients at once in one process: poll() watches the
 * listening socket and every client, and the server acts only on the
 * descriptors poll() reports ready, so no client can hold up another. A new
 * connection is accepted; bytes from a client (up to TCP_POLL_BUFFER at a
 * time) are sent back to it without ever blocking: recv() and send() with
 * MSG_DONTWAIT, and while a client's echo waits in its buffer the server
 * polls it for POLLOUT, not POLLIN, so a client that never reads costs one
 * buffer. A client that closes (recv() = 0), fails (e.g. ECONNRESET) or
 * makes no progress for TCP_POLL_IDLE_MS is closed and dropped (a stalled
 * one with a message on stderr), and the server goes on serving the rest.
 * Returns once `clients` connections have been accepted and have all ended
 * (clients = 0: never), with the number served; or -1 with errno when the
 * listening socket or poll() fails. Closes every client it accepted; the
 * listening socket stays the caller's.
 */
long tcp_poll_serve(int listen_fd, long clients);

/* ---- 7. urgent data, sending ------------------------------------------------- */

/*
 * Sends one byte as urgent ("out-of-band") data: send(MSG_OOB). TCP marks
 * its place in the stream with the urgent pointer, and the receiver is told
 * at once, even if it has unread ordinary data. Returns 1, or -1.
 */
int tcp_send_urgent(int fd, char byte);

/* ---- 8. urgent data, receiving ---------------------------------------------- */

/*
 * Makes this process the owner of fd (fcntl F_SETOWN with getpid()), so the
 * kernel sends it SIGURG when urgent data arrives. SIGURG is ignored unless
 * the program installs a handler. Returns 0, or -1.
 */
int tcp_urgent_owner(int fd);

/*
 * Waits up to timeout_ms for urgent data (poll() reports POLLPRI), then
 * reads the urgent byte with recv(MSG_OOB) into *byte. The byte is not part
 * of the ordinary stream. Watches POLLRDHUP as well, so a peer that closes
 * without urgent data ends the wait at once. Returns 1 with *byte set, 0
 * when no urgent data came in time, or -1 with errno set: ENODATA when the
 * peer closed its side and no urgent byte came.
 */
int tcp_recv_urgent(int fd, char *byte, int timeout_ms);

/*
 * Receives the ordinary data sent before the urgent byte: reads into buf
 * until sockatmark() says the next byte is at the urgent mark (recv() never
 * reads across the mark), until cap bytes are in buf, or until the stream
 * ends. Call it once the mark is known (after POLLPRI or SIGURG). Returns
 * the number of bytes read (0 when already at the mark), or -1.
 */
ssize_t tcp_recv_to_mark(int fd, void *buf, size_t cap);

/* ---- 9. graceful termination -------------------------------------------------- */

/*
 * Half-closes the connection: shutdown(fd, SHUT_WR) sends FIN. The peer's
 * recv() then returns 0 after the data already sent, and the peer can still
 * send its reply, which fd can still receive. shutdown() does not release
 * the descriptor: close() (step 13) still has to. Returns 0, or -1 with
 * errno (ENOTCONN when fd is not connected).
 */
int tcp_shutdown_write(int fd);

/* ---- 10. termination by the remote side ---------------------------------------- */

/*
 * Waits for the peer to end its side: reads and discards until recv()
 * returns 0 (the peer's FIN), at most timeout_ms in all. Returns the number
 * of bytes discarded, or -1 with errno: ETIMEDOUT when the peer did not
 * close in time, ECONNRESET when it aborted.
 * After the peer has closed, a send on fd fails with EPIPE (tcp_send_all).
 */
ssize_t tcp_wait_peer_close(int fd, int timeout_ms);

/* ---- 11. abort ------------------------------------------------------------------- */

/*
 * Aborts the connection: sets SO_LINGER to {on, 0 seconds}, then close():
 * the kernel discards unsent data and sends RST instead of FIN, so the peer
 * gets ECONNRESET, and neither side enters TIME_WAIT. No shutdown() on this
 * path. fd is released even on failure. Returns 0, or -1 with errno.
 */
int tcp_abort(int fd);

/* ---- 12. errors ------------------------------------------------------------------- */

/*
 * Explains a failed step for a person, into buf (size bytes):
 *
 *     connect 127.0.0.1:41234: ECONNREFUSED (Connection refused)
 *       hint: nothing is listening on that port ...
 *
 * i.e. `what`, the symbolic errno name (errno_name() in common/err.h), its
 * text (strerror), and, for the errors of this lab, a "hint:" line saying
 * what to try. EADDRINUSE, ECONNREFUSED, ETIMEDOUT, EINVAL, ECONNRESET, EPIPE
 * and EAFNOSUPPORT each have their own hint; the EADDRINUSE hint names port 0
 * and SO_REUSEADDR. Returns what snprintf() returns (the full length; the
 * text was cut when that is >= size), or -1 with errno = EINVAL when buf or
 * what is NULL or size is 0.
 */
int tcp_describe_error(char *buf, size_t size, const char *what, int err);

/* ---- 13. release --------------------------------------------------------------- */

/*
 * Releases fd with close(). Never retried, even after EINTR: Linux frees
 * the descriptor either way, and a second close() could close a descriptor
 * that another thread just opened. The connection may outlive fd inside the
 * kernel: the side that closed first keeps it in TIME_WAIT for a minute
 * (2 MSL), so late segments of this connection cannot corrupt a new one
 * between the same two endpoints. Returns 0, or -1 with errno.
 */
int tcp_close(int fd);

/*
 * The graceful end, steps 9, 10 and 13: tcp_shutdown_write(),
 * tcp_wait_peer_close() for at most timeout_ms, then tcp_close(). The side
 * that calls it before its peer closes is the one that enters TIME_WAIT.
 * fd is released in every case. When shutdown() fails (ENOTCONN: never
 * connected, or reset by the peer already) there is no FIN to wait for: it
 * does not wait, closes fd and returns -1 with shutdown()'s errno.
 * Otherwise returns 0, or -1 with errno of the first step that failed.
 */
int tcp_close_gracefully(int fd, int timeout_ms);

#endif
