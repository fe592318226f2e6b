/*
 * judge_step.c - `judge --step`: one command that touches a submission
 * (compiling it, linking it, checking its objects), run in a jail.
 *
 * usage: judge --step NAME --limit SECONDS [options] -- COMMAND [ARGS...]
 *
 * As root the command runs like a test: its own namespaces, the tests' uid,
 * a cgroup, and a root that holds only the toolchain and the paths given
 * with --view (read-only) and --scratch (a size-limited tmpfs). Files it
 * must hand back are copied out with --copy-out, after it succeeded, as
 * regular files no bigger than --file-mb. Its output is printed, capped.
 *
 * Exit status: 0 the command succeeded; its own exit status when it failed
 * (1 when a signal ended it or a file could not be copied out); 124 it ran
 * past --limit; 3 the judge could not run it; 2 usage.
 */
#define _GNU_SOURCE /* pipe2() */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "contain.h"
#include "err.h"
#include "jail.h"
#include "judge.h"

enum { STEP_FAILED = 1, STEP_USAGE = 2, STEP_GRADER_ERROR = 3, STEP_TIMED_OUT = 124 };
enum { OUTPUT_KEEP = 64 * 1024, MAX_COPIES = 64 };

struct step_args {
    const char *name;
    long limit_s, file_mb, memory_mb;
    const char *cwd, *notes;
    bool isolate;
    const char *copies[MAX_COPIES];
    size_t copy_count;
    char *const *argv;
};

static void step_usage(const char *prog)
{
    printf("usage: %s --step NAME --limit SECONDS [options] -- COMMAND [ARGS...]\n"
           "Runs one command that touches a submission (a build, a check) in a jail:\n"
           "as root, under the tests' uid, seeing only the toolchain and the paths given.\n"
           "  --view PATH          a read-only copy of this host file or folder, at its own path\n"
           "  --scratch PATH:MB[:FILL]  a writable tmpfs of MB MiB at PATH, holding a copy\n"
           "                       of the regular files of the host folder FILL\n"
           "  --copy-out PATH      after success, copy this file back to the same host path\n"
           "  --cwd DIR            where the command starts (default: a private folder)\n"
           "  --file-mb N          no file the command writes may exceed N MiB (default 64)\n"
           "  --memory-mb N        memory limit (default 1024)\n"
           "  --isolate none       run it as you, without a jail (a user's own machine)\n"
           "  --notes FILE         append what could not be contained to FILE\n"
           "Exit status: 0 success, the command's own status when it failed (1 for a\n"
           "signal), 124 past its time limit, 3 the judge could not run it, 2 usage.\n"
           "example: %s --step compiling --limit 60 --view /kit/labs --scratch /kit/build:256 \\\n"
           "             --copy-out /kit/build/x.o --cwd /kit -- /usr/bin/make build/x.o\n",
           prog, prog);
}

static void parse_step_args(int argc, char **argv, struct step_args *a, struct jail_view *v)
{
    for (int i = 3; i < argc; i++) {
        const char *opt = argv[i];
        if (strcmp(opt, "--") == 0) {
            a->argv = &argv[i + 1];
            break;
        }
        if (strcmp(opt, "-h") == 0 || strcmp(opt, "--help") == 0) {
            step_usage(argv[0]);
            exit(0);
        }
        if (i + 1 >= argc)
            die_usage("option '%s' is unknown or needs a value (try --step NAME --help)", opt);
        char *value = argv[++i];
        if (strcmp(opt, "--limit") == 0) {
            a->limit_s = atol(value);
        } else if (strcmp(opt, "--file-mb") == 0) {
            a->file_mb = atol(value);
        } else if (strcmp(opt, "--memory-mb") == 0) {
            a->memory_mb = atol(value);
        } else if (strcmp(opt, "--cwd") == 0) {
            a->cwd = value;
        } else if (strcmp(opt, "--notes") == 0) {
            a->notes = value;
        } else if (strcmp(opt, "--isolate") == 0) {
            a->isolate = strcmp(value, "none") != 0;
        } else if (strcmp(opt, "--view") == 0) {
            if (jail_add(v, value, JAIL_COPY, 0, NULL) == -1)
                die_usage("too many --view and --scratch paths (at most %d)", JAIL_MAX_ENTRIES);
        } else if (strcmp(opt, "--scratch") == 0) {
            /* PATH:MB[:FILL]; the string stays alive in argv, so cut it in place. */
            char *mb = strchr(value, ':');
            char *fill = mb ? strchr(mb + 1, ':') : NULL;
            if (mb == NULL || atol(mb + 1) <= 0)
                die_usage("--scratch wants PATH:MB[:FILL], not '%s'", value);
            *mb = '\0';
            if (fill)
                *fill = '\0';
            if (jail_add(v, value, JAIL_SCRATCH, atol(mb + 1), fill ? fill + 1 : NULL) == -1)
                die_usage("too many --view and --scratch paths (at most %d)", JAIL_MAX_ENTRIES);
        } else if (strcmp(opt, "--copy-out") == 0) {
            if (a->copy_count == MAX_COPIES)
                die_usage("too many --copy-out files (at most %d)", MAX_COPIES);
            a->copies[a->copy_count++] = value;
        } else {
            die_usage("unknown option '%s' (try --step NAME --help)", opt);
        }
    }
    if (a->argv == NULL || a->argv[0] == NULL || a->limit_s <= 0)
        die_usage("--step NAME --limit SECONDS ... -- COMMAND is required (try --help)");
}

