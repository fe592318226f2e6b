/*
 * err_win.c - error texts for the Windows build: strerror() that knows
 * WinSock's numbers too (posix_win.h makes strerror() this win_strerror()).
 *
 * On Windows an errno is one of two kinds of number: the C runtime's
 * (ENOENT = 2, EINVAL = 22, ...) or, from a socket call, WinSock's
 * (WSAECONNREFUSED = 10061, ...), which sock_win.c copies to errno. The
 * names and hints of both come from common/errno_names.c, as on Linux; the
 * text here is the one Windows itself gives (FormatMessage), so a message reads
 *
 *     tcp_client.exe[...]: connect to 127.0.0.1 port 9: WSAECONNREFUSED (No connection ...)
 */
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <winsock2.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "win/posix_win.h"

/*
 * Windows' own texts for the WinSock errors lab 04 meets, for when the
 * system has no message table for them (Wine has none).
 */
static const char *wsa_text(int err)
{
    switch (err) {
    case WSAEWOULDBLOCK:
        return "A non-blocking socket operation could not be completed immediately";
    case WSAEINVAL:
        return "An invalid argument was supplied";
    case WSAEMSGSIZE:
        return "A message sent on a datagram socket was larger than the internal message "
               "buffer or some other network limit";
    case WSAEAFNOSUPPORT:
        return "An address incompatible with the requested protocol was used";
    case WSAEADDRINUSE:
        return "Only one usage of each socket address (protocol/network address/port) is "
               "normally permitted";
    case WSAEADDRNOTAVAIL:
        return "The requested address is not valid in its context";
    case WSAENETUNREACH:
        return "A socket operation was attempted to an unreachable network";
    case WSAECONNABORTED:
        return "An established connection was aborted by the software in your host machine";
    case WSAECONNRESET:
        return "An existing connection was forcibly closed by the remote host";
    case WSAENOTCONN:
        return "A request to send or receive data was disallowed because the socket is not "
               "connected";
    case WSAESHUTDOWN:
        return "A request to send or receive data was disallowed because the socket had "
               "already been shut down in that direction with a previous shutdown call";
    case WSAETIMEDOUT:
        return "A connection attempt failed because the connected party did not properly "
               "respond after a period of time";
    case WSAECONNREFUSED:
        return "No connection could be made because the target machine actively refused it";
    case WSANOTINITIALISED:
        return "Either the application has not called WSAStartup, or WSAStartup failed";
    case WSAHOST_NOT_FOUND:
        return "No such host is known";
    default:
        return NULL;
    }
}

/*
 * strerror() of the C runtime knows only its own numbers ("Unknown error"
 * for 10061); WinSock's texts come from the system's message table.
 */
const char *win_strerror(int err)
{
    if (err < WSABASEERR)
        return (strerror)(err); /* the C runtime's own; the parentheses skip the macro */
    static char text[256];
    DWORD n =
        FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL, (DWORD)err,
                       MAKELANGID(LANG_ENGLISH, SUBLANG_ENGLISH_US), text, sizeof text, NULL);
    if (n == 0)
        n = FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL,
                           (DWORD)err, 0, text, sizeof text, NULL);
    if (n == 0) {
        const char *known = wsa_text(err);
        if (known != NULL)
            return known;
        snprintf(text, sizeof text, "WinSock error %d", err);
        return text;
    }
    /* The system's text ends in ".\r\n"; a message line goes on after it. */
    while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r' || text[n - 1] == '.'))
        text[--n] = '\0';
    return text;
}
