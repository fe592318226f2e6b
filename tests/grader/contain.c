/*
 * contain.c - the three levels of containment (see contain.h).
 *
 * Picture of a test at level CONTAIN_NAMESPACES:
 *
 *   judge (root, outside)  --clone(NEWPID|NEWNS|NEWNET|NEWIPC)-->  init (pid 1, root)
 *                                                                   `-- test (pid 2, uid 61xxx)
 *                                                                        `-- its children,
 * daemons...
 *
 * The init is the judge's code: it mounts the private folders, brings up
 * `lo`, starts the test under the test's uid, reaps every orphan, and tells
 * the judge when the test process ended. Killing the init ends the whole
 * namespace at once, which is the one kill a test cannot dodge.
 */
#define _GNU_SOURCE /* clone(), setresuid(), pipe2(), close_range(), mount flags */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "clock.h"
#include "contain.h"
#include "jail.h"
#include "proc_table.h"
#include "uid_pool.h"

enum { TEST_CHANNEL_FD = 3, INIT_STACK_SIZE = 256 * 1024 };

/* Inside the jail, the tests' own folders live here, on its private /tmp. */
static const char NS_TEST_ROOT[] = "/tmp/ipckit-test";

struct spawn_args {
    const struct containment *c;
    const struct test_unit *u;
    const struct unit_command *cmd;
    int sync_fd;   /* read end: the judge writes one byte once the cgroup is set */
    int status_fd; /* write end: the init reports the test's wait status */
};

/* ---- the test process (every level) ---- */

static void set_limit(int resource, rlim_t value)
{
    struct rlimit limit = {value, value};
    setrlimit(resource, &limit); /* best effort: a lower hard limit stays */
}

/* Becomes the step's command: never returns. Runs in the judge's child or the init's. */
static void exec_command(const struct spawn_args *a)
{
    const struct containment *c = a->c;
    const struct unit_command *cmd = a->cmd;
    setsid(); /* its own process group, away from the terminal's Ctrl-C */
    int null = open("/dev/null", O_RDONLY);
    if (null == -1 || dup2(null, STDIN_FILENO) == -1 || dup2(cmd->out_fd, STDOUT_FILENO) == -1 ||
        dup2(cmd->out_fd, STDERR_FILENO) == -1 ||
        (cmd->channel_fd != -1 && dup2(cmd->channel_fd, TEST_CHANNEL_FD) == -1)) {
        dprintf(cmd->out_fd, "judge: setting up the step's descriptors failed: %s\n",
                strerror(errno));
        _exit(127);
    }
    /* Nothing of the judge's (report files, other tests' pipes) may leak in. */
    int first_closed = cmd->channel_fd != -1 ? TEST_CHANNEL_FD + 1 : STDERR_FILENO + 1;
    if (close_range((unsigned)first_closed, ~0U, 0) == -1) {
        for (int fd = first_closed; fd < 1024; fd++)
            close(fd);
    }
    set_limit(RLIMIT_CORE, 0);
    if (cmd->file_mb > 0) /* a file past the cap fails with EFBIG (SIGXFSZ is ignored) */
        set_limit(RLIMIT_FSIZE, (rlim_t)cmd->file_mb * 1024 * 1024);
    if (cmd->cpu_s > 0)
        set_limit(RLIMIT_CPU, (rlim_t)cmd->cpu_s);
    signal(SIGXFSZ, SIG_IGN);
    if (!c->have_cgroup) {
        if (c->memory_mb > 0)
            set_limit(RLIMIT_AS, (rlim_t)c->memory_mb * 1024 * 1024);
        if (c->level != CONTAIN_NONE) /* the uid is the test's alone */
            set_limit(RLIMIT_NPROC, (rlim_t)c->max_procs);
    }
    if (c->level != CONTAIN_NONE && cmd->checker) {
        char uid_text[32];
        snprintf(uid_text, sizeof uid_text, "%lu", (unsigned long)c->uid);
        setenv("IPC_KIT_STUDENT_UID", uid_text,
               1); /* the checker's setfsuid() too (boundary_checker.c) */
        if (setgroups(0, NULL) == -1) {
            fprintf(stderr, "judge: setgroups for the checker failed: %s\n", strerror(errno));
            _exit(127);
        }
    } else if (c->level != CONTAIN_NONE &&
               (setgroups(0, NULL) == -1 ||
                setresgid((gid_t)c->uid, (gid_t)c->uid, (gid_t)c->uid) == -1 ||
                setresuid(c->uid, c->uid, c->uid) == -1)) {
        fprintf(stderr, "judge: dropping to uid %lu failed: %s\n", (unsigned long)c->uid,
                strerror(errno));
        _exit(127);
    }
    /* Set after the uid change, which clears it: the step dies with its parent. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    const char *cwd = cmd->cwd ? cmd->cwd : a->u->dir;
    if (chdir(cwd) == -1) {
        fprintf(stderr, "judge: chdir %s failed: %s\n", cwd, strerror(errno));
        _exit(127);
    }
    setenv("TMPDIR", a->u->dir, 1);
    setenv("HOME", a->u->dir, 1);
    setenv("IPC_KIT_PREFIX", a->u->prefix, 1);
    execv(cmd->argv[0], cmd->argv);
    if (errno == EACCES && c->level != CONTAIN_NONE) {
        fprintf(stderr,
                "judge: cannot run %s as uid %lu: Permission denied; every folder on its path "
                "must be searchable by others (chmod o+x)\n",
                cmd->argv[0], (unsigned long)c->uid);
        _exit(127);
    }
    fprintf(stderr, "judge: cannot run %s: %s\n", cmd->argv[0], strerror(errno));
    _exit(127);
}

/* ---- the namespace's init ---- */

/* A new network namespace has only `lo`, and it is down. */
static const char *bring_up_loopback(void)
{
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s == -1)
        return "socket() for the loopback interface";
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "lo");
    const char *failed = NULL;
    if (ioctl(s, SIOCGIFFLAGS, &ifr) == -1)
        failed = "reading the flags of lo";
    ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
    if (failed == NULL && ioctl(s, SIOCSIFFLAGS, &ifr) == -1)
        failed = "bringing lo up";
    close(s);
    return failed;
}

