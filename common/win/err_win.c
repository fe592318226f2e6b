/*
 * err_win.c - error names and texts for the Windows build; it takes the
 * place of errno_names.c there (see err.h for the contract).
 *
 * On Windows an errno is one of two kinds of number: the C runtime's
 * (ENOENT = 2, EINVAL = 22, ...) or, from a socket call, WinSock's
 * (WSAECONNREFUSED = 10061, ...), which sock_win.c copies to errno. Both
 * get their symbolic name, so a message reads
 *
 *     tcp_client.exe[...]: connect to 127.0.0.1 port 9: WSAECONNREFUSED (No connection ...)
 *
 * with the text Windows itself gives (FormatMessage) and the kit's hint.
 */
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <winsock2.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "win/posix_win.h"

struct errno_entry {
    int value;
    const char *name;
};

#define E(name)                                                                                    \
    {                                                                                              \
        name, #name                                                                                \
    }

/* The C runtime's numbers (MinGW's errno.h), then WinSock's. */
static const struct errno_entry ERRNO_TABLE[] = {
    E(EPERM),
    E(ENOENT),
    E(ESRCH),
    E(EINTR),
    E(EIO),
    E(ENXIO),
    E(E2BIG),
    E(ENOEXEC),
    E(EBADF),
    E(ECHILD),
    E(EAGAIN),
    E(ENOMEM),
    E(EACCES),
    E(EFAULT),
    E(EBUSY),
    E(EEXIST),
    E(ENODEV),
    E(ENOTDIR),
    E(EISDIR),
    E(EINVAL),
    E(ENFILE),
    E(EMFILE),
    E(ENOSPC),
    E(EPIPE),
    E(ERANGE),
    E(ENAMETOOLONG),
    E(ENOSYS),
    E(EPROTO),
    E(ENODATA),
    E(EBADMSG),
    E(WSAEINTR),
    E(WSAEBADF),
    E(WSAEACCES),
    E(WSAEFAULT),
    E(WSAEINVAL),
    E(WSAEMFILE),
    E(WSAEWOULDBLOCK),
    E(WSAEINPROGRESS),
    E(WSAEALREADY),
    E(WSAENOTSOCK),
    E(WSAEDESTADDRREQ),
    E(WSAEMSGSIZE),
    E(WSAEPROTOTYPE),
    E(WSAENOPROTOOPT),
    E(WSAEPROTONOSUPPORT),
    E(WSAESOCKTNOSUPPORT),
    E(WSAEOPNOTSUPP),
    E(WSAEPFNOSUPPORT),
    E(WSAEAFNOSUPPORT),
    E(WSAEADDRINUSE),
    E(WSAEADDRNOTAVAIL),
    E(WSAENETDOWN),
    E(WSAENETUNREACH),
    E(WSAENETRESET),
    E(WSAECONNABORTED),
    E(WSAECONNRESET),
    E(WSAENOBUFS),
    E(WSAEISCONN),
    E(WSAENOTCONN),
    E(WSAESHUTDOWN),
    E(WSAETIMEDOUT),
    E(WSAECONNREFUSED),
    E(WSAEHOSTDOWN),
    E(WSAEHOSTUNREACH),
    E(WSASYSNOTREADY),
    E(WSAVERNOTSUPPORTED),
    E(WSANOTINITIALISED),
    E(WSAEDISCON),
    E(WSAHOST_NOT_FOUND),
    E(WSATRY_AGAIN),
    E(WSANO_RECOVERY),
    E(WSANO_DATA),
};

const char *errno_name(int err)
{
    for (size_t i = 0; i < sizeof ERRNO_TABLE / sizeof ERRNO_TABLE[0]; i++) {
        if (ERRNO_TABLE[i].value == err)
            return ERRNO_TABLE[i].name;
    }
    static char unknown[24];
    snprintf(unknown, sizeof unknown, "E%d", err);
    return unknown;
}

const char *errno_hint(int err)
{
    switch (err) {
    case WSANOTINITIALISED:
        return "WinSock is not loaded: call WSAStartup() (sock_startup()) before any socket call";
    case WSAEADDRINUSE:
        return "another socket holds this address: pick another port or port 0";
    case WSAECONNREFUSED:
        return "nothing listens there; start the server first and check the port";
    case WSAETIMEDOUT:
        return "the peer did not answer in time; check the address and that the host is up";
    case WSAECONNRESET:
        return "the peer aborted the connection (RST), e.g. it closed with unread data or "
               "SO_LINGER 0";
    case WSAECONNABORTED:
        return "this side's TCP gave the connection up (e.g. a send after the peer's RST)";
    case WSAESHUTDOWN:
        return "this side already called shutdown(SD_SEND): no more sending on it";
    case WSAEINVAL:
    case EINVAL:
        return "an argument is out of range or the socket is in the wrong state for this call";
    case WSAEAFNOSUPPORT:
        return "this address family is not available here (is IPv6 disabled?)";
    case WSAEMSGSIZE:
        return "the message is larger than the channel can carry; send a smaller one";
    case ENOSYS:
        return "not implemented yet: fill in the TODO in your lab file";
    default:
        return NULL;
    }
}

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
