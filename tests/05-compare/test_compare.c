/*
 * test_compare.c - the graded tests of lab 05 (measuring IPC), and their points.
 *
 * They check that the pipe and UNIX-socket adapters move exactly the right
 * bytes (also when every read and write comes up short or is interrupted),
 * that the harness's counts agree (N messages of S bytes sent, the same
 * received and checked), and that the round-trip loop times and checks
 * every reply. They never check how fast anything is: speed is measured by
 * `make bench`, not graded.
 *
 * These tests run in the checker, a process with no student code
 * (tests/grader/boundary.h): each compare_*() call (compare_calls.h) runs
 * one of the student's channel operations in the student's process. The
 * tests hold the channel's descriptors themselves, make every message from
 * a seed and compare what arrives with what they made; the sending and
 * receiving processes of a run, and the echo side of the round trips, are
 * children of the checker, so the counts are the checker's own.
 */
#include "compare_tests.h"
#include "grader.h"

/*
 * The tests are in test_compare_adapters.c, test_compare_harness.c and
 * test_compare_rtt.c (shared helpers: compare_helpers.c); this table is the
 * only place their points are set.
 */
int main(int argc, char **argv)
{
    const struct grade_test tests[] = {
        {"pipe_adapter_keeps_messages_whole", pipe_adapter_keeps_messages_whole_test(), 3, 10,
         "chan_pipe.c: pipe_channel_open() makes fd[0] the read end and fd[1] the write end"},
        {"unix_adapter_keeps_messages_whole", unix_adapter_keeps_messages_whole_test(), 3, 10,
         "chan_unix.c: unix_channel_open() with socketpair(AF_UNIX, SOCK_STREAM, 0, fd)"},
        {"pipe_adapter_survives_short_reads_and_writes",
         pipe_adapter_survives_short_reads_and_writes_test(), 2, 10,
         "chan_pipe.c: use the chan_stream_* operations, which loop on short counts"},
        {"unix_adapter_survives_short_reads_and_writes",
         unix_adapter_survives_short_reads_and_writes_test(), 2, 10,
         "chan_unix.c: use the chan_stream_* operations, which loop on short counts"},
        {"pipe_adapter_ends_stream_when_sender_closes",
         pipe_adapter_ends_stream_when_sender_closes_test(), 2, 10,
         "chan_pipe.c: choose() must close the unused end; recv() gives 0 at EOF"},
        {"pipe_counts_agree_n_times_s", pipe_counts_agree_n_times_s_test(), 3, 20,
         "chan_pipe.c: 500 messages of 1000 bytes must all arrive, checked"},
        {"unix_counts_agree_n_times_s", unix_counts_agree_n_times_s_test(), 3, 20,
         "chan_unix.c: 40 messages of 64 KiB must all arrive, checked"},
        {"one_mib_messages_cross_with_short_io", one_mib_messages_cross_with_short_io_test(), 3, 30,
         "chan_pipe.c: 1 MiB messages through a 64 KiB pipe, with short reads and writes"},
        {"round_trips_timed_and_checked", round_trips_timed_and_checked_test(), 4, 20,
         "rtt.c: rtt_measure() sends, receives, checks and times each round trip"},
        {"round_trip_loop_rejects_a_wrong_reply", round_trip_loop_rejects_a_wrong_reply_test(), 3,
         10, "rtt.c: check every reply with verify_check(key, reply, len, i)"},
        {"round_trip_time_covers_the_send_and_the_reply",
         round_trip_time_covers_the_send_and_the_reply_test(), 2, 10,
         "rtt.c: clock_now_ns() just before the send and just after the receive; stamp and "
         "check outside"},
        {"round_trip_loop_reports_epipe_when_echo_ends",
         round_trip_loop_reports_epipe_when_echo_ends_test(), 2, 10,
         "rtt.c: recv() returning 0 means the echo side is gone: fail with EPIPE; a failed send "
         "or recv ends the loop with its errno"},
    };
    return grade_main(argc, argv, "05-compare", tests, GRADE_COUNT(tests));
}