static int ns_init(void *arg)
{
    const struct spawn_args *a = arg;
    char go;
    if (read(a->sync_fd, &go, 1) != 1)
        _exit(125); /* the judge went away */
    close(a->sync_fd);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    const char *failed = jail_enter(a->cmd->view);
    if (failed == NULL)
        failed = bring_up_loopback();
    if (failed == NULL && (mkdir(NS_TEST_ROOT, 0711) == -1 || mkdir(a->u->dir, 0700) == -1 ||
                           chown(a->u->dir, a->c->uid, (gid_t)a->c->uid) == -1))
        failed = "making the test's folder";
    if (failed) {
        dprintf(a->cmd->out_fd, "judge: could not contain the step: %s: %s\n", failed,
                strerror(errno));
        _exit(125);
    }
    pid_t test = fork();
    if (test == -1)
        _exit(125);
    if (test == 0) {
        close(a->status_fd);
        exec_command(a);
    }
    if (a->cmd->channel_fd != -1)
        close(a->cmd->channel_fd);
    close(a->cmd->out_fd);
    /* As pid 1, reap every orphan; report the test's own ending to the judge. */
    for (;;) {
        int status;
        pid_t pid = wait(&status);
        if (pid == test && write(a->status_fd, &status, sizeof status) != sizeof status)
            _exit(125);
        if (pid == -1 && errno == ECHILD)
            pause(); /* the judge audits, then kills us */
    }
}

bool contain_is_judges(const struct containment *c, const struct test_unit *u, const char *folder,
                       const char *name)
{
    if (c->level != CONTAIN_NAMESPACES)
        return false;
    char path[PATH_MAX];
    int n = snprintf(path, sizeof path, "%s/%s", folder, name);
    if (n < 0 || (size_t)n >= sizeof path)
        return false;
    if (strcmp(path, NS_TEST_ROOT) == 0)
        return true;
    /* The folders jail.c made to show the kit's files at their own paths. */
    const struct jail_view *v = u->view;
    for (size_t i = 0; v != NULL && i < v->count; i++) {
        const char *shown = v->entries[i].path;
        if (strncmp(shown, path, (size_t)n) == 0 && (shown[n] == '/' || shown[n] == '\0'))
            return true;
    }
    return false;
}

/* ---- choosing a level ---- */

