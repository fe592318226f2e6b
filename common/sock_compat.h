/*
 * sock_compat.h - one socket vocabulary for BSD sockets (Linux) and WinSock
 * (Windows), so lab 04's sources build on both systems unchanged.
 *
 * TCP is the same protocol on both sides of the wire; only the programming
 * interface differs, and mostly in names. This header gives lab 04 the
 * names of both, each defined on the system that lacks it:
 *
 *   WinSock                       BSD sockets (Linux)
 *   SOCKET, INVALID_SOCKET        int, -1
 *   SOCKET_ERROR                  -1
 *   closesocket(s)                close(fd)
 *   SD_RECEIVE, SD_SEND, SD_BOTH  SHUT_RD, SHUT_WR, SHUT_RDWR
 *   WSAGetLastError()             errno                  (sock_error())
 *   WSAStartup(), WSACleanup()    nothing to do          (sock_startup(), sock_cleanup())
 *   WSAPoll()                     poll()
 *
 * On Linux everything below is the system's own call: this file only
 * includes the usual headers and names a few constants twice, so the Linux
 * build, its tests and lab 04's contract are exactly what they were.
 *
 * On Windows (built with MinGW-w64, see the lab 04 handout) the lab keeps
 * its contract: functions return -1 and set errno. WinSock reports its
 * errors through WSAGetLastError() instead, with its own numbers
 * (WSAECONNREFUSED = 10061), so each socket call the lab makes goes through
 * a small wrapper (common/win/sock_win.c) that copies that number to errno.
 * The errno names the lab compares with (ECONNREFUSED, ...) are the WSA
 * numbers there, and messages print the WinSock name: "WSAECONNREFUSED".
 * Where the two APIs differ in meaning, not just in name, the Windows part
 * says so next to the definition.
 */
#ifndef IPC_KIT_SOCK_COMPAT_H
#define IPC_KIT_SOCK_COMPAT_H

#ifndef _WIN32
/* ---- Linux (POSIX) ------------------------------------------------------------ */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

typedef int SOCKET;                  /* a descriptor, like a file's */
#define INVALID_SOCKET  (-1)         /* what socket() and accept() return on failure */
#define SOCKET_ERROR    (-1)         /* what the other calls return on failure */
#define closesocket(fd) close(fd)    /* a socket is released like any descriptor */
#define SD_RECEIVE      SHUT_RD      /* shutdown(): no more receiving */
#define SD_SEND         SHUT_WR      /* shutdown(): FIN, no more sending */
#define SD_BOTH         SHUT_RDWR    /* shutdown(): both */
#define sock_error()    (errno)      /* the last socket error */
static inline int sock_startup(void) /* nothing to load: sockets are system calls */
{
    return 0;
}
static inline void sock_cleanup(void)
{
}

#else
/* ---- Windows (WinSock 2) --------------------------------------------------------- */
#include "win/sock_win.h"
#endif

#endif
