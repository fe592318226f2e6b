/*
 * cgroup.c - per-test memory and pids limits (see cgroup.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup.h"
#include "clock.h"

static const char V1_MEMORY[] = "/sys/fs/cgroup/memory";
static const char V1_PIDS[] = "/sys/fs/cgroup/pids";
static const char V2_ROOT[] = "/sys/fs/cgroup";

static int write_file(const char *dir, const char *file, const char *text)
{
    char path[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd == -1)
        return -1;
    ssize_t n = write(fd, text, strlen(text));
    close(fd);
    return n == (ssize_t)strlen(text) ? 0 : -1;
}

/* The number after "key " in a flat-keyed file (memory.events, memory.oom_control); 0 if none. */
static long read_key(const char *dir, const char *file, const char *key)
{
    char path[PATH_MAX + 64], line[256];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    FILE *in = fopen(path, "re");
    if (in == NULL)
        return 0;
    long value = 0;
    size_t len = strlen(key);
    while (fgets(line, sizeof line, in)) {
        if (strncmp(line, key, len) == 0 && line[len] == ' ')
            sscanf(line + len + 1, "%ld", &value);
    }
    fclose(in);
    return value;
}

static int is_v2(void)
{
    return access("/sys/fs/cgroup/cgroup.controllers", F_OK) == 0;
}

int cgroup_available(void)
{
    static int answer = -1;
    if (answer == -1) {
        /* A name of our own: two judges probing at once must not collide. */
        struct test_cgroup g;
        char name[32];
        snprintf(name, sizeof name, "probe-%ld", (long)getpid());
        answer = cgroup_create(&g, name, 64, 16) == 0;
        if (answer)
            cgroup_remove(&g);
    }
    return answer;
}

int cgroup_create(struct test_cgroup *g, const char *name, long memory_mb, int max_procs)
{
    char bytes[32], procs[32];
    snprintf(bytes, sizeof bytes, "%ld", memory_mb * 1024 * 1024);
    snprintf(procs, sizeof procs, "%d", max_procs);
    g->memory[0] = g->pids[0] = '\0';
    if (is_v2()) {
        /* Both controllers must be handed down from the root. */
        write_file(V2_ROOT, "cgroup.subtree_control", "+memory +pids");
        snprintf(g->memory, sizeof g->memory, "%s/ipckit-%s", V2_ROOT, name);
        if (mkdir(g->memory, 0700) == -1 ||
            (memory_mb > 0 && write_file(g->memory, "memory.max", bytes) == -1) ||
            write_file(g->memory, "pids.max", procs) == -1) {
            cgroup_remove(g);
            return -1;
        }
        write_file(g->memory, "memory.swap.max", "0"); /* absent without swap: fine */
        return 0;
    }
    snprintf(g->memory, sizeof g->memory, "%s/ipckit-%s", V1_MEMORY, name);
    snprintf(g->pids, sizeof g->pids, "%s/ipckit-%s", V1_PIDS, name);
    if (mkdir(g->memory, 0700) == -1 || mkdir(g->pids, 0700) == -1 ||
        (memory_mb > 0 && write_file(g->memory, "memory.limit_in_bytes", bytes) == -1) ||
        write_file(g->pids, "pids.max", procs) == -1) {
        cgroup_remove(g);
        return -1;
    }
    /* Without swap accounting this file is absent; the limit above still holds. */
    if (memory_mb > 0)
        write_file(g->memory, "memory.memsw.limit_in_bytes", bytes);
    return 0;
}

int cgroup_add(const struct test_cgroup *g, pid_t pid)
{
    char text[32];
    snprintf(text, sizeof text, "%ld", (long)pid);
    if (write_file(g->memory, "cgroup.procs", text) == -1)
        return -1;
    if (g->pids[0] && write_file(g->pids, "cgroup.procs", text) == -1)
        return -1;
    return 0;
}

void cgroup_limits_hit(const struct test_cgroup *g, long memory_mb, int max_procs, char *text,
                       size_t size)
{
    text[0] = '\0';
    if (g->memory[0] == '\0')
        return;
    long oom = g->pids[0] ? read_key(g->memory, "memory.oom_control", "oom_kill")
                          : read_key(g->memory, "memory.events", "oom_kill");
    long forks_refused = read_key(g->pids[0] ? g->pids : g->memory, "pids.events", "max");
    if (oom > 0)
        snprintf(text, size,
                 "out of memory: the test's processes used more than the limit of %ld MiB "
                 "and were killed\n",
                 memory_mb);
    if (forks_refused > 0) {
        size_t used = strlen(text);
        snprintf(text + used, size - used,
                 "the test's processes hit the limit of %d processes; %ld fork() calls failed "
                 "(a fork bomb?)\n",
                 max_procs, forks_refused);
    }
}

void cgroup_remove(struct test_cgroup *g)
{
    /* rmdir fails with EBUSY while the kernel still frees the last process. */
    for (int i = 0; i < 2; i++) {
        char *dir = i == 0 ? g->memory : g->pids;
        if (dir[0] == '\0')
            continue;
        for (int tries = 0; tries < 100 && rmdir(dir) == -1 && errno == EBUSY; tries++)
            clock_sleep_ms(10);
        dir[0] = '\0';
    }
}
