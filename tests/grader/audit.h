/*
 * audit.h - what a test left behind, found by comparing before and after.
 *
 * The judge takes a snapshot when the test process says READY (before any
 * student code runs) and compares after the test: descriptors of the test
 * process, its other processes, /dev/shm objects and files. Anything new
 * counts, whatever its name. Where the test has private /dev/shm and /tmp
 * (namespaces), everything in them is new. Each finding is one line of
 * notes; findings outside a namespace are removed from the host.
 */
#ifndef IPC_KIT_AUDIT_H
#define IPC_KIT_AUDIT_H

#include <stdbool.h>
#include <stddef.h>

#include "contain.h"

struct audit_snapshot {
    int fd_count;
    int fds[256];
    int shm_count; /* level NONE only: the host's /dev/shm names */
    char (*shm_names)[256];
};

/* Before the test: u->test must be known. */
void audit_snapshot_take(const struct containment *c, const struct test_unit *u,
                         struct audit_snapshot *snap);
void audit_snapshot_free(struct audit_snapshot *snap);

/*
 * After the test: appends one line per leftover to notes and returns how many.
 * with_fds: the test passed and its process still waits for BYE, so its
 * descriptors are compared, and what is left is blamed on the code, with
 * what to do; after a failure the leftovers (the test's own children among
 * them) are only listed.
 */
int audit_collect(const struct containment *c, const struct test_unit *u,
                  const struct audit_snapshot *snap, bool with_fds, char *notes, size_t size);

/* Appends printf-style text to notes without overflowing it. */
void audit_note(char *notes, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
