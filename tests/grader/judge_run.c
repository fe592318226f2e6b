/*
 * judge_run.c - one test, from start to verdict (see judge.h).
 *
 * The steps, each visible in the report when it goes wrong:
 *   1. start the test binary with --run NAME in a new unit (contain.c);
 *   2. on READY, snapshot what exists (audit.c), then send GO with a fresh nonce;
 *   3. collect WAIT/NOTE/CALLED records and the test's output until PASS or
 *      FAIL arrives, the process ends, or the time limit passes;
 *   4. audit what the test left, send BYE, and let the process exit (a
 *      sanitizer may still report at exit);
 *   5. kill whatever remains of the unit and release it.
 */
#define _GNU_SOURCE /* pipe2(), SOCK_CLOEXEC */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <limits.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "audit.h"
#include "judge_channel.h"
#include "clock.h"
#include "jail.h"
#include "judge.h"

enum verdict { VERDICT_NONE, VERDICT_PASS, VERDICT_FAIL };

struct run_state {
    enum verdict verdict;
    bool started; /* GO was sent */
    bool ended;   /* the test process ended */
    bool timed_out;
    bool forged;      /* a PASS/FAIL with a wrong nonce arrived */
    bool unavailable; /* the test could not run here, the kit's fault (UNAVAILABLE) */
    char unavailable_text[512];
    int status; /* wait status, when ended */
    char nonce[40];
    char fail_text[JUDGE_CHANNEL_LINE_MAX];
    char waiting_for[512];
    char last_call[64];
    char notes[1024];
    int leaks; /* what the checker found the student's processes left (LEAKED) */
    char leak_text[1024];
    int note_count;
    /* the tail of the test's stdout and stderr */
    char tail[8192];
    size_t tail_used;
    unsigned long long output_total;
};

static void make_nonce(char *out, size_t size)
{
    unsigned char bytes[16];
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    ssize_t n = fd == -1 ? -1 : read(fd, bytes, sizeof bytes);
    if (fd != -1)
        close(fd);
    if (n != (ssize_t)sizeof bytes) { /* never happens on Linux; still not predictable */
        uint64_t t = clock_now_ns() ^ ((uint64_t)getpid() << 32);
        memcpy(bytes, &t, sizeof t);
        memcpy(bytes + 8, &t, sizeof t);
    }
    size_t used = 0;
    for (size_t i = 0; i < sizeof bytes && used + 3 <= size; i++)
        used += (size_t)snprintf(out + used, size - used, "%02x", bytes[i]);
}

/* Keeps the last sizeof tail bytes of everything the test printed. */
static void drain_output(int fd, struct run_state *run)
{
    char buf[4096];
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n <= 0)
            return;
        run->output_total += (unsigned long long)n;
        /* buf is smaller than tail: drop the oldest bytes to make room. */
        if (run->tail_used + (size_t)n > sizeof run->tail) {
            size_t drop = run->tail_used + (size_t)n - sizeof run->tail;
            memmove(run->tail, run->tail + drop, run->tail_used - drop);
            run->tail_used -= drop;
        }
        memcpy(run->tail + run->tail_used, buf, (size_t)n);
        run->tail_used += (size_t)n;
    }
}