/*
 * Copies path from inside the unit (root_outside + path) to the same host
 * path: a regular file, never a link, no bigger than max_bytes.
 */
static int copy_out(const struct test_unit *u, const char *path, long long max_bytes, char *why,
                    size_t why_size)
{
    char from[PATH_MAX * 2];
    snprintf(from, sizeof from, "%s%s", u->root_outside, path);
    int in = open(from, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    struct stat st;
    if (in == -1 || fstat(in, &st) == -1 || !S_ISREG(st.st_mode)) {
        snprintf(why, why_size, "%s was not made (or is not a regular file)", path);
        if (in != -1)
            close(in);
        return -1;
    }
    if (st.st_size > max_bytes) {
        snprintf(why, why_size, "%s is %lld MiB, over the limit of %lld MiB", path,
                 (long long)st.st_size >> 20, max_bytes >> 20);
        close(in);
        return -1;
    }
    if (unlink(path) == -1 && errno != ENOENT) {
        snprintf(why, why_size, "unlink %s: %s", path, strerror(errno));
        close(in);
        return -1;
    }
    int out = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                   (st.st_mode & S_IXUSR) ? 0755 : 0644);
    int copied = out == -1 ? -1 : jail_copy_contents(in, out);
    int saved = errno;
    close(in);
    if (copied == -1) {
        snprintf(why, why_size, "copying %s out of the jail: %s", path, strerror(saved));
        if (out != -1) {
            close(out);
            unlink(path);
        }
        return -1;
    }
    return close(out);
}

/* Appends "NAME: WHY" to the grader's notes (results.json shows them). */
static void append_step_note(const char *path, const char *name, const char *why)
{
    FILE *out = path ? fopen(path, "a") : NULL;
    if (out) {
        fprintf(out, "%s: %s\n", name, why);
        fclose(out);
    }
}

/* Keeps the first OUTPUT_KEEP bytes of what the command prints; counts the rest. */
struct captured {
    char text[OUTPUT_KEEP];
    size_t used;
    unsigned long long total;
};

static void drain(int fd, struct captured *out)
{
    char buf[4096];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) {
        out->total += (unsigned long long)n;
        size_t room = sizeof out->text - out->used;
        size_t take = (size_t)n < room ? (size_t)n : room;
        memcpy(out->text + out->used, buf, take);
        out->used += take;
    }
}

/* Appends a line of the judge's own to what the step printed. */
static void add_line(struct captured *out, const char *line)
{
    size_t len = strlen(line), room = sizeof out->text - out->used;
    size_t take = len < room ? len : room;
    memcpy(out->text + out->used, line, take);
    out->used += take;
    out->total += len;
}

/*
 * Without namespaces there is no root of its own: the step runs as its uid
 * in a folder of copies of its view (`copies`), its cwd moved there; the
 * rest of the host is walled off by file permissions only (the grader locks
 * the kit to root first). Returns 0, or -1 after saying why.
 */
static int copy_view_for_uid_level(const struct containment *c, const struct jail_view *view,
                                   struct step_args *a, char *copies, size_t size)
{
    static char cwd[PATH_MAX * 2];
    snprintf(copies, size, "%s/view", c->run_root);
    const char *failed = mkdir(copies, 0755) == -1 ? "mkdir" : jail_copy_view(view, copies);
    if (failed) {
        warn_errno("judge: %s: %s", a->name, failed);
        return -1;
    }
    snprintf(cwd, sizeof cwd, "%s%s", copies, a->cwd ? a->cwd : "/");
    a->cwd = cwd;
    return 0;
}

