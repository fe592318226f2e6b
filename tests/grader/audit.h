/*
 * audit.h - find and clean up what a test left behind.
 *
 * Used in two places: inside the test's own process after a passing test
 * (where a leak fails the test), and in the grader process after every test
 * (where leftovers of failed or timed-out tests are removed and named).
 * Every function appends a human-readable note per finding to `notes`.
 */
#ifndef IPC_KIT_AUDIT_H
#define IPC_KIT_AUDIT_H

#include <stddef.h>
#include <sys/types.h>

struct fd_set_snapshot {
    int count;
    int fds[256];
};

/* Records the descriptors open now. */
void audit_snapshot_fds(struct fd_set_snapshot *snap);

/* Closes descriptors that were not in snap; returns how many. */
int audit_leaked_fds(const struct fd_set_snapshot *snap, char *notes, size_t size);

/* Kills (SIGKILL) and reaps every child of this process; returns how many. */
int audit_children(char *notes, size_t size);

/* Unlinks /dev/shm objects whose name starts with prefix; returns how many. */
int audit_shm(const char *prefix, char *notes, size_t size);

/* Removes everything inside dir (not dir itself); returns how many entries
 * there were. Sockets and directories are named in the notes. */
int audit_dir_contents(const char *dir, char *notes, size_t size);

/* Appends printf-style text to notes without overflowing it. */
void audit_note(char *notes, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
