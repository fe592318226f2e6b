/*
 * posix_win.h - the few POSIX pieces the common module uses that MinGW-w64
 * lacks or spells differently. The Windows build (windows.mk) includes it
 * first in every file (-include), so the common .c files stay exactly the Linux
 * sources; nothing here is seen by the Linux build.
 */
#ifndef IPC_KIT_POSIX_WIN_H
#define IPC_KIT_POSIX_WIN_H

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

/*
 * MinGW's GCC reads format(printf, ...) as Microsoft's printf dialect,
 * which has no %zu. The kit prints with MinGW's C99 printf
 * (__USE_MINGW_ANSI_STDIO, set by the build), so its format checks must use
 * the GNU dialect. System headers spell the attribute __format__: untouched.
 */
#define format(archetype, string_index, first_to_check)                                            \
    format(gnu_printf, string_index, first_to_check)

/* A descriptor that a child process must not inherit: Windows' O_NOINHERIT. */
#define O_CLOEXEC O_NOINHERIT
/* Windows has no controlling terminals, so there is nothing to avoid acquiring. */
#define O_NOCTTY 0

/* No flock() on Windows. step.c locks /dev/tty with it, and Windows has no
 * /dev/tty to open, so step mode stops before; this only lets step.c build. */
#define LOCK_EX 2
static inline int flock(int fd, int operation)
{
    (void)fd;
    (void)operation;
    errno = ENOSYS;
    return -1;
}

/* setenv() is _putenv_s() on Windows (which always overwrites). */
static inline int setenv(const char *name, const char *value, int overwrite)
{
    if (!overwrite && getenv(name) != NULL)
        return 0;
    return _putenv_s(name, value) == 0 ? 0 : -1;
}

/*
 * A Windows path separates folders with a backslash as well as '/', so the
 * last '/' of a path is the last of either. err.c looks for it to name the
 * program (argv[0] is "Z:\work\...\tcp_client.exe" under Wine): it then says
 * "tcp_client.exe[42]: ...", as the Linux build says "tcp_client[42]".
 */
static inline char *win_strrchr(const char *s, int c)
{
    const char *last = NULL;
    for (; *s != '\0'; s++) {
        if (*s == c || (c == '/' && *s == '\\'))
            last = s;
    }
    if (c == '\0')
        return (char *)s;
    return (char *)last;
}
#define strrchr(s, c) win_strrchr(s, c)

/* strerror() with WinSock's texts too (err_win.c). */
const char *win_strerror(int err);
#define strerror(err) win_strerror(err)

#endif