static int probe_child(void *arg)
{
    (void)arg;
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == -1 ||
        mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "size=1m") == -1 ||
        mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) == -1)
        _exit(1);
    _exit(bring_up_loopback() == NULL ? 0 : 1);
}

static const int NS_FLAGS = CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS;

/* Clones with flags, running fn(arg) on a fresh stack; the child's pid or -1. */
static pid_t clone_child(int (*fn)(void *), void *arg, int flags)
{
    char *stack = mmap(NULL, INIT_STACK_SIZE, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (stack == MAP_FAILED)
        return -1;
    pid_t pid = clone(fn, stack + INIT_STACK_SIZE, flags | SIGCHLD, arg);
    int saved = errno;
    munmap(stack, INIT_STACK_SIZE); /* the child has its own copy */
    errno = saved;
    return pid;
}

static bool namespaces_work(char *why, size_t size)
{
    pid_t pid = clone_child(probe_child, NULL, NS_FLAGS);
    if (pid == -1) {
        snprintf(why, size, "namespaces refused (clone: %s)", strerror(errno));
        return false;
    }
    int status;
    while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
        ;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        snprintf(why, size, "namespaces refused (mounts inside them failed)");
        return false;
    }
    return true;
}

int contain_init(struct containment *c, bool want_isolation, long memory_mb)
{
    memset(c, 0, sizeof *c);
    c->uid_lock_fd = -1;
    c->memory_mb = memory_mb;
    c->max_procs = 256;
    /* Orphans of a test come back to us, wherever they were forked. */
    if (prctl(PR_SET_CHILD_SUBREAPER, 1) == -1)
        return -1;
    const char *tmp = getenv("TMPDIR");
    snprintf(c->run_root, sizeof c->run_root, "%s/ipckit-judge-XXXXXX",
             tmp && tmp[0] ? tmp : "/tmp");
    if (mkdtemp(c->run_root) == NULL || chmod(c->run_root, 0711) == -1)
        return -1;
    /* Where each jail's root is mounted, in the jail's own mount namespace. */
    snprintf(c->jail_root, sizeof c->jail_root, "%s/root", c->run_root);
    if (mkdir(c->jail_root, 0755) == -1)
        return -1;

    c->level = CONTAIN_NONE;
    if (!want_isolation) {
        snprintf(c->why, sizeof c->why, "not isolated: isolation was turned off");
        return 0;
    }
    if (geteuid() != 0) {
        snprintf(c->why, sizeof c->why,
                 "not isolated: not run as root, so the tests ran as you, without "
                 "namespaces or a uid of their own");
        return 0;
    }
    c->uid = uid_pool_take(&c->uid_lock_fd);
    if (c->uid == (uid_t)-1) {
        snprintf(c->why, sizeof c->why, "not isolated: no free uid for the tests (%s)",
                 strerror(errno));
        return 0;
    }
    c->have_cgroup = cgroup_available();
    char ns_why[128];
    const char *forced = getenv("IPC_KIT_ISOLATE");
    if (forced && strcmp(forced, "uid") == 0) {
        snprintf(ns_why, sizeof ns_why, "namespaces not used (IPC_KIT_ISOLATE=uid)");
        c->level = CONTAIN_UID;
        snprintf(c->why, sizeof c->why, "partly isolated: %s; the tests ran under uid %lu only",
                 ns_why, (unsigned long)c->uid);
    } else if (namespaces_work(ns_why, sizeof ns_why)) {
        c->level = CONTAIN_NAMESPACES;
    } else {
        c->level = CONTAIN_UID;
        snprintf(c->why, sizeof c->why, "partly isolated: %s; the tests ran under uid %lu only",
                 ns_why, (unsigned long)c->uid);
    }
    if (!c->have_cgroup && memory_mb > 0) {
        size_t used = strlen(c->why);
        snprintf(c->why + used, sizeof c->why - used, "%sno cgroups: memory limited by RLIMIT_AS",
                 used ? "; " : "");
    }
    return 0;
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    if (type == FTW_DP)
        rmdir(path);
    else
        unlink(path);
    return 0;
}

