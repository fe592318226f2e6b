/*
 * test_ring.c - the graded tests of lab 01 (the shared-memory ring).
 *
 * Each test checks one behaviour of ring.h. The tests live in one file per
 * part of the lab (test_ring_setup.c, test_ring_messages.c,
 * test_ring_streams.c, test_ring_peers.c, test_ring_wakeups.c; shared
 * helpers in ring_helpers.c). The table below declares every test with its
 * points, timeout and hint: that table is the only place points are set.
 * Tests that cover both parts run Part A (RING_LOCK) first, then Part B
 * (RING_LOCKFREE), and name the part when they fail.
 *
 * These tests run in the checker, a process with no student code
 * (tests/grader/boundary.h): each ring_*() call here goes to the student's
 * process. A test that looks at a ring's header maps the object itself, by
 * name (struct view), and reads its own mapping; descriptors and CPU time
 * are read from /proc of the student's process. Streams and round trips go
 * in batches through the helpers of ring_test.h, over data made here, and
 * what arrived is checked here.
 */
#include "grader.h"
#include "ring_helpers.h"

int main(int argc, char **argv)
{
    const struct grade_test tests[] = {
        {"create_makes_private_object_of_right_size",
         create_makes_private_object_of_right_size_test(), 4, 5,
         "ring_create() in ring_segment.c: shm_open(O_CREAT|O_EXCL|O_RDWR, 0600), ftruncate to "
         "RING_HEADER_SIZE + capacity, mmap, close the fd; ring_destroy() shm_unlinks"},
        {"create_refuses_a_taken_name_and_leaves_it",
         create_refuses_a_taken_name_and_leaves_it_test(), 3, 5,
         "ring_create(): O_EXCL gives EEXIST; do not shm_unlink a name you did not create"},
        {"failed_create_leaves_nothing_behind", failed_create_leaves_nothing_behind_test(), 4, 5,
         "ring_create(): once shm_open succeeded, every error path closes the fd and shm_unlinks "
         "the name"},
        {"bad_names_and_capacities_are_rejected", bad_names_and_capacities_are_rejected_test(), 3,
         5,
         "ring_create()/ring_attach(): check the name ('/' then no '/') and that the capacity is "
         "a power of two in range, before any system call"},
        {"attach_rejects_missing_foreign_truncated_and_garbage",
         attach_rejects_missing_foreign_truncated_and_garbage_test(), 6, 10,
         "ring_attach(): fstat the size before mapping, then check magic, version, capacity and "
         "size; see ring.h for each errno"},
        {"attach_rejects_a_header_that_disagrees_with_the_object",
         attach_rejects_a_header_that_disagrees_with_the_object_test(), 3, 10,
         "ring_attach(): capacity must be a power of two and equal the object's size less "
         "RING_HEADER_SIZE; the mode must be known"},
        {"no_role_takes_no_slot_and_waits_for_both_sides",
         no_role_takes_no_slot_and_waits_for_both_sides_test(), 2, 10,
         "take_role: RING_NO_ROLE claims nothing; ring_wait_for_peer: NO_ROLE waits for both "
         "sides; ring_try_recv: EAGAIN when empty"},
        {"one_producer_and_one_consumer_per_ring", one_producer_and_one_consumer_per_ring_test(), 3,
         5,
         "ring_attach(): claim the pid slot with compare-and-swap (EBUSY if taken); send/recv "
         "check the handle's role (EBADF)"},
        {"detach_without_eof_is_reported_to_the_peer",
         detach_without_eof_is_reported_to_the_peer_test(), 3, 10,
         "ring_detach(): store RING_PID_LEFT in your slot; a waiting side treats it as the peer "
         "gone (ECONNRESET / EPIPE)"},
        {"messages_wrap_around_the_end", messages_wrap_around_the_end_test(), 5, 10,
         "ring_copy_in()/ring_copy_out() in ring_message.c: index & mask, and split a copy that "
         "crosses the end"},
        {"full_and_empty_boundaries_are_exact", full_and_empty_boundaries_are_exact_test(), 6, 10,
         "room is capacity - (head - tail); a record needs RING_RECORD_SIZE(len) bytes; empty "
         "is head == tail"},
        {"zero_length_and_largest_messages", zero_length_and_largest_messages_test(), 5, 10,
         "ring_send(): len > ring_max_message() is EMSGSIZE; ring_recv(): a too-small buffer "
         "is EMSGSIZE and leaves the message"},
        {"end_of_stream_is_not_a_message", end_of_stream_is_not_a_message_test(), 4, 10,
         "ring_recv(): 1 for a message (even an empty one), 0 only when empty and eof is set"},
        {"stop_flag_ends_a_wait_with_eintr", stop_flag_ends_a_wait_with_eintr_test(), 2, 10,
         "check r->stop before each sleep; fail with EINTR when it is set"},
        {"trace_shows_segment_steps_and_no_needless_waits",
         trace_shows_segment_steps_and_no_needless_waits_test(), 3, 10,
         "trace_call() after shm_open, ftruncate, mmap, munmap, shm_unlink; trace waits and "
         "wakes only when a side really sleeps"},
        {"trace_shows_sleep_and_wake", trace_shows_sleep_and_wake_test(), 3, 15,
         "trace a real sleep (futex_wait / pthread_cond_timedwait) and the wake-up that ends it "
         "(futex_wake / pthread_cond_signal)"},
        {"lock_mode_million_messages_between_processes",
         lock_mode_million_messages_between_processes_test(), 6, 120,
         "Part A in ring_lock.c: under the lock, wait while there is no room / no message, copy, "
         "move the index, signal a sleeping peer"},
        {"lockfree_mode_million_messages_between_processes",
         lockfree_mode_million_messages_between_processes_test(), 6, 120,
         "Part B in ring_lockfree.c: copy, then publish head with release; load head with "
         "acquire before reading"},
        {"lock_mode_threads_share_one_ring", lock_mode_threads_share_one_ring_test(), 3, 120,
         "Part A between two threads (run it under make SAN=thread to see data races)"},
        {"lockfree_mode_threads_share_one_ring", lockfree_mode_threads_share_one_ring_test(), 3,
         120,
         "Part B between two threads: a race here means a missing acquire/release (try make "
         "grade SAN=thread)"},
        {"lock_mode_consumer_errors_when_producer_dies",
         lock_mode_consumer_errors_when_producer_dies_test(), 4, 15,
         "timed waits; on timeout check the producer: kill(pid, 0), and a zombie (state Z in "
         "/proc/PID/stat) is dead too; then ECONNRESET"},
        {"lockfree_mode_consumer_errors_when_producer_dies",
         lockfree_mode_consumer_errors_when_producer_dies_test(), 4, 15,
         "futex_wait with a timeout; on timeout check the producer (kill(pid, 0) and zombies); "
         "then ECONNRESET"},
        {"lock_mode_producer_errors_when_consumer_dies",
         lock_mode_producer_errors_when_consumer_dies_test(), 4, 15,
         "a producer waiting for room checks the consumer on each timeout; EPIPE when it is gone"},
        {"lockfree_mode_producer_errors_when_consumer_dies",
         lockfree_mode_producer_errors_when_consumer_dies_test(), 4, 15,
         "a producer waiting for room checks the consumer on each timeout; EPIPE when it is gone"},
        {"lock_mode_survives_owner_dying_with_lock_held",
         lock_mode_survives_owner_dying_with_lock_held_test(), 4, 15,
         "lock_init(): PTHREAD_MUTEX_ROBUST; on EOWNERDEAD call pthread_mutex_consistent()"},
        {"lock_mode_idle_consumer_does_not_burn_cpu",
         lock_mode_idle_consumer_does_not_burn_cpu_test(), 4, 15,
         "Part A: sleep on the condition variable, do not poll"},
        {"lockfree_mode_idle_consumer_does_not_burn_cpu",
         lockfree_mode_idle_consumer_does_not_burn_cpu_test(), 4, 15,
         "Part B: spin for microseconds only, then futex_wait until the producer wakes you"},
        {"lost_wakeup_is_counted", lost_wakeup_is_counted_test(), 3, 15,
         "after a sleep that timed out, look at the ring: if what you waited for is there, "
         "nobody woke you; count it in r->consumer.lost_wakeups (or r->producer.lost_wakeups)"},
        {"lock_mode_ping_pong_loses_no_wakeups", lock_mode_ping_pong_loses_no_wakeups_test(), 3, 60,
         "Part A: set the sleeping flag and signal under the lock, so no signal is lost"},
        {"lockfree_mode_ping_pong_loses_no_wakeups",
         lockfree_mode_ping_pong_loses_no_wakeups_test(), 4, 60,
         "Part B: sleeper stores sleeping then loads the index, waker stores the index then "
         "loads sleeping, all four seq_cst; read the wake-up count before the last look"},
        {"lockfree_handshake_never_misses_a_sleeper",
         lockfree_handshake_never_misses_a_sleeper_test(), 3, 30,
         "Part B, the waker's half: store the index, then load the peer's sleeping flag, both "
         "seq_cst (or a seq_cst fence between them); if it is set, add 1 to its wake-up word "
         "and futex_wake"},
    };
    return grade_main(argc, argv, "01-shm-ring", tests, GRADE_COUNT(tests));
}
