/*
 * proc_table.h - a snapshot of the machine's processes, read from /proc,
 * the way `ps -eo pid,ppid,uid,stat,comm` would show them.
 */
#ifndef IPC_KIT_PROC_TABLE_H
#define IPC_KIT_PROC_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct proc_entry {
    pid_t pid, ppid;
    uid_t uid;  /* real uid */
    char state; /* R, S, D, Z, T, ... */
    char comm[32];
};

struct proc_table {
    struct proc_entry *entries;
    int count;
};

/* Reads every process now. Returns 0 or -1 with errno. */
int proc_table_read(struct proc_table *t);
void proc_table_free(struct proc_table *t);

/* The entry of pid, or NULL. */
const struct proc_entry *proc_table_find(const struct proc_table *t, pid_t pid);

/* True when ancestor is pid's parent, grandparent, ... (not pid itself). */
bool proc_table_descends(const struct proc_table *t, pid_t pid, pid_t ancestor);

/*
 * The processes that descend from ancestor (children, grandchildren, ...),
 * at most max of them, into pids; returns how many. Reads only those
 * processes (/proc/PID/task/TID/children), not the whole machine's: the judge
 * asks after every test, and a busy grading machine runs hundreds of others.
 * Kernels without that file get the same answer from a whole table.
 */
int proc_descendants(pid_t ancestor, pid_t *pids, int max);

/* Reads one process's entry; 0, or -1 when it is gone. */
int proc_entry_read(pid_t pid, struct proc_entry *e);

/*
 * The one reader of /proc/PID/stat: copies the file into line (size bytes)
 * and returns where its fields after "pid (comm) " start (the state letter,
 * then the parent, ...), or NULL when the process is gone. Shared by the
 * judge and the test binaries (grader.h's process helpers).
 */
const char *proc_stat_fields(pid_t pid, char *line, size_t size);

#endif