/* Handles one record from the test; returns true once a verdict is in. */
static bool take_record(const struct containment *c, struct test_unit *u, int channel,
                        const char *line, struct run_state *run, struct audit_snapshot *snap)
{
    if (strcmp(line, "READY") == 0 && !run->started) {
        contain_find_test(c, u);
        audit_snapshot_take(c, u, snap);
        make_nonce(run->nonce, sizeof run->nonce);
        judge_channel_send(channel, "GO", run->nonce);
        run->started = true;
        return false;
    }
    if (!run->started)
        return false;
    /* Every record after GO carries the nonce; one without it was forged. */
    const char *space = strchr(line, ' ');
    size_t len = strlen(run->nonce);
    if (space == NULL || strncmp(space + 1, run->nonce, len) != 0 ||
        (space[1 + len] != '\0' && space[1 + len] != ' ')) {
        run->forged = true;
        return false;
    }
    const char *text = space[1 + len] == ' ' ? space + 2 + len : "";
    size_t kind = (size_t)(space - line);
    if (strncmp(line, "WAIT", kind) == 0) {
        snprintf(run->waiting_for, sizeof run->waiting_for, "%s", text);
    } else if (strncmp(line, "CALLED", kind) == 0) {
        snprintf(run->last_call, sizeof run->last_call, "%s", text);
    } else if (strncmp(line, "NOTE", kind) == 0) {
        if (run->note_count++ < 12)
            audit_note(run->notes, sizeof run->notes, "%s\n", text);
    } else if (strncmp(line, "UNAVAILABLE", kind) == 0) {
        /* The test's own FAIL follows; this record decides how it counts. */
        run->unavailable = true;
        snprintf(run->unavailable_text, sizeof run->unavailable_text, "%s", text);
    } else if (strncmp(line, "LEAKED", kind) == 0) {
        /* Every check held; the student's process kept what it should have
         * closed: "N what". The checker measured it (boundary.h). */
        char *end;
        long n = strtol(text, &end, 10);
        run->leaks = n > 0 && n < 1000000 ? (int)n : 1;
        snprintf(run->leak_text, sizeof run->leak_text, "%s", *end == ' ' ? end + 1 : text);
        run->verdict = VERDICT_PASS;
        return true;
    } else if (strncmp(line, "PASS", kind) == 0 || strncmp(line, "FAIL", kind) == 0) {
        run->verdict = line[0] == 'P' ? VERDICT_PASS : VERDICT_FAIL;
        if (run->verdict == VERDICT_FAIL)
            snprintf(run->fail_text, sizeof run->fail_text, "%s",
                     text[0] ? text : "a check failed");
        return true;
    }
    return false;
}

static uint64_t ms_to_ns(double ms)
{
    return (uint64_t)(ms * 1e6);
}

/* Runs the test until a verdict, its end, or its time limit. */
static void watch(const struct containment *c, struct test_unit *u, int channel, int output,
                  uint64_t end_ns, struct run_state *run, struct audit_snapshot *snap)
{
    struct judge_channel_reader reader = {.used = 0};
    bool channel_open = true;
    char line[JUDGE_CHANNEL_LINE_MAX];
    for (;;) {
        struct pollfd fds[3] = {
            {channel, POLLIN, 0}, {output, POLLIN, 0}, {u->status_fd, POLLIN, 0}};
        uint64_t now = clock_now_ns();
        if (now >= end_ns || judge_interrupted) {
            run->timed_out = true;
            return;
        }
        uint64_t wait_ms = (end_ns - now) / 1000000 + 1;
        poll(fds, u->status_fd == -1 ? 2 : 3, (int)(wait_ms < 20 ? wait_ms : 20));
        drain_output(output, run);
        if (channel_open && (fds[0].revents & (POLLIN | POLLHUP))) {
            if (judge_channel_fill(channel, &reader) == 0)
                channel_open = false;
            const char *got;
            while ((got = judge_channel_next(&reader, line, sizeof line)) != NULL) {
                if (take_record(c, u, channel, got, run, snap))
                    return;
            }
        }
        if (contain_test_ended(u, &run->status)) {
            run->ended = true;
            drain_output(output, run);
            return;
        }
    }
}

/* After the verdict: BYE, then the process must exit cleanly (sanitizers report at exit). */
static void finish(const struct judge_options *o, struct test_unit *u, int channel, int output,
                   struct run_state *run)
{
    judge_channel_send(channel, "BYE", NULL);
    uint64_t end = clock_now_ns() + ms_to_ns(10000 * o->multiplier);
    while (clock_now_ns() < end) {
        if (contain_test_ended(u, &run->status)) {
            run->ended = true;
            break;
        }
        struct pollfd fds[2] = {{output, POLLIN, 0}, {u->status_fd, POLLIN, 0}};
        poll(fds, u->status_fd == -1 ? 1 : 2, 5);
        drain_output(output, run);
    }
    drain_output(output, run);
}

