/*
 * boundary_end.c - the student processes seen from outside (/proc), and the
 * end of a test: how they ended, and what they kept.
 */
#define _GNU_SOURCE /* dup3(), F_DUPFD_CLOEXEC, setresuid(), gettid() */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/kcmp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "boundary.h"
#include "boundary_checker.h"
#include "boundary_stub.h"
#include "boundary_wire.h"
#include "err.h"
#include "grader.h"
#include "harness.h"
#include "proc_table.h"

/* ---- looking at student processes from outside ---- */

int boundary_agent_fds(pid_t pid, char *list, size_t size)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld/fd", (long)pid);
    DIR *d = opendir(path);
    if (d == NULL)
        return -1;
    if (list != NULL && size > 0)
        list[0] = '\0';
    int count = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        int fd = atoi(e->d_name);
        if (fd <= STDERR_FILENO || fd >= BOUNDARY_FD_FLOOR)
            continue;
        count++;
        if (list != NULL && strlen(list) + 64 < size) {
            char link[128], target[96];
            snprintf(link, sizeof link, "%s/%d", path, fd);
            ssize_t n = readlink(link, target, sizeof target - 1);
            target[n > 0 ? n : 0] = '\0';
            snprintf(list + strlen(list), size - strlen(list), "%s%d -> %s", count > 1 ? ", " : "",
                     fd, target);
        }
    }
    closedir(d);
    return count;
}

/* ---- the end of a test ---- */

/* A sentence for how the student process ended, or NULL when it ended well. */
static const char *judge_ending(int status)
{
    static char text[256];
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return NULL;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 66)
        return "ThreadSanitizer reported a data race in your code (the report is in the output)";
    if (WIFEXITED(status) && WEXITSTATUS(status) == 23)
        return "LeakSanitizer found memory your code allocated and never freed (see the output)";
    if (WIFEXITED(status))
        snprintf(text, sizeof text,
                 "the process running your code exited with status %d when the test ended "
                 "(a sanitizer's report, or an exit() in your code? see the output)",
                 WEXITSTATUS(status));
    else
        snprintf(text, sizeof text, "the process running your code %s%s",
                 WIFSIGNALED(status) ? "was " : "", grade_describe_status(status));
    return text;
}

/*
 * True while process pid is still to be seen: running, or ended but not yet
 * reaped by the jail's init (pid 1 here). A zombie another process is
 * parent of (the judge, outside a jail) is as good as gone.
 */
static bool still_there(pid_t pid)
{
    char line[256];
    const char *fields = proc_stat_fields(pid, line, sizeof line);
    char state = 0;
    long parent = 0;
    if (fields == NULL || sscanf(fields, "%c %ld", &state, &parent) != 2)
        return false;
    return state != 'Z' || parent == 1;
}

int boundary_finish(char *why, size_t size, int *leaked)
{
    why[0] = '\0';
    *leaked = 0;
    if (boundary_state.agent <= 0 || getpid() != boundary_state.owner)
        return 0;
    char list[512];
    int open_count = boundary_state.agent_is_child
                         ? boundary_agent_fds(boundary_state.agent, list, sizeof list)
                         : 0;
    if (open_count > 0) {
        snprintf(why, size,
                 "your code left %d descriptor(s) open in its process after its calls "
                 "returned: %s; close what you open (on every error path too)",
                 open_count, list);
        *leaked = open_count;
    }
    /* The copies made for test children end with them; any still here now
     * is stopped. */
    for (int i = 0; i < boundary_state.mirror_count; i++)
        kill(boundary_state.mirrors[i].agent, SIGKILL);
    /* They are not our children: whoever reaps orphans (the jail's init)
     * does, soon. Wait up to 5 s for that (a loaded machine), so the judge's look at what the
     * test left behind never meets one still dying, or dead and unreaped. */
    for (int i = 0; i < boundary_state.mirror_count; i++) {
        for (int waited = 0; waited < 5000 && still_there(boundary_state.mirrors[i].agent);
             waited++) {
            struct timespec t = {0, 1000 * 1000};
            nanosleep(&t, NULL);
        }
    }
    boundary_state.mirror_count = 0;
    if (boundary_conn != -1 && boundary_conn_owner == getpid())
        close(boundary_conn);
    boundary_conn = -1;
    if (!boundary_state.agent_is_child)
        return why[0] ? -1 : 0;
    /* It exits once its connection closes; sanitizers report on the way.
     * Looked at every millisecond: it usually takes a few, and every test
     * of every lab waits here once. */
    int status = 0;
    pid_t got = 0;
    for (int i = 0; i < 5000 && got == 0; i++) {
        got = waitpid(boundary_state.agent, &status, WNOHANG);
        if (got == 0) {
            struct timespec t = {0, 1000 * 1000};
            nanosleep(&t, NULL);
        }
    }
    if (got == 0) {
        kill(boundary_state.agent, SIGKILL);
        waitpid(boundary_state.agent, &status, 0);
        *leaked = 0;
        snprintf(why, size,
                 "the process running your code did not end within 5 s of the test's end "
                 "(a thread of yours still running, or a handler that blocks exit?)");
        return -1;
    }
    boundary_state.agent_is_child = false;
    const char *ending = got == boundary_state.agent ? judge_ending(status) : NULL;
    if (ending != NULL) { /* a sanitizer's report or a crash outweighs a leak */
        snprintf(why, size, "%s", ending);
        *leaked = 0;
    }
    return why[0] ? -1 : 0;
}
