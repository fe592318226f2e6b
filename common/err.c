/*
 * err.c - error reporting shared by every program (see err.h).
 *
 * Messages are built in one buffer and written with a single write(2) to
 * stderr, so lines from a parent and its child never interleave mid-line.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"

static const char *progname = "ipc-kit";

void err_set_progname(const char *argv0)
{
    const char *slash = strrchr(argv0, '/');
    progname = slash ? slash + 1 : argv0;
}

const char *err_progname(void)
{
    return progname;
}

void err_write_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        buf += n;
        len -= (size_t)n;
    }
}

/* Appends printf-style text to buf at *used; a long text is cut, never overflows. */
static void vappend(char *buf, size_t size, size_t *used, const char *fmt, va_list ap)
{
    if (*used + 1 >= size)
        return;
    int n = vsnprintf(buf + *used, size - *used, fmt, ap);
    if (n > 0)
        *used += (size_t)n < size - *used ? (size_t)n : size - *used - 1;
}

static void append(char *buf, size_t size, size_t *used, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void append(char *buf, size_t size, size_t *used, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vappend(buf, size, used, fmt, ap);
    va_end(ap);
}

/* The one formatter behind every warn and die: err < 0 means "no errno". */
static void report(int err, const char *fmt, va_list ap)
{
    char buf[1024];
    size_t used = 0;
    append(buf, sizeof buf, &used, "%s[%ld]: ", progname, (long)getpid());
    vappend(buf, sizeof buf, &used, fmt, ap);
    if (err >= 0) {
        append(buf, sizeof buf, &used, ": %s (%s)", errno_name(err), strerror(err));
        const char *hint = errno_hint(err);
        if (hint)
            append(buf, sizeof buf, &used, "\n  hint: %s", hint);
    }
    append(buf, sizeof buf, &used, "\n");
    err_write_all(STDERR_FILENO, buf, used);
}

void warn_errno(const char *fmt, ...)
{
    int saved = errno;
    va_list ap;
    va_start(ap, fmt);
    report(saved, fmt, ap);
    va_end(ap);
    errno = saved;
}

void warn_err(int err, const char *fmt, ...)
{
    int saved = errno;
    va_list ap;
    va_start(ap, fmt);
    report(err, fmt, ap);
    va_end(ap);
    errno = saved;
}

void warn_msg(const char *fmt, ...)
{
    int saved = errno;
    va_list ap;
    va_start(ap, fmt);
    report(-1, fmt, ap);
    va_end(ap);
    errno = saved;
}

void die_errno(const char *fmt, ...)
{
    int saved = errno;
    va_list ap;
    va_start(ap, fmt);
    report(saved, fmt, ap);
    va_end(ap);
    exit(EXIT_FATAL);
}

void die_errno_child(const char *fmt, ...)
{
    int saved = errno;
    va_list ap;
    va_start(ap, fmt);
    report(saved, fmt, ap);
    va_end(ap);
    _exit(EXIT_FATAL);
}

void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report(-1, fmt, ap);
    va_end(ap);
    exit(EXIT_FATAL);
}

void die_usage(const char *fmt, ...)
{
    char buf[512];
    size_t used = 0;
    append(buf, sizeof buf, &used, "%s: ", progname);
    va_list ap;
    va_start(ap, fmt);
    vappend(buf, sizeof buf, &used, fmt, ap);
    va_end(ap);
    append(buf, sizeof buf, &used, "\nTry '%s -h' for help.\n", progname);
    err_write_all(STDERR_FILENO, buf, used);
    exit(EXIT_USAGE);
}