static const char *describe_status(int status, char *buf, size_t size)
{
    if (WIFEXITED(status))
        snprintf(buf, size, "exited with status %d", WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        snprintf(buf, size, "was killed by %s (%s)", sigabbrev_np(WTERMSIG(status)) ?: "a signal",
                 strsignal(WTERMSIG(status)));
    else
        snprintf(buf, size, "ended with wait status 0x%x", status);
    return buf;
}

/* True when the kept tail of the test's output contains text. */
static bool output_mentions(const struct run_state *run, const char *text)
{
    return memmem(run->tail, run->tail_used, text, strlen(text)) != NULL;
}

/* Writes the verdict's explanation into r->message. */
/* The one word for how the test ended (report.h), from the facts the judge saw. */
static enum test_status status_of(const struct run_state *run, int leftovers, bool clean_exit,
                                  bool passed)
{
    if (passed)
        return STATUS_PASSED;
    if (run->unavailable)
        return STATUS_GRADER_ERROR;
    if (run->timed_out)
        return judge_interrupted ? STATUS_NOT_RUN : STATUS_TIMED_OUT;
    if (!run->started) /* the harness never said READY: no student code had run */
        return STATUS_GRADER_ERROR;
    if (run->verdict == VERDICT_NONE)
        return STATUS_CRASHED;
    if (run->verdict == VERDICT_FAIL)
        return STATUS_FAILED;
    if (leftovers > 0)
        return STATUS_LEAKED;
    return clean_exit ? STATUS_FAILED : STATUS_CRASHED;
}

static void explain(const struct judge_options *o, const struct grade_test *t,
                    const struct run_state *run, const char *limits, int leftovers, bool clean_exit,
                    struct test_outcome *r)
{
    char *m = r->message;
    size_t size = sizeof r->message;
    char status[96];
    m[0] = '\0';
    if (run->unavailable) {
        audit_note(m, size, "the test could not run here: %s\n", run->unavailable_text);
    } else if (run->timed_out) {
        double limit = t->timeout_s * o->multiplier;
        bool by_deadline = o->deadline_ns && clock_now_ns() + 1000000 >= o->deadline_ns;
        if (judge_interrupted)
            audit_note(m, size, "stopped: grading was interrupted during this test");
        else if (by_deadline)
            audit_note(m, size,
                       "stopped: the submission's time limit was reached during this test");
        else if (o->multiplier > 1.0)
            audit_note(m, size, "timed out after %.0f s (this test's limit of %d s, scaled x%g)",
                       limit, t->timeout_s, o->multiplier);
        else
            audit_note(m, size, "timed out after %d s (this test's limit)", t->timeout_s);
        if (run->waiting_for[0])
            audit_note(m, size, " while waiting for %s", run->waiting_for);
        else if (run->last_call[0])
            audit_note(m, size, "; the last lab call that returned was %s()", run->last_call);
        audit_note(m, size, "\n");
    } else if (!run->started) {
        audit_note(m, size, "the test process ended before the test could start: it %s\n",
                   describe_status(run->status, status, sizeof status));
    } else if (run->verdict == VERDICT_NONE) {
        audit_note(m, size, "the test ended before its last check: the process %s",
                   describe_status(run->status, status, sizeof status));
        if (run->last_call[0])
            audit_note(m, size, " after %s() returned", run->last_call);
        if (output_mentions(run, "Sanitizer"))
            audit_note(m, size,
                       ".\nA sanitizer stopped the test: read its report below "
                       "(the first frames in your code point at the bug).");
        else if (WIFEXITED(run->status))
            audit_note(m, size,
                       ".\nDoes your code call exit() or _exit() in the caller's "
                       "process? Only a child process you fork may exit.");
        audit_note(m, size, "\n");
    } else if (run->verdict == VERDICT_FAIL) {
        audit_note(m, size, "%s\n", run->fail_text);
    } else if (leftovers > 0) {
        audit_note(m, size, "the test passed, but it left resources behind (see below)\n");
    } else if (!clean_exit) {
        if (run->ended)
            audit_note(m, size,
                       "the test passed, but its process then %s (a sanitizer's report "
                       "at exit? see the output)\n",
                       describe_status(run->status, status, sizeof status));
        else
            audit_note(m, size, "the test passed, but its process did not exit afterwards\n");
    }
    if (run->forged)
        audit_note(m, size,
                   "records with a wrong nonce were sent to the judge and ignored (forged): "
                   "only the test harness may report to the judge\n");
    if (limits[0])
        audit_note(m, size, "%s", limits);
    if (!r->passed && run->output_total > 0) {
        size_t keep =
            run->tail_used < (size_t)o->output_keep ? run->tail_used : (size_t)o->output_keep;
        if (run->output_total > keep)
            audit_note(m, size,
                       "output of the test, as printed by your code and the test, never the "
                       "grader's words (the last %zu of %llu bytes):\n",
                       keep, run->output_total);
        else
            audit_note(m, size,
                       "output of the test, as printed by your code and the test, never "
                       "the grader's words:\n");
        audit_note(m, size, "%.*s\n", (int)keep, run->tail + run->tail_used - keep);
    }
}

/* True when name is one of the lab's programs, which tests may run. */
static bool is_program(int dir_fd, const char *name, const char *binary_name)
{
    struct stat st;
    size_t len = strlen(name);
    if (fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) == -1 || !S_ISREG(st.st_mode) ||
        !(st.st_mode & S_IXUSR))
        return false;
    if (strcmp(name, binary_name) == 0)
        return true;
    /* Never another test binary: the hidden tests live in one beside the public ones. */
    if (strncmp(name, "test_", 5) == 0 || strncmp(name, "hidden_", 7) == 0)
        return false;
    return !(len > 2 && name[len - 2] == '.'); /* no objects (.o, .d, .a) */
}

