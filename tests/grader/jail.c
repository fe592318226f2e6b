/*
 * jail.c - a root of its own for a step (see jail.h).
 *
 * The recipe, as a person would do it by hand in a fresh mount namespace:
 *
 *   mount -t tmpfs tmpfs NEW                      an empty root
 *   mount --bind -o ro /usr NEW/usr               the toolchain, and so on
 *   mount -t tmpfs tmpfs NEW/tmp                  private scratch, size-limited
 *   mount --bind -o ro KIT/x NEW/KIT/x            each entry of the view
 *   cd NEW; pivot_root . .old; umount -l /.old    the host is gone
 *
 * Nothing is copied from the host except the regular files a scratch entry
 * asks for (its `fill` folder), by this code, before the step starts.
 */
#define _GNU_SOURCE /* pivot_root via syscall(), MS_* flags */
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#include "jail.h"

/* The host's system folders; merged-/usr systems have symbolic links for most. */
static const char *const SYSTEM_DIRS[] = {"/usr",   "/bin",   "/sbin",  "/lib",
                                          "/lib32", "/lib64", "/libx32"};
/* What the C library, the compiler and nc/socat read in /etc; nothing secret. */
static const char *const ETC_ENTRIES[] = {
    "/etc/passwd",        "/etc/group",      "/etc/hosts",        "/etc/host.conf",
    "/etc/nsswitch.conf", "/etc/services",   "/etc/protocols",    "/etc/gai.conf",
    "/etc/ld.so.cache",   "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/localtime",
    "/etc/alternatives",  "/etc/os-release"};
static const char *const DEVICES[] = {"/dev/null", "/dev/zero", "/dev/full", "/dev/random",
                                      "/dev/urandom"};
static const char *const SCRATCH_DIRS[] = {"/tmp", "/var/tmp", "/run/lock", "/dev/shm"};

int jail_add(struct jail_view *v, const char *path, enum jail_kind kind, long size_mb,
             const char *fill)
{
    if (v->count == JAIL_MAX_ENTRIES) {
        errno = E2BIG;
        return -1;
    }
    v->entries[v->count++] = (struct jail_entry){path, kind, size_mb, fill};
    return 0;
}

/* BASE/path, where BASE is the new root's mount point (or a step's copy folder). */
static const char *under(const char *base, const char *path)
{
    static char buf[PATH_MAX * 2];
    snprintf(buf, sizeof buf, "%s%s", base, path);
    return buf;
}

static const char *inside(const struct jail_view *v, const char *path)
{
    return under(v->root_mount, path);
}

