/*
 * proc_table.c - processes from /proc/PID/stat and /proc/PID/status (see proc_table.h).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "grow.h"
#include "proc_table.h"

const char *proc_stat_fields(pid_t pid, char *line, size_t size)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
    FILE *in = fopen(path, "re");
    if (in == NULL)
        return NULL;
    size_t n = fread(line, 1, size - 1, in);
    fclose(in);
    line[n] = '\0';
    /* "pid (comm) state ppid ...": comm may hold spaces and ')', so the
     * fields start after the last ')'. */
    const char *close_paren = strrchr(line, ')');
    return close_paren != NULL && close_paren[1] == ' ' ? close_paren + 2 : NULL;
}

int proc_entry_read(pid_t pid, struct proc_entry *e)
{
    char path[64], line[512];
    const char *fields = proc_stat_fields(pid, line, sizeof line);
    const char *open = strchr(line, '(');
    long parent;
    if (fields == NULL || open == NULL || open > fields ||
        sscanf(fields, "%c %ld", &e->state, &parent) != 2)
        return -1;
    snprintf(e->comm, sizeof e->comm, "%.*s", (int)(fields - 2 - open - 1), open + 1);
    e->pid = pid;
    e->ppid = (pid_t)parent;

    /* The real uid is the first number of the "Uid:" line. */
    snprintf(path, sizeof path, "/proc/%ld/status", (long)pid);
    FILE *in = fopen(path, "re");
    if (in == NULL)
        return -1;
    e->uid = (uid_t)-1;
    while (fgets(line, sizeof line, in)) {
        unsigned long uid;
        if (sscanf(line, "Uid: %lu", &uid) == 1) {
            e->uid = (uid_t)uid;
            break;
        }
    }
    fclose(in);
    return 0;
}

int proc_table_read(struct proc_table *t)
{
    t->entries = NULL;
    t->count = 0;
    DIR *dir = opendir("/proc");
    if (dir == NULL)
        return -1;
    size_t capacity = 0;
    struct dirent *d;
    while ((d = readdir(dir)) != NULL) {
        char *end;
        long pid = strtol(d->d_name, &end, 10);
        if (*end != '\0' || pid <= 0)
            continue;
        struct proc_entry *grown =
            grow_array(t->entries, (size_t)t->count, &capacity, sizeof *grown);
        if (grown == NULL) {
            closedir(dir);
            proc_table_free(t);
            errno = ENOMEM;
            return -1;
        }
        t->entries = grown;
        if (proc_entry_read((pid_t)pid, &t->entries[t->count]) == 0)
            t->count++; /* a process that ended meanwhile is simply not listed */
    }
    closedir(dir);
    return 0;
}

void proc_table_free(struct proc_table *t)
{
    free(t->entries);
    t->entries = NULL;
    t->count = 0;
}

const struct proc_entry *proc_table_find(const struct proc_table *t, pid_t pid)
{
    for (int i = 0; i < t->count; i++) {
        if (t->entries[i].pid == pid)
            return &t->entries[i];
    }
    return NULL;
}

bool proc_table_descends(const struct proc_table *t, pid_t pid, pid_t ancestor)
{
    /* Bounded: a table read while processes come and go might hold a cycle. */
    for (int hops = 0; hops < t->count && pid > 1; hops++) {
        const struct proc_entry *e = proc_table_find(t, pid);
        if (e == NULL)
            return false;
        if (e->ppid == ancestor)
            return true;
        pid = e->ppid;
    }
    return false;
}

/* Appends the children of every thread of pid to pids[*count..max). */
static void add_children(pid_t pid, pid_t *pids, int *count, int max)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld/task", (long)pid);
    DIR *tasks = opendir(path);
    if (tasks == NULL)
        return; /* it ended: its children went to a reaper, found from there */
    struct dirent *d;
    while ((d = readdir(tasks)) != NULL && *count < max) {
        char *end;
        long tid = strtol(d->d_name, &end, 10);
        if (*end != '\0' || tid <= 0)
            continue; /* "." and ".." */
        char file[96];
        snprintf(file, sizeof file, "/proc/%ld/task/%ld/children", (long)pid, tid);
        FILE *in = fopen(file, "re");
        if (in == NULL)
            continue;
        long child;
        while (*count < max && fscanf(in, "%ld", &child) == 1)
            pids[(*count)++] = (pid_t)child;
        fclose(in);
    }
    closedir(tasks);
}

static int descendants_from_table(pid_t ancestor, pid_t *pids, int max)
{
    struct proc_table t;
    if (proc_table_read(&t) == -1)
        return 0;
    int found = 0;
    for (int i = 0; i < t.count && found < max; i++) {
        if (proc_table_descends(&t, t.entries[i].pid, ancestor))
            pids[found++] = t.entries[i].pid;
    }
    proc_table_free(&t);
    return found;
}

int proc_descendants(pid_t ancestor, pid_t *pids, int max)
{
    char probe[64];
    snprintf(probe, sizeof probe, "/proc/%ld/task/%ld/children", (long)getpid(), (long)getpid());
    if (access(probe, R_OK) == -1)
        return descendants_from_table(ancestor, pids, max);
    /* Breadth first: pids[0..next) are expanded, pids[next..count) wait. */
    int count = 0;
    add_children(ancestor, pids, &count, max);
    for (int next = 0; next < count && count < max; next++)
        add_children(pids[next], pids, &count, max);
    return count;
}
