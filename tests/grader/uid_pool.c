/*
 * uid_pool.c - per-judge uids under a lock (see uid_pool.h).
 */
#define _GNU_SOURCE /* setresuid(), setresgid() */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "proc_table.h"
#include "uid_pool.h"

enum { UID_FIRST = 61000, UID_COUNT = 1000 };

/* A folder only root can write, so nobody can take or fake a lock. */
static const char *lock_folder(void)
{
    static const char *const candidates[] = {"/run/ipckit-uids", "/var/lock/ipckit-uids",
                                             "/tmp/ipckit-uids-root"};
    for (size_t i = 0; i < sizeof candidates / sizeof candidates[0]; i++) {
        mkdir(candidates[i], 0700);
        struct stat st;
        if (lstat(candidates[i], &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == 0 &&
            (st.st_mode & 0077) == 0)
            return candidates[i];
    }
    return NULL;
}

static bool uid_has_processes(uid_t uid)
{
    struct proc_table t;
    if (proc_table_read(&t) == -1)
        return true;
    bool found = false;
    for (int i = 0; i < t.count && !found; i++)
        found = t.entries[i].uid == uid && t.entries[i].state != 'Z'; /* zombies are already dead */
    proc_table_free(&t);
    return found;
}

uid_t uid_pool_take(int *lock_fd)
{
    const char *folder = lock_folder();
    if (folder == NULL) {
        errno = EACCES;
        return (uid_t)-1;
    }
    /* Start at a pid-dependent place, so parallel judges rarely contend. */
    unsigned start = (unsigned)getpid() % UID_COUNT;
    for (unsigned k = 0; k < UID_COUNT; k++) {
        uid_t uid = (uid_t)(UID_FIRST + (start + k) % UID_COUNT);
        if (getpwuid(uid) != NULL || getgrgid((gid_t)uid) != NULL)
            continue; /* a real account */
        char path[128];
        snprintf(path, sizeof path, "%s/%lu.lock", folder, (unsigned long)uid);
        int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (fd == -1)
            continue;
        if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
            close(fd);
            continue; /* another judge holds it */
        }
        /* Free, but a judge that crashed may have left its processes: end them. */
        if (uid_has_processes(uid))
            uid_kill_all(uid);
        *lock_fd = fd;
        return uid;
    }
    errno = EAGAIN;
    return (uid_t)-1;
}

void uid_pool_give_back(uid_t uid, int lock_fd)
{
    uid_kill_all(uid);
    close(lock_fd);
}

void uid_kill_all(uid_t uid)
{
    /* kill(-1) from the uid itself reaches exactly the processes of that
     * uid, wherever they are; repeat, since one may fork meanwhile. */
    for (int round = 0; round < 50 && uid_has_processes(uid); round++) {
        pid_t helper = fork();
        if (helper == 0) {
            if (setgroups(0, NULL) == 0 && setresgid((gid_t)uid, (gid_t)uid, (gid_t)uid) == 0 &&
                setresuid(uid, uid, uid) == 0)
                kill(-1, SIGKILL);
            _exit(0);
        }
        if (helper > 0)
            while (waitpid(helper, NULL, 0) == -1 && errno == EINTR)
                ;
        clock_sleep_ms(round < 5 ? 1 : 20);
    }
}
