/*
 * errno_names.c - the symbolic name of an errno value, and a hint for the
 * ones students meet most; one file for both builds of the kit.
 *
 * strerror() gives the text ("Address already in use") but not the name a
 * programmer greps for (EADDRINUSE). glibc has strerrorname_np() since 2.32,
 * but it is a GNU extension, and Windows has nothing of the kind, so the kit
 * keeps its own table. Aliases that share a value on Linux (EWOULDBLOCK =
 * EAGAIN, EDEADLOCK = EDEADLK, ENOTSUP = EOPNOTSUPP) appear once, under the
 * name the kernel headers use first. tests/common checks this table against
 * every value strerror() knows.
 *
 * The Windows build of lab 04 (labs/04-tcp-lifecycle/win/windows.mk) compiles
 * this same file. There an errno is one of two kinds of number: the C
 * runtime's (ENOENT = 2, EINVAL = 22, ...) or, from a socket call, WinSock's
 * (WSAECONNREFUSED = 10061, ...), which sock_win.c copies to errno. So the
 * table has the names both systems define, then each system's own; one
 * lookup and one list of hints serve both. (Windows' texts: common/win/err_win.c.)
 */
#ifdef _WIN32
#include <winsock2.h> /* the WSA... numbers */
#endif

#include <errno.h>
#include <stdio.h>

#include "err.h"

struct errno_entry {
    int value;
    const char *name;
};

#define E(name)                                                                                    \
    {                                                                                              \
        name, #name                                                                                \
    }

static const struct errno_entry ERRNO_TABLE[] = {
    /* POSIX's names, which Linux and Windows' C runtime (MinGW-w64) both define */
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
    E(EXDEV),
    E(ENODEV),
    E(ENOTDIR),
    E(EISDIR),
    E(EINVAL),
    E(ENFILE),
    E(EMFILE),
    E(ENOTTY),
    E(ETXTBSY),
    E(EFBIG),
    E(ENOSPC),
    E(ESPIPE),
    E(EROFS),
    E(EMLINK),
    E(EPIPE),
    E(EDOM),
    E(ERANGE),
    E(EDEADLK),
    E(ENAMETOOLONG),
    E(ENOLCK),
    E(ENOSYS),
    E(ENOTEMPTY),
    E(ELOOP),
    E(ENOMSG),
    E(EIDRM),
    E(ENOSTR),
    E(ENODATA),
    E(ETIME),
    E(ENOSR),
    E(ENOLINK),
    E(EPROTO),
    E(EBADMSG),
    E(EOVERFLOW),
    E(EILSEQ),
    E(ENOTSOCK),
    E(EDESTADDRREQ),
    E(EMSGSIZE),
    E(EPROTOTYPE),
    E(ENOPROTOOPT),
    E(EPROTONOSUPPORT),
    E(EOPNOTSUPP),
    E(EAFNOSUPPORT),
    E(EADDRINUSE),
    E(EADDRNOTAVAIL),
    E(ENETDOWN),
    E(ENETUNREACH),
    E(ENETRESET),
    E(ECONNABORTED),
    E(ECONNRESET),
    E(ENOBUFS),
    E(EISCONN),
    E(ENOTCONN),
    E(ETIMEDOUT),
    E(ECONNREFUSED),
    E(EHOSTUNREACH),
    E(EALREADY),
    E(EINPROGRESS),
    E(ECANCELED),
    E(EOWNERDEAD),
    E(ENOTRECOVERABLE),
#ifdef _WIN32
    /* Two that MinGW-w64 gives numbers of their own (on Linux they are aliases) */
    E(EWOULDBLOCK),
    E(ENOTSUP),
    /* WinSock's, for the socket calls */
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
#else
    /* Linux's own */
    E(ENOTBLK),
    E(ECHRNG),
    E(EL2NSYNC),
    E(EL3HLT),
    E(EL3RST),
    E(ELNRNG),
    E(EUNATCH),
    E(ENOCSI),
    E(EL2HLT),
    E(EBADE),
    E(EBADR),
    E(EXFULL),
    E(ENOANO),
    E(EBADRQC),
    E(EBADSLT),
    E(EBFONT),
    E(ENONET),
    E(ENOPKG),
    E(EREMOTE),
    E(EADV),
    E(ESRMNT),
    E(ECOMM),
    E(EMULTIHOP),
    E(EDOTDOT),
    E(ENOTUNIQ),
    E(EBADFD),
    E(EREMCHG),
    E(ELIBACC),
    E(ELIBBAD),
    E(ELIBSCN),
    E(ELIBMAX),
    E(ELIBEXEC),
    E(ERESTART),
    E(ESTRPIPE),
    E(EUSERS),
    E(ESOCKTNOSUPPORT),
    E(EPFNOSUPPORT),
    E(ESHUTDOWN),
    E(ETOOMANYREFS),
    E(EHOSTDOWN),
    E(ESTALE),
    E(EUCLEAN),
    E(ENOTNAM),
    E(ENAVAIL),
    E(EISNAM),
    E(EREMOTEIO),
    E(EDQUOT),
    E(ENOMEDIUM),
    E(EMEDIUMTYPE),
    E(ENOKEY),
    E(EKEYEXPIRED),
    E(EKEYREVOKED),
    E(EKEYREJECTED),
    E(ERFKILL),
    E(EHWPOISON),
#endif
};