/*
 * What a test sees of the kit (jail.h): its own binary and the lab's
 * programs beside it (tests run tcp_server...), plus what --view adds.
 * Sources, objects, the other test binary and results are not there.
 */
static void test_view(const struct judge_options *o, const struct containment *c,
                      struct jail_view *v)
{
    contain_view_init(c, v);
    static char dir[PATH_MAX], names[JAIL_MAX_ENTRIES][PATH_MAX + 256];
    snprintf(dir, sizeof dir, "%s", o->binary);
    char *slash = strrchr(dir, '/');
    const char *binary_name = slash ? slash + 1 : o->binary;
    if (slash)
        *slash = '\0';
    for (size_t i = 0; i < o->view_count; i++)
        jail_add(v, o->view[i], JAIL_BIND, 0, NULL);
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d != NULL && (e = readdir(d)) != NULL && v->count < JAIL_MAX_ENTRIES) {
        if (!is_program(dirfd(d), e->d_name, binary_name))
            continue;
        snprintf(names[v->count], sizeof names[v->count], "%s/%s", dir, e->d_name);
        jail_add(v, names[v->count], JAIL_BIND, 0, NULL);
    }
    if (d != NULL)
        closedir(d);
}

/*
 * True when the test binary is a checker (boundary.h): an agent_LAB is
 * beside it, which runs the student's code. test_02-pipe -> agent_02-pipe.
 */
static bool has_agent(const struct judge_options *o)
{
    char path[PATH_MAX];
    const char *slash = strrchr(o->binary, '/');
    const char *base = slash ? slash + 1 : o->binary;
    const char *lab = strchr(base, '_');
    if (lab == NULL)
        return false;
    snprintf(path, sizeof path, "%.*sagent%.100s", (int)(base - o->binary), o->binary, lab);
    return access(path, X_OK) == 0;
}

