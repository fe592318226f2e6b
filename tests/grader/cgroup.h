/*
 * cgroup.h - a memory and process-count limit for one test.
 *
 * Works with cgroup v1 (separate memory and pids hierarchies, as on this
 * kit's CI machines) and v2 (one unified hierarchy). Needs root and a
 * writable /sys/fs/cgroup; where there is none, cgroup_create() fails and
 * the judge falls back to rlimits.
 */
#ifndef IPC_KIT_CGROUP_H
#define IPC_KIT_CGROUP_H

#include <limits.h>
#include <stddef.h>
#include <sys/types.h>

struct test_cgroup {
    char memory[PATH_MAX]; /* v1 memory folder, or the v2 folder */
    char pids[PATH_MAX];   /* v1 pids folder, or "" with v2 */
};

/* True when this machine lets us make cgroups (checked once). */
int cgroup_available(void);

/* Makes ipckit-NAME with the limits; 0, or -1 (nothing left behind). */
int cgroup_create(struct test_cgroup *g, const char *name, long memory_mb, int max_procs);

/* Moves pid (and its future children) into the group. */
int cgroup_add(const struct test_cgroup *g, pid_t pid);

/* Describes a limit the group ran into ("out of memory: ..."), or "". */
void cgroup_limits_hit(const struct test_cgroup *g, long memory_mb, int max_procs, char *text,
                       size_t size);

/* Removes the group (its processes must be gone). */
void cgroup_remove(struct test_cgroup *g);

#endif
