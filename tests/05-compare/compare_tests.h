/*
 * compare_tests.h - lab 05's tests as the points table (test_compare.c)
 * sees them. Check's START_TEST makes static names, so each test file ends
 * with GRADE_EXPORT(name) (grader.h) for each of its tests: a function name_test()
 * that returns the test.
 */
#ifndef IPC_KIT_COMPARE_TESTS_H
#define IPC_KIT_COMPARE_TESTS_H

#include <check.h>

const TTest *pipe_adapter_keeps_messages_whole_test(void);
const TTest *unix_adapter_keeps_messages_whole_test(void);
const TTest *pipe_adapter_survives_short_reads_and_writes_test(void);
const TTest *unix_adapter_survives_short_reads_and_writes_test(void);
const TTest *pipe_adapter_ends_stream_when_sender_closes_test(void);
const TTest *pipe_counts_agree_n_times_s_test(void);
const TTest *unix_counts_agree_n_times_s_test(void);
const TTest *one_mib_messages_cross_with_short_io_test(void);
const TTest *round_trips_timed_and_checked_test(void);
const TTest *round_trip_loop_rejects_a_wrong_reply_test(void);
const TTest *round_trip_time_covers_the_send_and_the_reply_test(void);
const TTest *round_trip_loop_reports_epipe_when_echo_ends_test(void);

#endif
