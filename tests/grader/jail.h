/*
 * jail.h - a root of its own for every step that touches a submission.
 *
 * Deny by default: a step (building the student's files, checking them,
 * running one test) sees only what this view lists, whatever the
 * permissions of the rest of the host. The namespace's init (contain.c)
 * calls jail_enter() as root, before it starts the step's command:
 *
 *   /usr, /bin, /lib...   the toolchain and libraries, read-only
 *   /etc                  a few files the C library and tools read
 *                         (passwd, group, hosts, ld.so.cache, alternatives...)
 *   /dev                  null, zero, full, random, urandom; a private /dev/shm
 *   /proc                 the namespace's own
 *   /tmp, /var/tmp, /run/lock, /dev/shm
 *                         fresh tmpfs, limited in bytes and in files
 *   the view's entries    files and folders of the kit at their own paths,
 *                         read-only: bound (a test's binary and programs) or
 *                         copied by root (a build step's sources and objects,
 *                         so the kit itself may stay locked to root); scratch
 *                         folders (tmpfs) where a step writes
 *
 * Everything else (the instructor's checkout, hidden tests, solutions,
 * other submissions, results, /autograder, /home, /root) is not there.
 */
#ifndef IPC_KIT_JAIL_H
#define IPC_KIT_JAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum { JAIL_MAX_ENTRIES = 48 };

enum jail_kind {
    JAIL_BIND,    /* the host's file or folder itself, read-only */
    JAIL_COPY,    /* a read-only copy of it (regular files and folders, times kept) */
    JAIL_SCRATCH, /* an empty tmpfs the step may write, owned by its uid */
};

/* One path of the host, shown at the same path inside the jail. */
struct jail_entry {
    const char *path; /* absolute */
    enum jail_kind kind;
    long size_mb;     /* scratch only: its size */
    const char *fill; /* scratch only: a host folder whose regular files are copied in */
};

struct jail_view {
    const char *root_mount; /* an empty folder of the judge's: the new root is mounted there */
    uid_t owner;            /* who owns the scratch folders (the step's uid) */
    long scratch_mb;        /* size of each of /tmp, /var/tmp, /dev/shm, /run/lock */
    long scratch_files;     /* files (and hard links) each of them may hold */
    size_t count;
    struct jail_entry entries[JAIL_MAX_ENTRIES];
};

/* Adds an entry; returns -1 (and adds nothing) when the view is full. */
int jail_add(struct jail_view *v, const char *path, enum jail_kind kind, long size_mb,
             const char *fill);

/*
 * In a fresh mount namespace, as root: builds the root and moves into it
 * (pivot_root). Returns NULL, or what failed (errno tells why).
 */
const char *jail_enter(const struct jail_view *v);

/* Copies everything `in` still holds to `out`, looping on short writes and
 * EINTR. Returns 0, or -1 with errno set. */
int jail_copy_contents(int in, int out);

/*
 * The same copies for a step without namespaces (contain.h's CONTAIN_UID):
 * the view is built under the host folder `base` (base/PATH for each entry)
 * and the step runs there as its uid; the host's other files are protected
 * by their permissions only. Returns NULL, or what failed.
 */
const char *jail_copy_view(const struct jail_view *v, const char *base);

#endif
