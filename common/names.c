/* names.c - see names.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "names.h"

static const char *prefix(void)
{
    const char *p = getenv("IPC_KIT_PREFIX");
    return (p && p[0]) ? p : "ipckit";
}

int names_shm(char *buf, size_t size, const char *stem)
{
    static unsigned counter;
    int n = snprintf(buf, size, "/%s-%s-%ld-%u", prefix(), stem, (long)getpid(), counter++);
    if (n < 0 || (size_t)n >= size) {
        errno = ENAMETOOLONG;
        return -1;
    }
    return 0;
}

int names_private_dir(char *buf, size_t size)
{
    const char *tmp = getenv("TMPDIR");
    int n = snprintf(buf, size, "%s/%s-XXXXXX", (tmp && tmp[0]) ? tmp : "/tmp", prefix());
    if (n < 0 || (size_t)n >= size) {
        errno = ENAMETOOLONG;
        return -1;
    }
    /* mkdtemp creates the directory with mode 0700: only we can enter it. */
    return mkdtemp(buf) ? 0 : -1;
}
