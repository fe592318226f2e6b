/*
 * sock_win.h - the Windows half of sock_compat.h: include sock_compat.h,
 * never this file.
 *
 * WinSock 2 has the BSD calls under the same names, with four differences
 * that matter to lab 04, each handled here:
 *   - a socket is a SOCKET handle, not an int, and INVALID_SOCKET, not -1,
 *     is the failed socket(). The lab keeps its sockets in an int, as its
 *     contract says: 64-bit Windows uses 32-bit handles (only the low 32 bits
 *     count, so Microsoft allows truncating a handle and sign-extending it
 *     back), so an int holds a SOCKET exactly and INVALID_SOCKET becomes -1;
 *   - errors are read with WSAGetLastError(), and are WSA numbers (WSAE*):
 *     every call below copies that number to errno, so "-1 with errno" still
 *     holds, and the E* names the lab uses stand for those WSA numbers;
 *   - some calls differ in meaning (no SIGPIPE, no F_SETOWN/SIGURG, WSAPoll
 *     without POLLPRI, no sockatmark()): see each one below;
 *   - the WinSock DLL must be loaded first: sock_startup() (WSAStartup) in
 *     main(), sock_cleanup() (WSACleanup) at the end.
 * The wrappers are in sock_win.c; each is the WinSock call plus errno.
 */
#ifndef IPC_KIT_SOCK_WIN_H
#define IPC_KIT_SOCK_WIN_H

#ifndef _WIN32_WINNT
#define _WIN32_WINNT 0x0600 /* Windows Vista and later: WSAPoll(), inet_ntop() */
#endif
/* select() (sock_win.c) watches at most FD_SETSIZE sockets; the poll server has 101. */
#define FD_SETSIZE 128
#include <winsock2.h>
#include <ws2tcpip.h>

#include <errno.h>
#include <stddef.h>
#include <sys/types.h>
#include <unistd.h>

/* ---- loading WinSock ------------------------------------------------------------------ */

/* WSAStartup(MAKEWORD(2, 2)): loads WinSock 2.2. Returns 0, or -1 with errno. */
int sock_startup(void);
/* WSACleanup(): the process no longer needs WinSock. */
void sock_cleanup(void);
/* The last socket error, a WSA number: WSAGetLastError(). */
#define sock_error() ((int)WSAGetLastError())

/* ---- the POSIX names of WinSock's constants ------------------------------------------- */

#define SHUT_RD   SD_RECEIVE
#define SHUT_WR   SD_SEND
#define SHUT_RDWR SD_BOTH
/* No SIGPIPE on Windows: a send() to a peer that has gone fails with
 * WSAECONNRESET or WSAECONNABORTED, and nothing kills the process. */
#define MSG_NOSIGNAL 0
/* No per-call "do not wait" flag in WinSock: sockw_send() and sockw_recv()
 * make the socket non-blocking (FIONBIO) for that one call instead. */
#define MSG_DONTWAIT 0x40000000
/* No "the peer closed its sending half" event in WSAPoll(): sockw_poll()
 * finds it by peeking (recv(MSG_PEEK) = 0) on a readable socket. */
#define POLLRDHUP 0x4000
/* getaddrinfo() has no EAI_SYSTEM here: its errors are WSA numbers, and none is negative. */
#define EAI_SYSTEM (-1)
/* fcntl() exists only for files; sockw_fcntl() knows these three requests. */
#define F_GETFL    3
#define F_SETFL    4
#define F_SETOWN   8
#define O_NONBLOCK 0x4000

/*
 * Options that keep their names but not all of their meaning:
 *   - SO_REUSEADDR: on Linux it only lets a server bind a port whose old
 *     connections are in TIME_WAIT. On Windows it also lets a second socket
 *     bind a port another one is using, even listening on it; servers that
 *     must own their port set SO_EXCLUSIVEADDRUSE instead. tcp_bind() sets
 *     SO_REUSEADDR on both systems, as the lab's contract says.
 *   - SO_LINGER {1, 0}: the same abort (RST, no TIME_WAIT) on both; WinSock's
 *     struct linger has u_short fields where POSIX has int.
 *   - MSG_OOB: the same urgent byte on the wire; Windows reads the urgent
 *     pointer the BSD way unless TCP_EXPEDITED_1122 is set, and Microsoft
 *     advises against urgent data in new programs. No SIGURG (see sockw_fcntl).
 */

/*
 * The errno names lab 04 compares with or sets, as WinSock's numbers, so
 * `errno == ECONNRESET` sees WSAECONNRESET. One real difference: a
 * non-blocking connect() in progress is WSAEWOULDBLOCK, not EINPROGRESS.
 */