const char *errno_name(int err)
{
    for (size_t i = 0; i < sizeof ERRNO_TABLE / sizeof ERRNO_TABLE[0]; i++) {
        if (ERRNO_TABLE[i].value == err)
            return ERRNO_TABLE[i].name;
    }
    /* Unknown values still get a greppable name. Not thread-safe, but only
     * reached for values no version of the system defines. */
    static char unknown[24];
    snprintf(unknown, sizeof unknown, "E%d", err);
    return unknown;
}

struct errno_hint {
    int value;
    const char *hint;
};

/* HINT(E, text) gives E its hint. SOCKET_HINT(E, text) does too, and on
 * Windows also gives it to WinSock's number for the same error (WSA + E:
 * WSAECONNREFUSED for ECONNREFUSED), which is what a socket call sets there. */
#define HINT(name, text)                                                                           \
    {                                                                                              \
        name, text                                                                                 \
    }
#ifdef _WIN32
#define SOCKET_HINT(name, text)                                                                    \
    {name, text},                                                                                  \
    {                                                                                              \
        WSA##name, text                                                                            \
    }
#else
#define SOCKET_HINT(name, text)                                                                    \
    {                                                                                              \
        name, text                                                                                 \
    }
#endif

static const char PERMISSIONS[] = "check the permissions of the file, object or directory";
static const char TOO_MANY_FDS[] =
    "too many open descriptors; look for an fd leak (ls -l /proc/PID/fd)";

static const struct errno_hint HINTS[] = {
    SOCKET_HINT(ECONNREFUSED, "nothing listens there; start the server first and check the port"),
    SOCKET_HINT(ETIMEDOUT,
                "the peer did not answer in time; check the address and that the host is up"),
    SOCKET_HINT(ECONNRESET, "the peer aborted the connection (RST), e.g. it closed with unread "
                            "data or SO_LINGER 0"),
    SOCKET_HINT(ECONNABORTED,
                "this side's TCP gave the connection up (e.g. a send after the peer's RST)"),
    SOCKET_HINT(EINVAL,
                "an argument is out of range or the object is in the wrong state for this call"),
    SOCKET_HINT(EAFNOSUPPORT, "this address family is not available here (is IPv6 disabled?)"),
    SOCKET_HINT(EMSGSIZE, "the message is larger than the channel can carry; send a smaller one"),
    SOCKET_HINT(EMFILE, TOO_MANY_FDS),
    HINT(ENFILE, TOO_MANY_FDS),
    HINT(EACCES, PERMISSIONS),
    HINT(EPERM, PERMISSIONS),
    HINT(EPIPE, "the reader is gone; close unused ends and stop writing when the peer has closed"),
    HINT(EEXIST, "a previous run left the object behind; remove it or choose another name"),
    HINT(ENOENT, "check the name or path; has the creating process started yet?"),
    HINT(ENOSYS, "not implemented yet: fill in the TODO in your lab file"),
    HINT(EOWNERDEAD, "the process holding the lock died; the state it guarded may be inconsistent"),
#ifdef _WIN32
    /* Windows' SO_REUSEADDR lets a second socket take a port in use: no hint to use it. */
    HINT(WSAEADDRINUSE, "another socket holds this address: pick another port or port 0"),
    HINT(WSAESHUTDOWN, "this side already called shutdown(SD_SEND): no more sending on it"),
    HINT(WSANOTINITIALISED,
         "WinSock is not loaded: call WSAStartup() (sock_startup()) before any socket call"),
#endif
    HINT(EADDRINUSE, "another socket holds this address: for TCP pick another port or port 0 "
                     "(SO_REUSEADDR for TIME_WAIT); for a UNIX socket, is its server still "
                     "running?"),
};

const char *errno_hint(int err)
{
    for (size_t i = 0; i < sizeof HINTS / sizeof HINTS[0]; i++) {
        if (HINTS[i].value == err)
            return HINTS[i].hint;
    }
    return NULL;
}
