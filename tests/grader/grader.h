/*
 * grader.h - the ipc-kit autograder, on top of Check.
 *
 * A lab's test file writes ordinary Check tests (START_TEST ... END_TEST)
 * and declares them, with their points, in ONE table passed to grade_main():
 *
 *     int main(int argc, char **argv)
 *     {
 *         const struct grade_test tests[] = {
 *             {"write_all_loops_on_short_writes", write_all_loops_on_short_writes, 3, 5,
 *              "pipe_write_all() in pipe_lab.c must loop until every byte is written"},
 *         };
 *         return grade_main(argc, argv, "02-pipe", tests, GRADE_COUNT(tests));
 *     }
 *
 * Who decides a score: the judge (judge.c), from what this process, the
 * checker, reports. The checker holds the tests and NO student code: every
 * lab function a test calls is a stub that runs the student's function in
 * another process, the agent, and brings back its results (boundary.h,
 * tests/NN/calls.c). grade_main() lists the tests (--list) or runs ONE of
 * them (--run NAME) for the judge. The judge guarantees:
 *   - Every test runs in a fresh process tree of its own, with its own time
 *     limit; as root also in its own PID, mount and network namespaces,
 *     under an unprivileged uid of its own, with private /tmp and /dev/shm.
 *   - A test passes only when its body returned normally and the judge got
 *     its end-of-test record (judge_channel.h). exit(), _exit(), a signal or a
 *     vanished process before that is a failure, named for what happened.
 *   - Each test gets a private directory ($TMPDIR, also the working
 *     directory) and a private name prefix ($IPC_KIT_PREFIX, see names.h).
 *   - Leak audit after every test, by snapshot: descriptors, processes,
 *     /dev/shm objects and files that were not there before. After a passing
 *     test they fail it; after a failing one they are named as consequences.
 *   - The judge writes each lab's verdict records (verdict.h); every report
 *     (the table, results.json, junit.xml) is rendered from them.
 */
#ifndef IPC_KIT_GRADER_H
#define IPC_KIT_GRADER_H

#include <check.h>
#include <errno.h>
#include <stdbool.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "fault.h"
#include "trace_read.h"

struct grade_test {
    const char *name;  /* the behaviour checked, in snake_case */
    const TTest *test; /* the START_TEST name */
    int points;
    int timeout_s;
    const char *hint; /* where to look when it fails */
};

#define GRADE_COUNT(array) (sizeof(array) / sizeof((array)[0]))

/*
 * A lab's tests may live in several files, with the one points table in the
 * file with main(). Check's START_TEST names are static, so a test file ends
 * with GRADE_EXPORT(name) for each of its tests, which makes name_test(),
 * declared for the table in the lab's NN_tests.h.
 */
#define GRADE_EXPORT(name)                                                                         \
    const TTest *name##_test(void)                                                                 \
    {                                                                                              \
        return name;                                                                               \
    }

int grade_main(int argc, char **argv, const char *lab, const struct grade_test *tests,
               size_t count);

/*
 * Fails the test with "not implemented yet: fn()" when a lab function
 * returned -1 with errno ENOSYS, the skeletons' answer. Call it right after
 * the call, before anything else can change errno.
 */
#define REQUIRE_IMPL(result, fn) grade_require_impl((long)(result), errno, (fn))
void grade_require_impl(long result, int err, const char *fn);

/*
 * A test's own time limit, stretched like Check's: ms times
 * $CK_TIMEOUT_MULTIPLIER (when set, e.g. for sanitizer builds or a batch
 * grader running many submissions at once). Use it for every wait a test
 * makes, so a busy machine never turns into a wrong grade.
 */
int grade_timeout_ms(int ms);

/*
 * Waits up to grade_timeout_ms(timeout_ms) for child pid. Returns its wait status, or -1 after
 * killing it with SIGKILL (and reaping it) when it did not finish in time.
 */
int grade_wait_child(pid_t pid, int timeout_ms);

/*
 * Tells the judge what the test waits for now ("the consumer to exit"), so a
 * timeout names it. Call it before each long wait; the last one counts.
 */
void grade_waiting_for(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Ends the test as a grader error, never as the student's failure: for a
 * check that cannot run here for a reason that is the kit's, not the
 * student's code (a program the grading did not build, a tool not
 * installed). The judge reports "grader error: grade again" with the text
 * and awards nothing for the test. Run by hand, the test fails with the text.
 */
_Noreturn void grade_unavailable(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Adds a line to this test's output in every report (terminal, results.json,
 * junit.xml), also when it passes: "SKIP: nc is not installed". Call it
 * from the test process, at most a few times per test.
 */
void grade_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * A forked test child whose verdict an exit() in the code under test cannot
 * fake. The child ends with grade_child_report(&c, code), which writes code
 * to a pipe and then _exits with it; the parent's grade_child_result()
 * returns that code, or -1 when the child ended (or hung, and was killed)
 * without reporting: its exit status alone proves nothing.
 *
 *     struct grade_child c;
 *     if (grade_child_fork(&c) == 0) {
 *         ... call the lab ...
 *         grade_child_report(&c, ok ? 0 : 13);
 *     }
 *     int code = grade_child_result(&c, 5000, &status);
 */
