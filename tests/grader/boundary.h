/*
 * boundary.h - the call boundary: tests decide in a process that never runs
 * student code.
 *
 * A lab's test binary (the checker) holds the tests and NO student code.
 * The student's functions run in a separate program, the agent
 * (agent_NN-lab, built from the student's objects and boundary_agent.c),
 * started by the checker under the student's uid. When a test calls
 * pipe_write_all(fd, buf, len), it calls a stub with that very name and
 * signature (tests/NN/calls.c, one line per lab function), which:
 *
 *   checker                                         agent (student code)
 *   pipe_write_all(fd, buf, len)  --CALL #0------>   installs fd at the same number,
 *     fd as SCM_RIGHTS, buf's bytes, len             calls the real pipe_write_all
 *                                 <--RETURN-------   result, errno, out-parameters,
 *                                                    new descriptors (moved here)
 *
 * So a student process can only return values. It never sees the judge's
 * socket, the nonce, or the checker's memory (another uid; as root the
 * checker keeps uid 0 and files it makes belong to the student's uid), and
 * whatever it writes is the student's output, never a record. The checker
 * makes the data, holds its own ends of every descriptor, and measures
 * effects from outside (/proc of the student processes).
 *
 * The rules a test author relies on:
 *   - Descriptors keep their numbers: a descriptor passed in is installed
 *     in the agent at the number the checker knows it by, and one the
 *     student's code returns (or leaves in an out-parameter) arrives in the
 *     checker at the agent's number. Traces ("fd=5") therefore match.
 *   - Between calls the agent holds no descriptor of the test: passed ones
 *     are closed after the call, returned ones have moved to the checker.
 *     Anything else it holds is the student's leak (boundary_agent_fds()).
 *     A call that takes a descriptor for good (tcp_close) is declared so in
 *     calls.c, and then the checker closes its own copy first.
 *   - A struct the student's code fills (struct pipe_coprocess) is copied
 *     both ways by value; descriptors named in it travel as above.
 *   - A callback (pipe_reader_fn) runs HERE, in a thread of the checker,
 *     when student code calls it, with a copy of the descriptor it was
 *     given; boundary_callback_pid() names the student process that called.
 *   - fork() in the checker forks the agent too (pthread_atfork), so a test
 *     child's calls run in a student process that is a copy of the one its
 *     parent used, as fork() would give. Each checker thread gets an agent
 *     thread of its own in the same student process.
 *   - A student process that dies or breaks the protocol during a call
 *     fails the test, with the call named and how the process ended.
 */
#ifndef IPC_KIT_BOUNDARY_H
#define IPC_KIT_BOUNDARY_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Starts the agent of lab (agent_LAB beside this binary) for this test;
 * the harness calls it before the test body. Returns 0, or -1 (reason on
 * stderr). */
int boundary_start(const char *lab);

/* The student process that serves this process's calls. */
pid_t boundary_agent_pid(void);

/* The student process made for test child `child` when it was forked (a
 * copy of its parent's), or 0. A test that kills a child to play a peer
 * that dies kills this one too: it is the one running the student's code. */
pid_t boundary_student_of(pid_t child);

/* Sends sig to boundary_student_of(child), if it has one (never to 0 or -1,
 * which kill() would read as a whole group). Returns 0, or -1 with errno. */
int boundary_kill_student_of(pid_t child, int sig);

/*
 * How many descriptors student process pid holds beyond the kit's own
 * (standard input, output and error, and the boundary's sockets), read from
 * /proc/pid/fd. When list is not NULL, names them: "4 -> pipe:[1234], ...".
 * Returns -1 when the process cannot be looked at.
 */
int boundary_agent_fds(pid_t pid, char *list, size_t size);

/* In a callback: the pid of the student process that called it (else 0). */
pid_t boundary_callback_pid(void);

/*
 * In a child the checker forked to run one of the lab's programs (exec):
 * takes the student's uid first, as the agent has. Returns 0, or -1 with errno.
 */
int boundary_become_student(void);

/* Kit services that act inside the student process (fault plans, interval
 * timers) are calls like the lab's, declared in tests/grader/kit_calls.h. */

/*
 * The end of a test (harness.c): closes every connection, waits up to 5 s
 * for the student processes to exit (then kills them), and judges how they
 * ended. Returns 0, or -1 with a sentence in why: a sanitizer's report
 * (exit status 66 or 23...), a crash, or descriptors left open (then
 * *leaked says how many: a leak, not a failed check).
 */
int boundary_finish(char *why, size_t size, int *leaked);

/* True when some call failed in a thread where the test could not be
 * stopped at once; the words are in why. harness.c fails the test then. */
bool boundary_failed_elsewhere(char *why, size_t size);

#endif
