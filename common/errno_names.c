/*
 * errno_names.c - the symbolic name of every errno value Linux defines.
 *
 * strerror() gives the text ("Address already in use") but not the name a
 * programmer greps for (EADDRINUSE). glibc has strerrorname_np() since 2.32,
 * but it is a GNU extension, so the kit keeps its own table. Aliases that
 * share a value (EWOULDBLOCK = EAGAIN, EDEADLOCK = EDEADLK, ENOTSUP =
 * EOPNOTSUPP) appear once, under the name the kernel headers use first.
 * tests/common checks this table against every value strerror() knows.
 */
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
    E(ENOTBLK),
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
    E(ENOSTR),
    E(ENODATA),
    E(ETIME),
    E(ENOSR),
    E(ENONET),
    E(ENOPKG),
    E(EREMOTE),
    E(ENOLINK),
    E(EADV),
    E(ESRMNT),
    E(ECOMM),
    E(EPROTO),
    E(EMULTIHOP),
    E(EDOTDOT),
    E(EBADMSG),
    E(EOVERFLOW),
    E(ENOTUNIQ),
    E(EBADFD),
    E(EREMCHG),
    E(ELIBACC),
    E(ELIBBAD),
    E(ELIBSCN),
    E(ELIBMAX),
    E(ELIBEXEC),
    E(EILSEQ),
    E(ERESTART),
    E(ESTRPIPE),
    E(EUSERS),
    E(ENOTSOCK),
    E(EDESTADDRREQ),
    E(EMSGSIZE),
    E(EPROTOTYPE),
    E(ENOPROTOOPT),
    E(EPROTONOSUPPORT),
    E(ESOCKTNOSUPPORT),
    E(EOPNOTSUPP),
    E(EPFNOSUPPORT),
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
    E(ESHUTDOWN),
    E(ETOOMANYREFS),
    E(ETIMEDOUT),
    E(ECONNREFUSED),
    E(EHOSTDOWN),
    E(EHOSTUNREACH),
    E(EALREADY),
    E(EINPROGRESS),
    E(ESTALE),
    E(EUCLEAN),
    E(ENOTNAM),
    E(ENAVAIL),
    E(EISNAM),
    E(EREMOTEIO),
    E(EDQUOT),
    E(ENOMEDIUM),
    E(EMEDIUMTYPE),
    E(ECANCELED),
    E(ENOKEY),
    E(EKEYEXPIRED),
    E(EKEYREVOKED),
    E(EKEYREJECTED),
    E(EOWNERDEAD),
    E(ENOTRECOVERABLE),
    E(ERFKILL),
    E(EHWPOISON),
};

const char *errno_name(int err)
{
    for (size_t i = 0; i < sizeof ERRNO_TABLE / sizeof ERRNO_TABLE[0]; i++) {
        if (ERRNO_TABLE[i].value == err)
            return ERRNO_TABLE[i].name;
    }
    /* Unknown values still get a greppable name. Not thread-safe, but only
     * reached for values no Linux version defines. */
    static char unknown[24];
    snprintf(unknown, sizeof unknown, "E%d", err);
    return unknown;
}

const char *errno_hint(int err)
{
    switch (err) {
    case EADDRINUSE:
        return "another socket holds this address: for TCP pick another port or port 0 "
               "(SO_REUSEADDR for TIME_WAIT); for a UNIX socket, is its server still running?";
    case ECONNREFUSED:
        return "nothing listens there; start the server first and check the port";
    case ETIMEDOUT:
        return "the peer did not answer in time; check the address and that the host is up";
    case ECONNRESET:
        return "the peer aborted the connection (RST), e.g. it closed with unread data or "
               "SO_LINGER 0";
    case EPIPE:
        return "the reader is gone; close unused ends and stop writing when the peer has closed";
    case EEXIST:
        return "a previous run left the object behind; remove it or choose another name";
    case ENOENT:
        return "check the name or path; has the creating process started yet?";
    case EACCES:
    case EPERM:
        return "check the permissions of the file, object or directory";
    case EMFILE:
    case ENFILE:
        return "too many open descriptors; look for an fd leak (ls -l /proc/PID/fd)";
    case EINVAL:
        return "an argument is out of range or the object is in the wrong state for this call";
    case EAFNOSUPPORT:
        return "this address family is not available here (is IPv6 disabled?)";
    case EMSGSIZE:
        return "the message is larger than the channel can carry; send a smaller one";
    case ENOSYS:
        return "not implemented yet: fill in the TODO in your lab file";
    case EOWNERDEAD:
        return "the process holding the lock died; the state it guarded may be inconsistent";
    default:
        return NULL;
    }
}