static int mkdir_p(const char *path, mode_t mode)
{
    char partial[PATH_MAX * 2];
    snprintf(partial, sizeof partial, "%s", path);
    for (char *p = partial + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(partial, mode) == -1 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return mkdir(partial, mode) == -1 && errno != EEXIST ? -1 : 0;
}

/* An empty file or folder to mount over, like the host's `from`. */
static int make_mount_point(const char *to, bool folder)
{
    char parent[PATH_MAX * 2];
    snprintf(parent, sizeof parent, "%s", to);
    char *slash = strrchr(parent, '/');
    if (slash != NULL && slash != parent) {
        *slash = '\0';
        if (mkdir_p(parent, 0755) == -1)
            return -1;
    }
    if (folder)
        return mkdir(to, 0755) == -1 && errno != EEXIST ? -1 : 0;
    int fd = open(to, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    return fd == -1 ? -1 : close(fd);
}

/* mount --bind -o ro from to; devices keep working (no nodev for them). */
static int bind_read_only(const char *from, const char *to, bool device)
{
    struct stat st;
    if (stat(from, &st) == -1 || make_mount_point(to, S_ISDIR(st.st_mode)) == -1)
        return -1;
    if (mount(from, to, NULL, MS_BIND | MS_REC, NULL) == -1)
        return -1;
    unsigned long flags = MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | (device ? 0 : MS_NODEV);
    return mount(NULL, to, NULL, flags, NULL);
}

/* A symbolic link of the host (/bin -> usr/bin) is made again; a folder is bound. */
static int copy_link_or_bind(const struct jail_view *v, const char *path)
{
    struct stat st;
    if (lstat(path, &st) == -1)
        return errno == ENOENT ? 0 : -1; /* not on this system: nothing to show */
    if (S_ISLNK(st.st_mode)) {
        char target[PATH_MAX];
        ssize_t n = readlink(path, target, sizeof target - 1);
        if (n == -1)
            return -1;
        target[n] = '\0';
        char link[PATH_MAX * 2];
        snprintf(link, sizeof link, "%s", inside(v, path));
        char *slash = strrchr(link, '/');
        if (slash != NULL && slash != link) {
            *slash = '\0';
            if (mkdir_p(link, 0755) == -1)
                return -1;
            *slash = '/';
        }
        return symlink(target, link) == -1 && errno != EEXIST ? -1 : 0;
    }
    return bind_read_only(path, inside(v, path), false);
}

/* A fresh tmpfs, size- and file-limited, owned by the step's uid (or sticky for all). */
static int mount_scratch(const char *to, long size_mb, long files, mode_t mode, uid_t owner)
{
    char options[128];
    snprintf(options, sizeof options, "mode=%o,size=%ldm,nr_inodes=%ld,uid=%lu,gid=%lu",
             (unsigned)mode, size_mb, files, (unsigned long)owner, (unsigned long)owner);
    if (mkdir_p(to, 0755) == -1)
        return -1;
    return mount("tmpfs", to, "tmpfs", MS_NOSUID | MS_NODEV, options);
}

int jail_copy_contents(int in, int out)
{
    char buf[65536];
    for (;;) {
        ssize_t n = read(in, buf, sizeof buf);
        if (n == -1 && errno == EINTR)
            continue;
        if (n <= 0)
            return (int)n;
        for (ssize_t done = 0; done < n;) { /* a short write moves on from where it stopped */
            ssize_t w = write(out, buf + done, (size_t)(n - done));
            if (w == -1 && errno == EINTR)
                continue;
            if (w == -1)
                return -1;
            done += w;
        }
    }
}

/*
 * Copies one regular file (never through a link), its mode and its times
 * (so make sees the same up-to-date files); readable by all, owned by owner
 * when owner is not root. An existing `to` is overwritten.
 */
static int copy_file(int from_dir, const char *from, int to_dir, const char *to, uid_t owner)
{
    int in = openat(from_dir, from, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    struct stat st;
    if (in == -1 || fstat(in, &st) == -1 || !S_ISREG(st.st_mode)) {
        if (in != -1)
            close(in);
        return 0; /* links, folders, FIFOs, devices: never copied */
    }
    int out = openat(to_dir, to, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
                     (st.st_mode & 0755) | 0444);
    struct timespec times[2] = {st.st_atim, st.st_mtim};
    int result =
        out == -1 || jail_copy_contents(in, out) == -1 || futimens(out, times) == -1 ? -1 : 0;
    if (result == 0 && owner != 0 && fchown(out, owner, owner) == -1)
        result = -1;
    if (out != -1)
        close(out);
    close(in);
    return result;
}

/* Copies the regular files (not links, not folders) of the host folder `from` into `to`. */
static int fill_from(const char *from, const char *to, uid_t owner)
{
    DIR *dir = opendir(from);
    if (dir == NULL)
        return errno == ENOENT ? 0 : -1;
    int to_fd = open(to, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int result = to_fd == -1 ? -1 : 0;
    struct dirent *d;
    while (result == 0 && (d = readdir(dir)) != NULL)
        result = copy_file(dirfd(dir), d->d_name, to_fd, d->d_name, owner);
    closedir(dir);
    if (to_fd != -1)
        close(to_fd);
    return result;
}

/* nftw() passes no context: the tree being copied, one at a time. */
static const char *copy_from_root, *copy_to_root;

static int copy_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)ftw;
    char to[PATH_MAX * 2];
    snprintf(to, sizeof to, "%s%s", copy_to_root, path + strlen(copy_from_root));
    if (type == FTW_D)
        return mkdir(to, 0755) == -1 && errno != EEXIST ? -1 : 0;
    if (type == FTW_F && S_ISREG(st->st_mode))
        return copy_file(AT_FDCWD, path, AT_FDCWD, to, 0);
    return 0; /* links, sockets, FIFOs: never copied */
}

/* Copies the host's file or folder `from` to `to` (its parents are made). */
static int copy_tree(const char *from, const char *to)
{
    struct stat st;
    if (lstat(from, &st) == -1 || make_mount_point(to, S_ISDIR(st.st_mode)) == -1)
        return -1;
    if (!S_ISDIR(st.st_mode))
        return copy_file(AT_FDCWD, from, AT_FDCWD, to, 0);
    copy_from_root = from;
    copy_to_root = to;
    return nftw(from, copy_entry, 16, FTW_PHYS);
}

static const char *system_view(const struct jail_view *v)
{
    for (size_t i = 0; i < sizeof SYSTEM_DIRS / sizeof SYSTEM_DIRS[0]; i++) {
        if (copy_link_or_bind(v, SYSTEM_DIRS[i]) == -1)
            return "showing the system folders (/usr, /lib...)";
    }
    for (size_t i = 0; i < sizeof ETC_ENTRIES / sizeof ETC_ENTRIES[0]; i++) {
        if (copy_link_or_bind(v, ETC_ENTRIES[i]) == -1)
            return "showing /etc";
    }
    if (mount_scratch(inside(v, "/dev"), 1, 64, 0755, 0) == -1)
        return "making /dev";
    for (size_t i = 0; i < sizeof DEVICES / sizeof DEVICES[0]; i++) {
        if (access(DEVICES[i], F_OK) == 0 &&
            bind_read_only(DEVICES[i], inside(v, DEVICES[i]), true) == -1)
            return "showing the devices (/dev/null...)";
    }
    /* null, zero and full must stay writable: bound read-only, writes to them fail. */
    for (size_t i = 0; i < 3; i++) {
        if (mount(NULL, inside(v, DEVICES[i]), NULL, MS_BIND | MS_REMOUNT | MS_NOSUID, NULL) == -1)
            return "making /dev/null writable";
    }
    if (symlink("/proc/self/fd", inside(v, "/dev/fd")) == -1 ||
        symlink("/proc/self/fd/0", inside(v, "/dev/stdin")) == -1 ||
        symlink("/proc/self/fd/1", inside(v, "/dev/stdout")) == -1 ||
        symlink("/proc/self/fd/2", inside(v, "/dev/stderr")) == -1)
        return "making /dev/fd";
    for (size_t i = 0; i < sizeof SCRATCH_DIRS / sizeof SCRATCH_DIRS[0]; i++) {
        if (mount_scratch(inside(v, SCRATCH_DIRS[i]), v->scratch_mb, v->scratch_files, 01777, 0) ==
            -1)
            return "mounting a private tmpfs (/tmp, /dev/shm...)";
    }
    if (mkdir_p(inside(v, "/dev/mqueue"), 0755) == -1 ||
        mount("mqueue", inside(v, "/dev/mqueue"), "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC,
              NULL) == -1) {
        /* POSIX message queues are absent on some kernels; nothing here needs them. */
    }
    if (mkdir_p(inside(v, "/proc"), 0555) == -1 ||
        mount("proc", inside(v, "/proc"), "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) == -1)
        return "mounting /proc";
    return NULL;
}

/* True when an earlier bound entry of the view already shows path. */
static bool shown_already(const struct jail_view *v, size_t before, const char *path)
{
    for (size_t i = 0; i < before; i++) {
        const struct jail_entry *e = &v->entries[i];
        size_t len = strlen(e->path);
        if (e->kind == JAIL_BIND && strncmp(e->path, path, len) == 0 &&
            (path[len] == '/' || path[len] == '\0'))
            return true;
    }
    return false;
}

static const char *kit_view(const struct jail_view *v)
{
    for (size_t i = 0; i < v->count; i++) {
        const struct jail_entry *e = &v->entries[i];
        switch (e->kind) {
        case JAIL_BIND:
            if (!shown_already(v, i, e->path) &&
                bind_read_only(e->path, inside(v, e->path), false) == -1)
                return "showing a file of the kit";
            break;
        case JAIL_COPY:
            if (copy_tree(e->path, inside(v, e->path)) == -1)
                return "copying a file of the kit into the jail";
            break;
        case JAIL_SCRATCH:
            if (mount_scratch(inside(v, e->path), e->size_mb, 100000, 0755, v->owner) == -1)
                return "mounting a scratch folder for the step";
            if (e->fill && fill_from(e->fill, inside(v, e->path), v->owner) == -1)
                return "copying the prepared objects into the scratch folder";
            break;
        }
    }
    return NULL;
}

const char *jail_copy_view(const struct jail_view *v, const char *base)
{
    for (size_t i = 0; i < v->count; i++) {
        const struct jail_entry *e = &v->entries[i];
        char to[PATH_MAX * 2];
        snprintf(to, sizeof to, "%s", under(base, e->path));
        if (e->kind != JAIL_SCRATCH) {
            if (copy_tree(e->path, to) == -1)
                return "copying a file of the kit for the step";
            continue;
        }
        if (make_mount_point(to, true) == -1 || chown(to, v->owner, v->owner) == -1)
            return "making a scratch folder for the step";
        if (e->fill && fill_from(e->fill, to, v->owner) == -1)
            return "copying the prepared objects into the scratch folder";
    }
    return NULL;
}

const char *jail_enter(const struct jail_view *v)
{
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == -1)
        return "making the mounts private";
    /* Big enough for a build step's copies of sources and objects. */
    if (mount("tmpfs", v->root_mount, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=256m") == -1)
        return "mounting the new root";
    const char *failed = system_view(v);
    if (failed == NULL)
        failed = kit_view(v);
    if (failed)
        return failed;
    /* The old root goes away whole: nothing of the host is left to reach. */
    if (chdir(v->root_mount) == -1 || mkdir(".old", 0700) == -1 ||
        syscall(SYS_pivot_root, ".", ".old") == -1 || chdir("/") == -1 ||
        umount2("/.old", MNT_DETACH) == -1 || rmdir("/.old") == -1)
        return "moving into the new root (pivot_root)";
    if (mount(NULL, "/", NULL, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, NULL) == -1)
        return "making the new root read-only";
    return NULL;
}
