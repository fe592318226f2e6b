/*
 * contain.h - fencing in a test's processes, as far as this machine allows.
 *
 * The judge runs every test in a unit it can always audit and kill whole,
 * whatever the test's code does (setsid, double fork, kill(-1, ...), a
 * fork bomb, 8 GiB of memory, files under any name):
 *
 *   CONTAIN_NAMESPACES (root): the test runs as pid 2 of its own PID
 *       namespace, under an init of the judge's (pid 1), with its own mount
 *       namespace whose root holds only what the step needs (jail.h: the
 *       toolchain, the step's view of the kit, fresh size-limited tmpfs on /tmp,
 *       /var/tmp, /dev/shm, /run/lock), its own network namespace with only `lo`, its
 *       own IPC namespace, and an unprivileged uid allocated to this judge
 *       alone. Killing the init kills everything; nothing reaches the host.
 *   CONTAIN_UID (root, where namespaces are refused, e.g. in some Docker
 *       containers): the allocated uid only. Every process of that uid is
 *       the test's; kill(-1) from that uid ends them all.
 *   CONTAIN_NONE (not root): a process group plus this judge as child
 *       subreaper, so orphans come back to it. The report says the run was
 *       not isolated.
 * Memory and process counts are limited by a cgroup per test where one can
 * be made (root), else by RLIMIT_AS and RLIMIT_NPROC.
 */
#ifndef IPC_KIT_CONTAIN_H
#define IPC_KIT_CONTAIN_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

struct jail_view;

enum contain_level { CONTAIN_NONE, CONTAIN_UID, CONTAIN_NAMESPACES };

struct containment {
    enum contain_level level;
    uid_t uid;           /* the tests' uid (levels UID and NAMESPACES) */
    int uid_lock_fd;     /* held while this judge owns uid */
    long memory_mb;      /* per test; 0 = no limit */
    int max_procs;       /* per test */
    bool have_cgroup;    /* memory and pids limits by cgroup (else rlimits) */
    char run_root[512];  /* the judge's private folder */
    char jail_root[600]; /* run_root/root: where each jail's root is mounted */
    char why[256];       /* what could not be contained, for the report */
};

/* One test's processes, as the judge sees them. */
struct test_unit {
    int index;        /* the test's number in this run, for unique names */
    const char *name; /* the test's name */
    char prefix[64];  /* $IPC_KIT_PREFIX of the test */
    pid_t top;        /* the judge's child: the namespace's init, or the test itself */
    pid_t test;       /* the test process (0 until known, and once reaped) */
    pid_t group;      /* its process group (levels NONE and UID) */
    int status_fd;    /* NAMESPACES: the init writes the test's wait status here */
    char dir[1024];   /* the test's folder, as the test sees it */
    char dir_outside[PATH_MAX * 2]; /* the same folder, as the judge sees it */
    char root_outside[PATH_MAX];    /* "/proc/TOP/root" (NAMESPACES) or "" */
    char cgroup[2][PATH_MAX];       /* memory and pids cgroup folders, or "" */
    const struct jail_view *view;   /* what the unit sees (NAMESPACES) */
};

/* What a unit runs, and what it may see (jail.h). */
struct unit_command {
    char *const *argv;            /* argv[0] is a path, as the unit sees it */
    const char *cwd;              /* NULL: the unit's own folder */
    const struct jail_view *view; /* NAMESPACES: the unit's root; ignored at other levels */
    int channel_fd;               /* becomes descriptor 3, or -1 for none */
    int out_fd;                   /* stdout and stderr */
    long file_mb;                 /* RLIMIT_FSIZE in MiB; 0 = none */
    long cpu_s;                   /* RLIMIT_CPU in seconds; 0 = none */
    /* A checker (boundary.h): it runs no student code, so it keeps uid 0
     * (files it makes still belong to the unit's uid, by setfsuid) and
     * starts the student's processes under the unit's uid, which it finds
     * in IPC_KIT_STUDENT_UID. So they can neither signal nor read it. */
    bool checker;
};

/*
 * Chooses the strongest level available ("none" forces CONTAIN_NONE) and
 * prepares it: allocates a uid, makes the run folder. Returns 0 or -1.
 * IPC_KIT_ISOLATE=uid in the environment stops at CONTAIN_UID, as in a
 * container that refuses namespaces (Gradescope's Docker): for tests.
 */
int contain_init(struct containment *c, bool want_isolation, long memory_mb);

/* Releases the uid and removes the run folder. */
void contain_finish(struct containment *c);

/* Removes a file or a whole folder, without following symbolic links (a
 * test may leave a link to anywhere). Best effort: what cannot go stays. */
void contain_remove_tree(const char *path);

/*
 * Starts cmd in a new unit (u->name names its folder). Returns 0 (u->top
 * set) or -1 with a message in why.
 */
int contain_spawn(struct containment *c, struct test_unit *u, const struct unit_command *cmd,
                  const char *prefix, char *why, size_t why_size);

/* Finds u->test once the test has said READY (the init's only child). */
pid_t contain_find_test(const struct containment *c, struct test_unit *u);

/* Non-blocking: 1 and *status when the test process has ended, 0 if not yet. */
int contain_test_ended(struct test_unit *u, int *status);

/* Lists the unit's processes other than the test process and the init. */
int contain_list_others(const struct containment *c, const struct test_unit *u, pid_t *pids,
                        int max);

/* Kills every process of the unit and reaps the judge's children. */
void contain_kill_all(const struct containment *c, struct test_unit *u);

/* After contain_kill_all: what the cgroup saw ("out of memory ...") into text, or "". */
void contain_limits_hit(const struct containment *c, const struct test_unit *u, char *text,
                        size_t size);

/*
 * True when folder/name (a scratch folder as the test sees it) is the
 * judge's own there: the test folders, or a folder leading to a file of the
 * unit's view, which jail.c made. The audit skips them.
 */
bool contain_is_judges(const struct containment *c, const struct test_unit *u, const char *folder,
                       const char *name);

/* A view with the containment's defaults (root mount, owner, scratch limits) and no entries. */
void contain_view_init(const struct containment *c, struct jail_view *v);

/* Removes the unit's cgroups and its folder (levels NONE and UID). */
void contain_release(const struct containment *c, struct test_unit *u);

#endif
