/*
 * audit.c - leftovers of a test, by snapshot (see audit.h).
 *
 * Everything here reads /proc and folders, the same places a person would
 * look with `ls -l /proc/PID/fd`, `ps` and `ls /dev/shm`. At level
 * CONTAIN_NAMESPACES the test's private folders are read from outside
 * through /proc/INIT/root, which shows the namespace's own mounts.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit.h"
#include "clock.h"
#include "grow.h"
#include "proc_table.h"

enum { CHANNEL_FD_FLOOR = 900 }; /* the harness keeps the judge's socket up there */

/*
 * What a test leaves can cost it, never the grader's time: a folder's
 * entries are named up to AUDIT_NAMED, counted up to AUDIT_COUNTED, and the
 * whole audit stops reading after AUDIT_SECONDS. (In a jail the scratch
 * folders hold at most 20 000 files anyway, see contain_view_init().)
 */
enum { AUDIT_NAMED = 20, AUDIT_COUNTED = 100000, AUDIT_SECONDS = 5 };

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

/* ---- descriptors of the test process ---- */

static int read_fds(pid_t pid, int *fds, int max)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld/fd", (long)pid);
    DIR *dir = opendir(path);
    if (dir == NULL)
        return 0;
    int count = 0;
    struct dirent *d;
    while ((d = readdir(dir)) != NULL && count < max) {
        if (d->d_name[0] != '.')
            fds[count++] = atoi(d->d_name);
    }
    closedir(dir);
    return count;
}

static bool has_fd(const struct audit_snapshot *snap, int fd)
{
    for (int i = 0; i < snap->fd_count; i++) {
        if (snap->fds[i] == fd)
            return true;
    }
    return false;
}

static int audit_fds(const struct test_unit *u, const struct audit_snapshot *snap, char *notes,
                     size_t size)
{
    int now[256];
    int count = read_fds(u->test, now, 256), found = 0;
    for (int i = 0; i < count; i++) {
        if (now[i] >= CHANNEL_FD_FLOOR || has_fd(snap, now[i]))
            continue;
        char link[64], target[256];
        snprintf(link, sizeof link, "/proc/%ld/fd/%d", (long)u->test, now[i]);
        ssize_t n = readlink(link, target, sizeof target - 1);
        target[n > 0 ? n : 0] = '\0';
        audit_note(notes, size,
                   "leak: descriptor %d left open (%s); close every descriptor you open\n", now[i],
                   target);
        found++;
    }
    return found;
}

/* ---- processes ---- */

/*
 * blame: the test passed, so what is left is the code's, and the note says
 * what to do. After a failure the test's own children may be among them
 * (it stopped before reaping them): then they are only listed.
 */
static int audit_processes(const struct containment *c, const struct test_unit *u, bool blame,
                           char *notes, size_t size)
{
    pid_t pids[64];
    int count = contain_list_others(c, u, pids, 64);
    for (int i = 0; i < count; i++) {
        struct proc_entry e;
        if (proc_entry_read(pids[i], &e) == -1)
            continue;
        /* What it is, always; what to do, only when the leak is the code's. */
        const char *advice = "";
        if (e.state == 'Z') {
            if (blame)
                advice = "; call waitpid() for every child you fork";
            audit_note(notes, size,
                       "leak: child process %s ended but was never waited for (a zombie)%s\n",
                       e.comm, advice);
        } else if (u->test > 0 && e.ppid == u->test) {
            if (blame)
                advice = "; make it exit and waitpid() for it";
            audit_note(notes, size, "leak: child process %s still running%s\n", e.comm, advice);
        } else {
            if (blame)
                advice = "; every process you start must end with the test";
            audit_note(notes, size,
                       "leak: process %s still running after its parent ended (a daemon or an "
                       "orphan)%s\n",
                       e.comm, advice);
        }
    }
    return count;
}

/* ---- /dev/shm and files ---- */

static void take_shm_names(struct audit_snapshot *snap)
{
    snap->shm_count = 0;
    snap->shm_names = NULL;
    DIR *dir = opendir("/dev/shm");
    if (dir == NULL)
        return;
    size_t capacity = 0;
    struct dirent *d;
    while ((d = readdir(dir)) != NULL) {
        if (d->d_name[0] == '.' && (d->d_name[1] == '\0' || strcmp(d->d_name, "..") == 0))
            continue;
        char(*grown)[256] =
            grow_array(snap->shm_names, (size_t)snap->shm_count, &capacity, sizeof *grown);
        if (grown == NULL)
            break;
        snap->shm_names = grown;
        snprintf(snap->shm_names[snap->shm_count++], 256, "%s", d->d_name);
    }
    closedir(dir);
}

static bool had_shm(const struct audit_snapshot *snap, const char *name)
{
    for (int i = 0; i < snap->shm_count; i++) {
        if (strcmp(snap->shm_names[i], name) == 0)
            return true;
    }
    return false;
}

/*
 * Whether an entry of a shared folder (the host's /dev/shm or /tmp) is the
 * test's. In a namespace every entry is; with a uid of its own, those it
 * owns; with neither, those new since the snapshot that are ours and not
 * named for another kit grader running beside us.
 */
static bool is_tests(const struct containment *c, const struct test_unit *u,
                     const struct audit_snapshot *snap, const char *folder, const char *name,
                     const struct stat *st)
{
    switch (c->level) {
    case CONTAIN_NAMESPACES:
        return true;
    case CONTAIN_UID:
        return st->st_uid == c->uid;
    case CONTAIN_NONE:
        if (strcmp(folder, "/dev/shm") != 0 || had_shm(snap, name) || st->st_uid != geteuid())
            return false;
        const char *bare = strncmp(name, "sem.", 4) == 0 ? name + 4 : name;
        return strncmp(bare, "ipckit-", 7) != 0 || strncmp(bare, u->prefix, strlen(u->prefix)) == 0;
    }
    return false;
}

