/*
 * ring_helpers.h - what the tests of lab 01 share (ring_helpers.c): making
 * and looking at rings, the test's child processes, and the watchdog's view
 * of a ring. Each test file holds one part of the lab; test_ring.c holds
 * the points table, which names the tests through the *_test pointers
 * declared here (Check's START_TEST names are static to their file).
 */
#ifndef IPC_KIT_RING_HELPERS_H
#define IPC_KIT_RING_HELPERS_H

#include <check.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ring.h"

/* Part A first, then Part B. */
extern const enum ring_mode BOTH_MODES[2];

/* A ring's object as this process maps it itself: what the tests read of
 * the header (indices, sleeping flags, the lock) comes from here, never
 * from the student's process. */
struct view {
    struct ring_shared *shared;
    size_t size;
};

/* How a child process of a test reports through its exit status. Success is
 * not 0: an exit(0) in the code under test must never read as success. */
enum child_result {
    CHILD_OK = 42,
    CHILD_NOT_IMPLEMENTED = 10,
    CHILD_ATTACH_FAILED = 11,
    CHILD_SEND_FAILED = 12,
    CHILD_RECV_FAILED = 13,
    CHILD_WRONG_DATA = 14,
    CHILD_EOF_FAILED = 15,
    CHILD_DETACH_FAILED = 16,
    CHILD_LOST_WAKEUP = 17,
};

/* A child of the test (start_child()), which has said it is ready. */
struct child {
    pid_t pid;
};

typedef void (*child_body)(const void *arg, int ready_fd);

/*
 * What the watchdog sees of a ring, every 100 ms, from its header (ring.h's
 * layout). Progress is a message moving (head or tail). Both sides asleep
 * at once, for 2 ms with neither index moving, is a lost wake-up caught in
 * the act: the ring is empty (the producer has room) or holds a message (the
 * consumer has one), so one of the two sleeps for nothing. A handshake that
 * loses wake-ups now and then still makes progress, each time after
 * RING_LIVENESS_MS; after LOST_SEEN such sightings the watch stops counting
 * progress, so the test ends in seconds, not at its time limit.
 */
enum { LOST_SEEN = 5 };

struct ring_watch {
    struct view view; /* the ring as this process maps it */
    uint64_t last;    /* head + tail at the previous look */
    int both_asleep;  /* looks that found both sides asleep and nothing moved */
};

/* The stop flag the watchdog sets: a flag of the page the student's process
 * maps too (ring_test.h), so its ring sees it at once. */
enum { WATCH_FLAG = 0, TEST_FLAG = 1 };

/* The helpers; each is described where it is defined, in ring_helpers.c. */
const char *mode_name(enum ring_mode mode);
void new_name(char *buf, size_t size);
void create_ring(struct ring *r, const char *name, size_t capacity, enum ring_mode mode,
                 enum ring_role role);
void destroy_ring(struct ring *r);
typedef void (*ring_check)(struct ring *r, const char *name, enum ring_mode mode);
void in_both_modes(size_t capacity, ring_check check);
typedef void (*name_check)(const char *name, enum ring_mode mode);
void for_both_modes(name_check check);
bool shm_exists(const char *name);
struct view view_ring(const char *name);
void unview_ring(struct view *v);
int student_fds(char *list, size_t size);
uint64_t fresh_seed(void);
void make_object(const char *name, const void *bytes, size_t len, size_t size);
void send_now(struct ring *r, const void *data, size_t len, enum ring_mode mode);
size_t recv_now(struct ring *r, void *buf, size_t cap, enum ring_mode mode);
_Noreturn void child_fail(enum child_result code, const char *what);
const char *child_reason(int code);
struct child start_child(child_body body, const void *arg, const char *who);
void say_ready(int ready_fd);
void expect_child_ok(pid_t pid, int timeout_ms, const char *who);
int zombie_status(pid_t pid, int timeout_ms);
void watch_ring(struct ring_watch *w, struct ring *r, const char *name);
void fail_if_ring_stalled(struct ring_watch *w, enum ring_mode mode, const char *doing);

/* Exports a test of a test file for the table in test_ring.c: name_test()
 * returns it (Check's START_TEST names are static to their file). */
#define RING_EXPORT_TEST(name)                                                                     \
    const TTest *name##_test(void)                                                                 \
    {                                                                                              \
        return name;                                                                               \
    }

const TTest *lock_mode_million_messages_between_processes_test(void);
const TTest *lockfree_mode_million_messages_between_processes_test(void);
const TTest *lock_mode_threads_share_one_ring_test(void);
const TTest *lockfree_mode_threads_share_one_ring_test(void);
const TTest *create_makes_private_object_of_right_size_test(void);
const TTest *create_refuses_a_taken_name_and_leaves_it_test(void);
const TTest *failed_create_leaves_nothing_behind_test(void);
const TTest *bad_names_and_capacities_are_rejected_test(void);
const TTest *attach_rejects_missing_foreign_truncated_and_garbage_test(void);
const TTest *attach_rejects_a_header_that_disagrees_with_the_object_test(void);
const TTest *no_role_takes_no_slot_and_waits_for_both_sides_test(void);
const TTest *one_producer_and_one_consumer_per_ring_test(void);
const TTest *detach_without_eof_is_reported_to_the_peer_test(void);
const TTest *messages_wrap_around_the_end_test(void);
const TTest *full_and_empty_boundaries_are_exact_test(void);
const TTest *zero_length_and_largest_messages_test(void);
const TTest *end_of_stream_is_not_a_message_test(void);
const TTest *stop_flag_ends_a_wait_with_eintr_test(void);
const TTest *trace_shows_segment_steps_and_no_needless_waits_test(void);
const TTest *trace_shows_sleep_and_wake_test(void);
const TTest *lock_mode_consumer_errors_when_producer_dies_test(void);
const TTest *lockfree_mode_consumer_errors_when_producer_dies_test(void);
const TTest *lock_mode_producer_errors_when_consumer_dies_test(void);
const TTest *lockfree_mode_producer_errors_when_consumer_dies_test(void);
const TTest *lock_mode_survives_owner_dying_with_lock_held_test(void);
const TTest *lock_mode_idle_consumer_does_not_burn_cpu_test(void);
const TTest *lockfree_mode_idle_consumer_does_not_burn_cpu_test(void);
const TTest *lost_wakeup_is_counted_test(void);
const TTest *lockfree_handshake_never_misses_a_sleeper_test(void);
const TTest *lock_mode_ping_pong_loses_no_wakeups_test(void);
const TTest *lockfree_mode_ping_pong_loses_no_wakeups_test(void);

#endif