void judge_run_test(const struct judge_options *o, struct containment *c, int index,
                    const struct grade_test *t, struct test_outcome *r)
{
    uint64_t start = clock_now_ns();
    r->test = t;
    r->ran = true;
    r->passed = false;
    r->message[0] = r->notes[0] = '\0';

    static struct run_state run; /* large; one test at a time */
    memset(&run, 0, sizeof run);
    struct test_unit u;
    memset(&u, 0, sizeof u);
    u.index = index;
    u.name = t->name;
    char prefix[64], why[512];
    snprintf(prefix, sizeof prefix, "ipckit-j%ld-%d", (long)getpid(), index);

    int sv[2], out[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1 ||
        pipe2(out, O_CLOEXEC) == -1) {
        snprintf(r->message, sizeof r->message, "the judge could not start the test: %s",
                 strerror(errno));
        r->status = STATUS_GRADER_ERROR;
        return;
    }
    static struct jail_view view;
    test_view(o, c, &view);
    char channel_text[] = "3";
    char *argv[] = {(char *)o->binary, "--run", (char *)t->name, "--channel", channel_text, NULL};
    struct unit_command cmd = {.argv = argv,
                               .view = &view,
                               .channel_fd = sv[1],
                               .out_fd = out[1],
                               .checker = has_agent(o)};
    if (contain_spawn(c, &u, &cmd, prefix, why, sizeof why) == -1) {
        snprintf(r->message, sizeof r->message, "the judge could not start the test: %s", why);
        r->status = STATUS_GRADER_ERROR;
        close(sv[0]), close(sv[1]), close(out[0]), close(out[1]);
        return;
    }
    close(sv[1]);
    close(out[1]);
    fcntl(sv[0], F_SETFL, O_NONBLOCK);
    fcntl(out[0], F_SETFL, O_NONBLOCK);

    uint64_t end = start + ms_to_ns(t->timeout_s * 1000.0 * o->multiplier);
    if (o->deadline_ns && o->deadline_ns < end)
        end = o->deadline_ns;
    struct audit_snapshot snap = {0};
    watch(c, &u, sv[0], out[0], end, &run, &snap);

    char leftovers_text[2048] = "";
    int leftovers = 0;
    bool clean_exit = true;
    if (run.verdict != VERDICT_NONE) {
        /* The test process waits for BYE: its descriptors can still be read. */
        /* After a failed check the test's own descriptors are noise: its cleanup was skipped. */
        leftovers = audit_collect(c, &u, &snap, run.verdict == VERDICT_PASS, leftovers_text,
                                  sizeof leftovers_text);
        if (run.leaks > 0) {
            leftovers += run.leaks;
            audit_note(leftovers_text, sizeof leftovers_text, "leak: %s\n", run.leak_text);
        }
        finish(o, &u, sv[0], out[0], &run);
        clean_exit = run.ended && WIFEXITED(run.status) && WEXITSTATUS(run.status) == 0;
    } else {
        leftovers = audit_collect(c, &u, &snap, false, leftovers_text, sizeof leftovers_text);
    }
    contain_kill_all(c, &u);
    drain_output(out[0], &run);
    char limits[512];
    contain_limits_hit(c, &u, limits, sizeof limits);
    contain_release(c, &u);
    audit_snapshot_free(&snap);
    close(sv[0]);
    close(out[0]);

    r->passed = run.verdict == VERDICT_PASS && leftovers == 0 && clean_exit && !run.forged;
    /* After a failed check, what is left is a consequence, not a leak of its own. */
    r->leaks = run.verdict == VERDICT_PASS ? leftovers : 0;
    r->timed_out = run.timed_out && !judge_interrupted;
    r->seconds = (double)(clock_now_ns() - start) / 1e9;
    explain(o, t, &run, limits, leftovers, clean_exit, r);
    r->status = status_of(&run, leftovers, clean_exit, r->passed);
    audit_note(r->notes, sizeof r->notes, "%s", run.notes);
    if (leftovers > 0 && run.verdict == VERDICT_PASS)
        audit_note(r->notes, sizeof r->notes, "%s", leftovers_text);
    else if (leftovers > 0)
        audit_note(r->notes, sizeof r->notes,
                   "left behind when the test stopped early (a consequence of the failure "
                   "above, cleaned up by the judge; fix the failure first):\n%s",
                   leftovers_text);
}
