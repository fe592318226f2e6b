/*
 * err.h - one way to report errors, for every ipc-kit program.
 *
 * A failed system call is reported as
 *
 *     tcp_server[4242]: bind 127.0.0.1:27015: EADDRINUSE (Address already in use)
 *       hint: another process holds this address; choose another port or use port 0
 *
 * i.e. program name, pid, what was attempted, the symbolic errno, its text,
 * and (for the errnos students meet most) a line saying what to try.
 *
 * Exit statuses are fixed for the whole kit, so graders can rely on them:
 *     EXIT_USAGE (2)  bad command line          die_usage()
 *     EXIT_FATAL (1)  a call failed             die_errno(), die(), die_errno_child()
 * No function here ever exits with status 0.
 *
 * Library code (the labs' APIs) never calls die*(): it returns -1 and sets
 * errno, and lets main() decide. Only main() and these helpers exit.
 */
#ifndef IPC_KIT_ERR_H
#define IPC_KIT_ERR_H

#include <stddef.h>

enum { EXIT_FATAL = 1, EXIT_USAGE = 2 };

/* Sets the name used in messages; call first thing in main(). */
void err_set_progname(const char *argv0);
const char *err_progname(void);

/* "EADDRINUSE" for EADDRINUSE; "E<number>" (static buffer) when unknown. */
const char *errno_name(int err);

/* A one-line suggestion for common errnos, or NULL when there is none. */
const char *errno_hint(int err);

/* Prints "prog[pid]: <what>: ENAME (text)" plus a hint line; keeps errno. */
void warn_errno(const char *what_fmt, ...) __attribute__((format(printf, 1, 2)));

/* Like warn_errno() for an explicit error number (e.g. from pthread_*). */
void warn_err(int err, const char *what_fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Writes all of buf to fd, retrying after EINTR and short writes, for
 * diagnostics (messages, traces): a failure has nowhere to be reported, so
 * it is ignored. One call is one write(2) when the pipe or file takes it
 * whole, so lines from different processes do not interleave.
 */
void err_write_all(int fd, const char *buf, size_t len);

/* Prints "prog[pid]: <message>" with no errno. */
void warn_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* warn_errno(), then exit(EXIT_FATAL). */
_Noreturn void die_errno(const char *what_fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * The same for a forked child: ends with _exit(EXIT_FATAL), so stdio buffers
 * copied from the parent are not flushed a second time and the parent's
 * atexit() handlers do not run in the child.
 */
_Noreturn void die_errno_child(const char *what_fmt, ...) __attribute__((format(printf, 1, 2)));

/* warn_msg(), then exit(EXIT_FATAL). */
_Noreturn void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "prog: <message>" and "Try 'prog -h' for help.", then exit(EXIT_USAGE). */
_Noreturn void die_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