struct grade_child {
    pid_t pid;
    int report[2]; /* the pipe the child reports on */
};
pid_t grade_child_fork(struct grade_child *c);
_Noreturn void grade_child_report(struct grade_child *c, int code);
int grade_child_result(struct grade_child *c, int timeout_ms, int *status);

/* Describes a wait status in words: "exited with status 1", "killed by SIGSEGV". */
const char *grade_describe_status(int status);

/*
 * The system call process pid (a child of the test) sleeps in now, by name
 * ("send()", "read()", "futex()"...), or NULL when it is running, is not in
 * a call this knows, or cannot be looked at. For messages that name the call
 * that hung: "the server is asleep in send() on the client that never reads".
 * (watch.c)
 */
const char *grade_blocked_call(pid_t pid);

/*
 * Watching for a stall (watch.c). A hang should fail in seconds, saying what
 * it was, not at the test's time limit. grade_watch_start() starts a thread
 * that asks progress(arg) every 100 ms. When the answer stays the same for
 * stall_ms (stretched like grade_timeout_ms), it writes "nothing moved for
 * 3.0 s: " and describe(arg)'s words, sets *stop_flag (when not NULL: e.g.
 * a ring's stop flag), and kills the test's child processes, so the test's
 * own wait returns. grade_watch_stop() ends the watch and returns those
 * words, or NULL when nothing stalled: check it before blaming a result.
 * If the test's wait still does not return, the test is killed 3 s later
 * (SIGKILL), with the words as a note. One watch at a time.
 *
 * grade_progress_of_processes() and grade_describe_processes() watch the
 * test's processes themselves (this one's threads, its children and their
 * children: across the call boundary, the student's process and the ones
 * its code forks; arg unused): progress is any of their threads waking up
 * or running; the description names the call each one sleeps in ("the test
 * process asleep in write(), its child 1234 asleep in write()"). A stall
 * kills the children's children first, then the children.
 */
typedef uint64_t (*grade_progress_fn)(void *arg);
typedef void (*grade_describe_fn)(void *arg, char *out, size_t size);
void grade_watch_start(grade_progress_fn progress, grade_describe_fn describe, void *arg,
                       int stall_ms, volatile sig_atomic_t *stop_flag);
const char *grade_watch_stop(void);
/* The next watch kills the test's children except pid, until grade_watch_stop():
 * a child that must end its wait by the stop flag (the process running the
 * student's ring, tests/01-shm-ring), so the test can say why it waited. */
void grade_watch_spare(pid_t pid);
uint64_t grade_progress_of_processes(void *unused);
void grade_describe_processes(void *unused, char *out, size_t size);
/* Progress as the bytes process *(pid_t *)pid has read and written
 * (/proc/PID/io): for a wait that signals or a stopper keep waking, where
 * only data moving is progress. */
uint64_t grade_progress_of_io(void *pid);

/* The descriptors open in this process, as a count. */
int grade_count_open_fds(void);

/*
 * What a fault plan did (fault.h), kept once the plans are disarmed, for
 * the failure messages that follow: the faults it injected and
 * fault_describe()'s count of the calls it saw.
 */
struct fault_seen {
    unsigned long injected;
    char calls[256];
};

/* Reads what op's plan did, then disarms every plan (fault_reset()). */
struct fault_seen grade_end_faults(enum fault_op op);

/*
 * The CPU time (user and system, all threads) process pid has used, in
 * seconds, from /proc/pid/stat (10 ms steps); -1 when it cannot be read.
 * Tests measure a waiting student process from outside with it.
 */
double grade_process_cpu_seconds(pid_t pid);

/* What process pid has moved so far, from outside (/proc/pid/io): bytes read
 * and written, and read and write system calls made (any descriptor, any
 * kind of call). Fails the test (setup) when it cannot be read. */
struct grade_io {
    unsigned long long rchar, wchar, syscr, syscw;
};
struct grade_io grade_process_io(pid_t pid);

/* The parent of process pid (/proc/pid/stat), or -1: e.g. to see that a pid
 * the student's code returned is a child it forked. */
pid_t grade_parent_of(pid_t pid);

/*
 * The JSON trace as an oracle: loads an IPC_TRACE_FILE (JSON Lines) with
 * common/trace_read.h, one struct trace_event per call or narration, in the
 * order they were written. A test reads the facts of a call from its fields
 * (fd, step, read_fd and write_fd, the TCP states, ret and err; symbolic
 * flags with trace_event_has_word), never from the text of args or note.
 */
struct trace_log {
    struct trace_event *steps;
    size_t count;
};

/* Loads path; returns 0, or -1 with errno set (EINVAL: a line that is not
 * a trace line). */
int trace_log_load(struct trace_log *log, const char *path);
void trace_log_free(struct trace_log *log);

/*
 * Checks facts, not spellings: the traced call does the job of `wanted`
 * (the same name, or another name for the same job: pipe2 for pipe,
 * read/readv/recvmsg... for recv, write/writev/sendmsg... for send,
 * accept4 for accept).
 */
bool trace_call_is(const char *traced, const char *wanted);

/* Index of the first step at or after `from` whose call does the job of
 * `call` (trace_call_is) and whose role is `role` (NULL: any); -1 when
 * there is none. */
long trace_log_find(const struct trace_log *log, long from, const char *role, const char *call);

#endif
