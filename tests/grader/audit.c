/*
 * audit.c - leak detection for the grader (see audit.h).
 *
 * Everything here reads /proc and /dev/shm, the same places a person would
 * look with `ls -l /proc/PID/fd`, `ps --ppid` and `ls /dev/shm`.
 */
#define _XOPEN_SOURCE 700 /* nftw() */
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "audit.h"

void audit_note(char *notes, size_t size, const char *fmt, ...)
{
    size_t used = strlen(notes);
    if (used + 1 >= size)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(notes + used, size - used, fmt, ap);
    va_end(ap);
}

void audit_snapshot_fds(struct fd_set_snapshot *snap)
{
    snap->count = 0;
    DIR *dir = opendir("/proc/self/fd");
    if (dir == NULL)
        return;
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL) {
        int fd = atoi(entry->d_name);
        if (entry->d_name[0] == '.' || fd == dirfd(dir))
            continue;
        if (snap->count < (int)(sizeof snap->fds / sizeof snap->fds[0]))
            snap->fds[snap->count++] = fd;
    }
    closedir(dir);
}

static int snapshot_has(const struct fd_set_snapshot *snap, int fd)
{
    for (int i = 0; i < snap->count; i++) {
        if (snap->fds[i] == fd)
            return 1;
    }
    return 0;
}

int audit_leaked_fds(const struct fd_set_snapshot *before, char *notes, size_t size)
{
    struct fd_set_snapshot now;
    audit_snapshot_fds(&now);
    int leaked = 0;
    for (int i = 0; i < now.count; i++) {
        int fd = now.fds[i];
        if (snapshot_has(before, fd))
            continue;
        char link[64], target[256];
        snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
        ssize_t n = readlink(link, target, sizeof target - 1);
        target[n > 0 ? n : 0] = '\0';
        audit_note(notes, size, "leak: fd %d left open (%s); close every descriptor you open\n", fd,
                   target);
        close(fd);
        leaked++;
    }
    return leaked;
}

/* Reads the parent pid and command name of pid from /proc; 0 on success. */
static int read_proc_stat(pid_t pid, pid_t *ppid, char *comm, size_t size)
{
    char path[64], line[512];
    snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
    FILE *in = fopen(path, "re");
    if (in == NULL)
        return -1;
    char *ok = fgets(line, sizeof line, in);
    fclose(in);
    if (ok == NULL)
        return -1;
    /* Format: pid (comm) state ppid ...; comm may hold spaces, so use the last ')'. */
    char *open = strchr(line, '(');
    char *close_paren = strrchr(line, ')');
    if (open == NULL || close_paren == NULL)
        return -1;
    snprintf(comm, size, "%.*s", (int)(close_paren - open - 1), open + 1);
    char state;
    long parent;
    if (sscanf(close_paren + 2, "%c %ld", &state, &parent) != 2)
        return -1;
    *ppid = (pid_t)parent;
    return 0;
}

int audit_children(char *notes, size_t size)
{
    int found = 0;
    pid_t self = getpid();
    DIR *proc = opendir("/proc");
    if (proc == NULL)
        return 0;
    struct dirent *entry;
    while ((entry = readdir(proc)) != NULL) {
        pid_t pid = (pid_t)atol(entry->d_name);
        pid_t ppid;
        char comm[64];
        if (pid <= 0 || read_proc_stat(pid, &ppid, comm, sizeof comm) != 0 || ppid != self)
            continue;
        audit_note(notes, size,
                   "leak: child process %ld (%s) left behind; wait for every child you fork\n",
                   (long)pid, comm);
        kill(pid, SIGKILL);
        while (waitpid(pid, NULL, 0) == -1 && errno == EINTR)
            ;
        found++;
    }
    closedir(proc);
    return found;
}

int audit_shm(const char *prefix, char *notes, size_t size)
{
    int found = 0;
    DIR *dir = opendir("/dev/shm");
    if (dir == NULL)
        return 0;
    size_t len = strlen(prefix);
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL) {
        /* POSIX semaphores appear as sem.NAME */
        const char *name = entry->d_name;
        if (strncmp(name, "sem.", 4) == 0)
            name += 4;
        if (strncmp(name, prefix, len) != 0)
            continue;
        char path[300];
        snprintf(path, sizeof path, "/dev/shm/%s", entry->d_name);
        audit_note(notes, size,
                   "leak: shared memory object /%s left in /dev/shm; shm_unlink it on every "
                   "path\n",
                   entry->d_name);
        unlink(path);
        found++;
    }
    closedir(dir);
    return found;
}

/* nftw() takes no user pointer, so the walk reports through these. */
static char *walk_notes;
static size_t walk_size;
static int walk_count;
static const char *walk_root;

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)type;
    if (ftw->level == 0 || strcmp(path, walk_root) == 0)
        return 0;
    walk_count++;
    if (S_ISSOCK(st->st_mode))
        audit_note(walk_notes, walk_size,
                   "leak: socket file %s left behind; unlink it when the server exits\n",
                   path + ftw->base);
    else if (S_ISDIR(st->st_mode))
        audit_note(walk_notes, walk_size, "leak: directory %s left behind; rmdir it when done\n",
                   path + ftw->base);
    else
        audit_note(walk_notes, walk_size, "leak: file %s left behind\n", path + ftw->base);
    if (S_ISDIR(st->st_mode))
        rmdir(path);
    else
        unlink(path);
    return 0;
}

int audit_dir_contents(const char *dir, char *notes, size_t size)
{
    walk_notes = notes;
    walk_size = size;
    walk_count = 0;
    walk_root = dir;
    /* FTW_DEPTH: children before their directory, so rmdir() works. */
    nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    return walk_count;
}
