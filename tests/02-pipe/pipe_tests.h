/*
 * pipe_tests.h - lab 02's tests as the points table (test_pipe.c) sees
 * them: each test file ends with GRADE_EXPORT(name) (grader.h) for each of
 * its tests, which makes name_test().
 */
#ifndef IPC_KIT_PIPE_TESTS_H
#define IPC_KIT_PIPE_TESTS_H

#include <check.h>

const TTest *write_all_writes_every_byte_test(void);
const TTest *write_all_loops_on_short_writes_test(void);
const TTest *write_all_retries_eintr_and_eagain_test(void);
const TTest *read_exact_loops_on_short_reads_and_eintr_test(void);
const TTest *read_exact_stops_at_end_of_file_test(void);
const TTest *write_all_waits_in_poll_while_the_pipe_is_full_test(void);
const TTest *read_exact_waits_in_poll_while_the_pipe_is_empty_test(void);
const TTest *child_reads_until_eof_test(void);
const TTest *write_end_closed_before_reader_waits_for_eof_test(void);
const TTest *parent_keeps_no_pipe_descriptor_test(void);
const TTest *failed_write_to_child_is_reported_test(void);
const TTest *transfer_16_mib_checksum_matches_test(void);
const TTest *exchange_returns_upper_case_test(void);
const TTest *exchange_1_mib_does_not_deadlock_test(void);
const TTest *exchange_survives_short_writes_and_reads_test(void);
const TTest *exchange_survives_signals_during_poll_test(void);
const TTest *exchange_reports_child_death_mid_exchange_test(void);
const TTest *write_without_reader_gives_epipe_not_death_test(void);
const TTest *fifo_created_private_and_not_twice_test(void);
const TTest *fifo_carries_message_between_processes_test(void);
const TTest *fifo_open_interrupted_by_a_signal_gives_eintr_test(void);

#endif