void contain_remove_tree(const char *path)
{
    nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

void contain_finish(struct containment *c)
{
    if (c->uid_lock_fd != -1)
        uid_pool_give_back(c->uid, c->uid_lock_fd);
    c->uid_lock_fd = -1;
    contain_remove_tree(c->run_root);
}

/* ---- one test ---- */

int contain_spawn(struct containment *c, struct test_unit *u, const struct unit_command *cmd,
                  const char *prefix, char *why, size_t why_size)
{
    u->top = u->test = u->group = 0;
    u->view = cmd->view;
    snprintf(u->prefix, sizeof u->prefix, "%s", prefix);
    u->status_fd = -1;
    u->root_outside[0] = '\0';
    u->cgroup[0][0] = u->cgroup[1][0] = '\0';
    if (c->level == CONTAIN_NAMESPACES) {
        snprintf(u->dir, sizeof u->dir, "%s/%s", NS_TEST_ROOT, u->name);
    } else {
        snprintf(u->dir, sizeof u->dir, "%s/%d-%s", c->run_root, u->index, u->name);
        if (mkdir(u->dir, 0700) == -1 ||
            (c->level == CONTAIN_UID && chown(u->dir, c->uid, (gid_t)c->uid) == -1)) {
            snprintf(why, why_size, "making the test folder %s: %s", u->dir, strerror(errno));
            return -1;
        }
    }

    struct test_cgroup group = {"", ""};
    if (c->have_cgroup) {
        char name[64];
        snprintf(name, sizeof name, "%ld-%d", (long)getpid(), u->index);
        if (cgroup_create(&group, name, c->memory_mb, c->max_procs) == -1)
            group.memory[0] = group.pids[0] = '\0';
    }
    int sync[2], status[2] = {-1, -1};
    if (pipe2(sync, O_CLOEXEC) == -1 ||
        (c->level == CONTAIN_NAMESPACES && pipe2(status, O_CLOEXEC) == -1)) {
        snprintf(why, why_size, "pipe2: %s", strerror(errno));
        cgroup_remove(&group);
        return -1;
    }
    struct spawn_args args = {c, u, cmd, sync[0], status[1]};
    pid_t top;
    if (c->level == CONTAIN_NAMESPACES) {
        top = clone_child(ns_init, &args, NS_FLAGS);
    } else {
        top = fork();
        if (top == 0) {
            char go;
            if (read(sync[0], &go, 1) != 1)
                _exit(125);
            exec_command(&args);
        }
    }
    int saved = errno;
    close(sync[0]);
    if (status[1] != -1)
        close(status[1]);
    if (top == -1) {
        snprintf(why, why_size, "starting the test: %s", strerror(saved));
        close(sync[1]);
        if (status[0] != -1)
            close(status[0]);
        cgroup_remove(&group);
        return -1;
    }
    u->top = top;
    if (c->level != CONTAIN_NAMESPACES)
        u->test = u->group = top;
    u->status_fd = status[0];
    if (u->status_fd != -1)
        fcntl(u->status_fd, F_SETFL, O_NONBLOCK);
    if (group.memory[0] && cgroup_add(&group, top) == -1)
        cgroup_remove(&group); /* rlimits would have been better; note it and go on */
    snprintf(u->cgroup[0], sizeof u->cgroup[0], "%s", group.memory);
    snprintf(u->cgroup[1], sizeof u->cgroup[1], "%s", group.pids);
    if (c->level == CONTAIN_NAMESPACES) {
        snprintf(u->root_outside, sizeof u->root_outside, "/proc/%ld/root", (long)top);
        snprintf(u->dir_outside, sizeof u->dir_outside, "%s%s", u->root_outside, u->dir);
    } else {
        snprintf(u->dir_outside, sizeof u->dir_outside, "%s", u->dir);
    }
    if (write(sync[1], "g", 1) != 1) {
        /* the child died already; the judge sees it end */
    }
    close(sync[1]);
    return 0;
}

pid_t contain_find_test(const struct containment *c, struct test_unit *u)
{
    if (u->test != 0 || c->level != CONTAIN_NAMESPACES)
        return u->test;
    /* At READY the test has run no student code yet: it is the init's only child. */
    pid_t family[2];
    if (proc_descendants(u->top, family, 2) == 1)
        u->test = family[0];
    return u->test;
}

int contain_test_ended(struct test_unit *u, int *status)
{
    if (u->status_fd == -1) {
        if (u->test <= 0 || waitpid(u->test, status, WNOHANG) != u->test)
            return 0;
        u->test = 0; /* reaped: its pid may be reused */
        return 1;
    }
    if (read(u->status_fd, status, sizeof *status) == (ssize_t)sizeof *status)
        return 1;
    /* The init itself gone (killed from outside, out of memory): the test went with it. */
    int init_status;
    if (waitpid(u->top, &init_status, WNOHANG) == u->top) {
        u->top = 0;
        *status = SIGKILL; /* a wait status that reads "killed by SIGKILL" */
        return 1;
    }
    return 0;
}

int contain_list_others(const struct containment *c, const struct test_unit *u, pid_t *pids,
                        int max)
{
    (void)c;
    pid_t judge = getpid();
    pid_t family[512];
    int count = proc_descendants(judge, family, 512);
    int found = 0;
    for (int i = 0; i < count && found < max; i++) {
        struct proc_entry e;
        if (family[i] == u->top || family[i] == u->test || proc_entry_read(family[i], &e) == -1)
            continue; /* one of ours, or already gone */
        /* An orphan that already ended, whose reaper is us or the jail's
         * init: it is on its way out (its parent ended before it could wait,
         * e.g. the copy of a student process made for a test's child), not a
         * leak. A zombie with a living parent in the test is one. */
        if (e.state == 'Z' && (e.ppid == judge || (u->top > 0 && e.ppid == u->top)))
            continue;
        pids[found++] = e.pid;
    }
    return found;
}

static void reap_children(void)
{
    while (waitpid(-1, NULL, WNOHANG) > 0)
        ;
}

void contain_kill_all(const struct containment *c, struct test_unit *u)
{
    if (c->level == CONTAIN_NAMESPACES && u->top > 0) {
        kill(u->top, SIGKILL); /* the init: the kernel ends the whole namespace */
        while (waitpid(u->top, NULL, 0) == -1 && errno == EINTR)
            ;
        u->top = u->test = 0; /* the test died with the namespace */
    }
    if (c->level == CONTAIN_UID)
        uid_kill_all(c->uid);
    /* Every level: whatever still descends from us (at NONE, all there is). */
    for (int round = 0; round < 100; round++) {
        pid_t pids[256];
        int n = contain_list_others(c, u, pids, 256);
        for (int i = 0; i < n; i++)
            kill(pids[i], SIGKILL);
        if (u->group > 0)
            kill(-u->group, SIGKILL); /* the test's process group, if any member is left */
        if (u->test > 0 && kill(u->test, SIGKILL) == 0)
            n++;
        if (u->test > 0 && c->level != CONTAIN_NAMESPACES && waitpid(u->test, NULL, WNOHANG) > 0)
            u->test = 0;
        reap_children();
        if (n == 0)
            break;
        clock_sleep_ms(round < 10 ? 2 : 20);
    }
    reap_children();
}

void contain_limits_hit(const struct containment *c, const struct test_unit *u, char *text,
                        size_t size)
{
    struct test_cgroup group;
    snprintf(group.memory, sizeof group.memory, "%s", u->cgroup[0]);
    snprintf(group.pids, sizeof group.pids, "%s", u->cgroup[1]);
    cgroup_limits_hit(&group, c->memory_mb, c->max_procs, text, size);
}

void contain_view_init(const struct containment *c, struct jail_view *v)
{
    memset(v, 0, sizeof *v);
    v->root_mount = c->jail_root;
    v->owner = c->uid;
    /* Bounded in bytes and in files (hard links count as files on tmpfs), so
     * what a test leaves can neither fill the machine nor slow the audit. */
    v->scratch_mb = 512;
    v->scratch_files = 20000;
}

void contain_release(const struct containment *c, struct test_unit *u)
{
    struct test_cgroup group;
    snprintf(group.memory, sizeof group.memory, "%s", u->cgroup[0]);
    snprintf(group.pids, sizeof group.pids, "%s", u->cgroup[1]);
    cgroup_remove(&group);
    u->cgroup[0][0] = u->cgroup[1][0] = '\0';
    if (c->level != CONTAIN_NAMESPACES)
        contain_remove_tree(u->dir);
    if (u->status_fd != -1)
        close(u->status_fd);
    u->status_fd = -1;
}
