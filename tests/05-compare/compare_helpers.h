/*
 * compare_helpers.h - what lab 05's test files share (tests/05-compare):
 * the test's messages, the channel as the test holds it, and the reports of
 * the test's children. Everything here runs in the checker; the student's
 * operations are reached through compare_calls.h.
 */
#ifndef IPC_KIT_COMPARE_HELPERS_H
#define IPC_KIT_COMPARE_HELPERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "channel.h"
#include "fault.h"
#include "fault_proof.h"

/* A buffer of len bytes of the reproducible pattern of seed. */
char *make_pattern(size_t len, uint64_t seed);

/* The student's open(), as a message names it. */
const char *open_name(const char *mech);

/*
 * Opens a channel of mechanism mech ("pipe", "unix") or fails the test,
 * saying "not implemented yet" for ENOSYS. Its descriptors are this
 * process's from now on: the student's process gets them for each call.
 */
void open_channel(struct channel *ch, const char *mech, size_t max_msg);

/*
 * ops->choose() in the student's process. The descriptors this process
 * holds stand for that process's own, so an end the student's code dropped
 * (set to -1) is closed here too: exactly the copies a real choose() after
 * fork() would leave open stay open.
 */
int choose_side(const char *mech, struct channel *ch, enum channel_side side);

/*
 * Waits up to timeout_ms (scaled) for test child `child`, as
 * grade_wait_child() does, and then for its student process (boundary.h)
 * to be reaped: that one exits when the child's connection closes (or is
 * killed here when the child hung). A test that ended sooner could leave
 * it to the judge's leak audit, as a zombie. Returns the child's wait
 * status, or -1 when it was killed.
 */
int wait_test_child(pid_t child, int timeout_ms);

/* Bytes waiting to be read on fd (FIONREAD), measured here; -1 if unknown. */
int waiting_bytes(int fd);

/* Reads a whole report a checker child wrote before it exited; true if it did. */
bool read_report(int fd, void *report, size_t size);

/* Writes a child's report to the test (the test checks that it is whole). */
void write_report(int fd, const void *report, size_t size);

/*
 * A checker child that plays one side of a run and reports what it saw
 * before it exits (the receiver of a throughput run, the echo side of round
 * trips). fork_reporter() returns 0 in the child, whose *report_fd is then
 * the write end of the report's pipe (write_report()), and the child's pid
 * in the test, whose *report_fd is the read end; it fails the test when the
 * pipe or the fork fails (setup). end_reporter() waits for the child as
 * wait_test_child() does, reads its report and closes report_fd; it returns
 * the child's wait status, and *reported says whether the report was whole.
 */
pid_t fork_reporter(int *report_fd);
int end_reporter(pid_t pid, int report_fd, int timeout_ms, void *report, size_t size,
                 bool *reported);

/*
 * Arms a fault plan (fault.h) in the student's process for the channel's
 * own descriptors: writes on the sending end fd[1], reads on the receiving
 * end fd[0]. Never for every descriptor (fd -1): the student's process
 * talks to this one through descriptors too, and those must stay whole.
 * bytes: what the sends (and the receives) must move. Returns the proofs
 * (fault_proof.h) to check after the calls; a NULL plan's proves nothing.
 */
struct channel_faults {
    struct fault_proof out, in;
};
struct channel_faults faults_on_channel(const struct channel *ch, const struct fault_plan *out,
                                        const struct fault_plan *in, size_t bytes);

#endif