/* Waits for the step to end or for its time limit; keeps its output. */
static bool wait_for_step(struct test_unit *u, int out_fd, long limit_s, struct captured *output,
                          int *status)
{
    uint64_t end = clock_now_ns() + (uint64_t)limit_s * 1000000000u;
    bool ended = false;
    while (!ended && clock_now_ns() < end) {
        struct pollfd fds[2] = {{out_fd, POLLIN, 0}, {u->status_fd, POLLIN, 0}};
        poll(fds, u->status_fd == -1 ? 1 : 2, 20);
        drain(out_fd, output);
        ended = contain_test_ended(u, status) == 1;
    }
    drain(out_fd, output);
    return ended;
}

int judge_step_main(int argc, char **argv)
{
    err_set_progname(argv[0]);
    if (argc < 3 || argv[2][0] == '-')
        die_usage("--step wants a name first: judge --step NAME --limit SECONDS ... -- COMMAND");
    struct step_args a = {.name = argv[2], .file_mb = 64, .memory_mb = 1024, .isolate = true};
    static struct jail_view view;
    struct containment c;
    /* The options fill the view's entries; the containment adds its defaults. */
    parse_step_args(argc, argv, &a, &view);
    if (contain_init(&c, a.isolate, a.memory_mb) == -1)
        die_errno("judge: preparing the jail for '%s'", a.name);
    struct jail_view defaults;
    contain_view_init(&c, &defaults);
    view.root_mount = defaults.root_mount;
    view.owner = defaults.owner;
    view.scratch_mb = defaults.scratch_mb;
    view.scratch_files = defaults.scratch_files;
    static char copies[PATH_MAX];
    if (c.level == CONTAIN_UID &&
        copy_view_for_uid_level(&c, &view, &a, copies, sizeof copies) == -1) {
        contain_finish(&c);
        return STEP_GRADER_ERROR;
    }
    /* What could not be contained goes in the report, as it does for tests. */
    if (c.level == CONTAIN_UID || (c.level == CONTAIN_NONE && a.isolate && geteuid() == 0))
        append_step_note(a.notes, a.name, c.why);

    int out[2];
    if (pipe2(out, O_CLOEXEC) == -1)
        die_errno("judge: pipe2");
    struct test_unit u;
    memset(&u, 0, sizeof u);
    u.name = "step";
    struct unit_command cmd = {.argv = a.argv,
                               .cwd = a.cwd,
                               .view = &view,
                               .channel_fd = -1,
                               .out_fd = out[1],
                               .file_mb = a.file_mb,
                               .cpu_s = a.limit_s + 1};
    char prefix[64], why[512];
    snprintf(prefix, sizeof prefix, "ipckit-s%ld", (long)getpid());
    if (contain_spawn(&c, &u, &cmd, prefix, why, sizeof why) == -1) {
        warn_msg("judge: could not start '%s': %s", a.name, why);
        contain_finish(&c);
        return STEP_GRADER_ERROR;
    }
    close(out[1]);
    fcntl(out[0], F_SETFL, O_NONBLOCK);

    static struct captured output;
    int status = 0;
    bool ended = wait_for_step(&u, out[0], a.limit_s, &output, &status);
    int result = 0;
    if (!ended)
        result = STEP_TIMED_OUT;
    else if (!WIFEXITED(status))
        result = STEP_FAILED;
    else if (WEXITSTATUS(status) != 0)
        result = WEXITSTATUS(status);
    /* Its files come back only from a step that succeeded, and only where they
     * were made apart from the host (at level NONE they are in place already). */
    if (result == 0 && c.level != CONTAIN_NONE) {
        if (copies[0])
            snprintf(u.root_outside, sizeof u.root_outside, "%s", copies);
        for (size_t i = 0; i < a.copy_count && result == 0; i++) {
            if (copy_out(&u, a.copies[i], (long long)a.file_mb << 20, why, sizeof why) == -1) {
                char line[600];
                snprintf(line, sizeof line, "judge: %s\n", why);
                add_line(&output, line);
                result = STEP_FAILED;
            }
        }
    }
    contain_kill_all(&c, &u);
    char limits[512];
    contain_limits_hit(&c, &u, limits, sizeof limits);
    contain_release(&c, &u);
    contain_finish(&c);
    close(out[0]);

    fwrite(output.text, 1, output.used, stdout);
    if (output.total > output.used)
        printf("\n[output cut: %llu bytes in all, the first %zu shown]\n", output.total,
               output.used);
    if (limits[0])
        printf("judge: %s", limits);
    if (result == STEP_TIMED_OUT)
        printf("judge: %s took longer than %ld s and was stopped\n", a.name, a.limit_s);
    else if (result == STEP_FAILED && ended && WIFSIGNALED(status))
        printf("judge: %s was killed by signal %d\n", a.name, WTERMSIG(status));
    fflush(stdout);
    return result;
}