#undef EINPROGRESS
#define EINPROGRESS WSAEWOULDBLOCK
#undef EWOULDBLOCK
#define EWOULDBLOCK WSAEWOULDBLOCK
#undef EAGAIN
#define EAGAIN WSAEWOULDBLOCK
#undef EINVAL
#define EINVAL WSAEINVAL
#undef EMSGSIZE
#define EMSGSIZE WSAEMSGSIZE
#undef EAFNOSUPPORT
#define EAFNOSUPPORT WSAEAFNOSUPPORT
#undef EADDRINUSE
#define EADDRINUSE WSAEADDRINUSE
#undef EADDRNOTAVAIL
#define EADDRNOTAVAIL WSAEADDRNOTAVAIL
#undef ENETUNREACH
#define ENETUNREACH WSAENETUNREACH
#undef ECONNABORTED
#define ECONNABORTED WSAECONNABORTED
#undef ECONNRESET
#define ECONNRESET WSAECONNRESET
#undef ENOTCONN
#define ENOTCONN WSAENOTCONN
#undef ETIMEDOUT
#define ETIMEDOUT WSAETIMEDOUT
#undef ECONNREFUSED
#define ECONNREFUSED WSAECONNREFUSED
#undef EHOSTUNREACH
#define EHOSTUNREACH WSAEHOSTUNREACH

/* ---- the calls: WinSock, plus errno -------------------------------------------------- */

int sockw_socket(int family, int type, int protocol);
int sockw_bind(int fd, const struct sockaddr *addr, socklen_t len);
int sockw_listen(int fd, int backlog);
int sockw_accept(int fd, struct sockaddr *addr, socklen_t *len);
int sockw_connect(int fd, const struct sockaddr *addr, socklen_t len);
int sockw_getsockname(int fd, struct sockaddr *addr, socklen_t *len);
int sockw_getpeername(int fd, struct sockaddr *addr, socklen_t *len);
/* WinSock's option value is a char *; these take any pointer, as POSIX does.
 * SO_RCVTIMEO and SO_SNDTIMEO are a DWORD of milliseconds in WinSock, a
 * struct timeval in POSIX: sockw_setsockopt() converts. A wait that times
 * out then fails with WSAETIMEDOUT, where POSIX says EAGAIN. */
int sockw_setsockopt(int fd, int level, int name, const void *value, socklen_t len);
int sockw_getsockopt(int fd, int level, int name, void *value, socklen_t *len);
/* WinSock counts bytes in an int; these take a size_t and send at most INT_MAX. */
ssize_t sockw_send(int fd, const void *buf, size_t len, int flags);
ssize_t sockw_recv(int fd, void *buf, size_t len, int flags);
int sockw_shutdown(int fd, int how);
/* closesocket(), not close(): on Windows a socket is not a C runtime file. */
int sockw_closesocket(int fd);
/*
 * poll() is WSAPoll(), which has no POLLPRI (Microsoft's provider refuses
 * it): a set that asks for POLLPRI is watched with select(), whose
 * exceptfds report urgent data. Note: WSAPoll() of older Windows versions
 * never reports a connect() that failed; it times out instead.
 */
int sockw_poll(struct pollfd *fds, size_t count, int timeout_ms);
/* sockatmark() is ioctlsocket(SIOCATMARK), whose answer is the other way
 * round: TRUE means "no urgent data waiting"; this returns POSIX's 1 = at the mark. */
int sockw_sockatmark(int fd);
/*
 * fcntl() on a socket: F_GETFL and F_SETFL with O_NONBLOCK become
 * ioctlsocket(FIONBIO). Windows cannot tell whether a socket is
 * non-blocking, so F_GETFL reports what this module last set. F_SETOWN is
 * accepted and does nothing: Windows has no SIGURG, and urgent data is seen
 * only through poll() (POLLPRI) here.
 */
int sockw_fcntl(int fd, int cmd, ...);

/* The lab's sources call the POSIX names; sock_win.c itself needs WinSock's own. */
#ifndef SOCK_WIN_IMPL
#define socket(...)      sockw_socket(__VA_ARGS__)
#define bind(...)        sockw_bind(__VA_ARGS__)
#define listen(...)      sockw_listen(__VA_ARGS__)
#define accept(...)      sockw_accept(__VA_ARGS__)
#define connect(...)     sockw_connect(__VA_ARGS__)
#define getsockname(...) sockw_getsockname(__VA_ARGS__)
#define getpeername(...) sockw_getpeername(__VA_ARGS__)
#define setsockopt(...)  sockw_setsockopt(__VA_ARGS__)
#define getsockopt(...)  sockw_getsockopt(__VA_ARGS__)
#define send(...)        sockw_send(__VA_ARGS__)
#define recv(...)        sockw_recv(__VA_ARGS__)
#define shutdown(...)    sockw_shutdown(__VA_ARGS__)
#define closesocket(...) sockw_closesocket(__VA_ARGS__)
#define poll(...)        sockw_poll(__VA_ARGS__)
#define sockatmark(...)  sockw_sockatmark(__VA_ARGS__)
#define fcntl(...)       sockw_fcntl(__VA_ARGS__)
#endif

#endif