static const char *kind_of(mode_t mode)
{
    if (S_ISSOCK(mode))
        return "socket file";
    if (S_ISDIR(mode))
        return "folder";
    if (S_ISFIFO(mode))
        return "FIFO";
    return "file";
}

static uint64_t audit_deadline_ns;

/* True (once noted) when a folder holds more than can be read in time. */
static bool too_many(int found, const char *folder, char *notes, size_t size)
{
    if (found < AUDIT_COUNTED && clock_now_ns() < audit_deadline_ns)
        return false;
    audit_note(notes, size,
               "leak: %s holds %d or more leftovers; the audit stopped reading there (remove "
               "what you create)\n",
               folder, found);
    return true;
}

/* Names the first leftovers of a folder and counts the rest. */
static void note_the_rest(int found, const char *folder, char *notes, size_t size)
{
    if (found > AUDIT_NAMED)
        audit_note(notes, size, "leak: ... and %d more in %s\n", found - AUDIT_NAMED, folder);
}

/* Lists (and outside a namespace removes) the test's entries of one folder. */
static int audit_folder(const struct containment *c, const struct test_unit *u,
                        const struct audit_snapshot *snap, const char *folder, char *notes,
                        size_t size)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s%s", u->root_outside, folder);
    DIR *dir = opendir(path);
    if (dir == NULL)
        return 0;
    int found = 0;
    struct dirent *d;
    while ((d = readdir(dir)) != NULL && !too_many(found, folder, notes, size)) {
        if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0 ||
            contain_is_judges(c, u, folder, d->d_name))
            continue;
        char entry[PATH_MAX + 256];
        struct stat st;
        snprintf(entry, sizeof entry, "%s/%s", path, d->d_name);
        if (lstat(entry, &st) == -1 || !is_tests(c, u, snap, folder, d->d_name, &st))
            continue;
        if (++found > AUDIT_NAMED) {
            if (c->level != CONTAIN_NAMESPACES)
                contain_remove_tree(entry);
            continue;
        }
        if (strcmp(folder, "/dev/shm") == 0)
            audit_note(notes, size,
                       "leak: shared memory object /%s left in /dev/shm; shm_unlink() it on "
                       "every path\n",
                       d->d_name);
        else if (S_ISSOCK(st.st_mode))
            audit_note(notes, size,
                       "leak: socket file %s/%s left behind; unlink() it when the "
                       "server exits\n",
                       folder, d->d_name);
        else
            audit_note(notes, size, "leak: %s %s/%s left behind; remove what you create\n",
                       kind_of(st.st_mode), folder, d->d_name);
        if (c->level != CONTAIN_NAMESPACES)
            contain_remove_tree(entry);
    }
    closedir(dir);
    note_the_rest(found, folder, notes, size);
    return found;
}

/* The test's own folder: every entry in it is a leftover. */
static int audit_test_dir(const struct test_unit *u, char *notes, size_t size)
{
    DIR *dir = opendir(u->dir_outside);
    if (dir == NULL)
        return 0;
    int found = 0;
    struct dirent *d;
    while ((d = readdir(dir)) != NULL && !too_many(found, "the test's folder", notes, size)) {
        if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
            continue;
        char entry[PATH_MAX * 2 + 256];
        struct stat st;
        snprintf(entry, sizeof entry, "%s/%s", u->dir_outside, d->d_name);
        if (lstat(entry, &st) == -1 || ++found > AUDIT_NAMED)
            continue;
        if (S_ISSOCK(st.st_mode))
            audit_note(notes, size,
                       "leak: socket file %s left in the test's folder; unlink() it when the "
                       "server exits\n",
                       d->d_name);
        else
            audit_note(notes, size,
                       "leak: %s %s left in the test's folder; remove what you "
                       "create\n",
                       kind_of(st.st_mode), d->d_name);
    }
    closedir(dir);
    note_the_rest(found, "the test's folder", notes, size);
    return found;
}

void audit_snapshot_take(const struct containment *c, const struct test_unit *u,
                         struct audit_snapshot *snap)
{
    snap->fd_count = u->test > 0 ? read_fds(u->test, snap->fds, 256) : 0;
    snap->shm_count = 0;
    snap->shm_names = NULL;
    if (c->level == CONTAIN_NONE)
        take_shm_names(snap);
}

void audit_snapshot_free(struct audit_snapshot *snap)
{
    free(snap->shm_names);
    snap->shm_names = NULL;
    snap->shm_count = 0;
}

int audit_collect(const struct containment *c, const struct test_unit *u,
                  const struct audit_snapshot *snap, bool with_fds, char *notes, size_t size)
{
    int found = 0;
    audit_deadline_ns = clock_now_ns() + AUDIT_SECONDS * 1000000000ull;
    if (with_fds && u->test > 0)
        found += audit_fds(u, snap, notes, size);
    found += audit_processes(c, u, with_fds, notes, size);
    found += audit_folder(c, u, snap, "/dev/shm", notes, size);
    found += audit_test_dir(u, notes, size);
    if (c->level != CONTAIN_NONE) {
        /* The scratch folders any user may write to (at NONE we cannot tell whose). */
        found += audit_folder(c, u, snap, "/tmp", notes, size);
        found += audit_folder(c, u, snap, "/var/tmp", notes, size);
        found += audit_folder(c, u, snap, "/run/lock", notes, size);
    }
    return found;
}
