/*
 * test_pipe.c - the graded tests of lab 02 (pipes).
 *
 * Each test checks one behaviour of pipe_lab.h. The table below declares
 * every test with its points, timeout and hint: that table is the only
 * place points are set. The tests are in test_pipe_loops.c (section 1 of
 * pipe_lab.h), test_pipe_child.c (2), test_pipe_coprocess.c (3 and 4) and
 * test_pipe_fifo.c (5); their shared helpers in pipe_helpers.c.
 *
 * These tests run in the checker, a process with no student code
 * (boundary.h): each pipe_*() call here goes to the student's process, and
 * the tests hold their own ends of every pipe, make the data and read what
 * arrives. The test's reader runs here too, called back by the student's
 * child; what it saw is the verdict, never the status the child reports.
 */
#include "grader.h"
#include "pipe_tests.h"

int main(int argc, char **argv)
{
    const struct grade_test tests[] = {
        {"write_all_writes_every_byte", write_all_writes_every_byte_test(), 2, 5,
         "pipe_write_all() in pipe_lab.c: call write() and return len"},
        {"write_all_loops_on_short_writes", write_all_loops_on_short_writes_test(), 4, 5,
         "pipe_write_all(): write() may take fewer bytes than asked; advance and loop"},
        {"write_all_retries_eintr_and_eagain", write_all_retries_eintr_and_eagain_test(), 4, 5,
         "pipe_write_all(): on EINTR try again; on EAGAIN poll() for POLLOUT, then try again"},
        {"read_exact_loops_on_short_reads_and_eintr",
         read_exact_loops_on_short_reads_and_eintr_test(), 4, 5,
         "pipe_read_exact(): loop until len bytes; retry EINTR"},
        {"read_exact_stops_at_end_of_file", read_exact_stops_at_end_of_file_test(), 3, 5,
         "pipe_read_exact(): read() returning 0 means EOF; return what you have"},
        {"write_all_waits_in_poll_while_the_pipe_is_full",
         write_all_waits_in_poll_while_the_pipe_is_full_test(), 3, 5,
         "pipe_write_all(): on EAGAIN, poll() for POLLOUT (no timeout) before writing again"},
        {"read_exact_waits_in_poll_while_the_pipe_is_empty",
         read_exact_waits_in_poll_while_the_pipe_is_empty_test(), 3, 5,
         "pipe_read_exact(): on EAGAIN, poll() for POLLIN (no timeout) before reading again"},
        {"child_reads_until_eof", child_reads_until_eof_test(), 6, 15,
         "pipe_send_to_child(): close the unused end in each process, write, close, waitpid"},
        {"write_end_closed_before_reader_waits_for_eof",
         write_end_closed_before_reader_waits_for_eof_test(), 5, 15,
         "pipe_send_to_child(): trace each close() as \"fd=%d\"; both processes close the "
         "write end before the reader waits for EOF"},
        {"parent_keeps_no_pipe_descriptor", parent_keeps_no_pipe_descriptor_test(), 4, 30,
         "pipe_send_to_child(): the parent closes the read end at once, the write end after "
         "writing"},
        {"failed_write_to_child_is_reported", failed_write_to_child_is_reported_test(), 2, 10,
         "pipe_send_to_child(): when pipe_write_all() fails, still close and wait for the child, "
         "then return -1 with the write's errno"},
        {"transfer_16_mib_checksum_matches", transfer_16_mib_checksum_matches_test(), 5, 30,
         "pipe_send_to_child() with pipe_write_all(): every byte, in order"},
        {"exchange_returns_upper_case", exchange_returns_upper_case_test(), 4, 10,
         "pipe_coprocess_start()/exchange(): two pipes, the child upper-cases what it reads"},
        {"exchange_1_mib_does_not_deadlock", exchange_1_mib_does_not_deadlock_test(), 6, 20,
         "pipe_coprocess_exchange(): do not write everything first; poll() both pipes and move "
         "what can move"},
        {"exchange_survives_short_writes_and_reads",
         exchange_survives_short_writes_and_reads_test(), 4, 20,
         "pipe_coprocess_exchange(): count the bytes each write() and read() really moved"},
        {"exchange_survives_signals_during_poll", exchange_survives_signals_during_poll_test(), 3,
         20, "pipe_coprocess_exchange(): poll() fails with EINTR when a signal arrives; retry it"},
        {"exchange_reports_child_death_mid_exchange",
         exchange_reports_child_death_mid_exchange_test(), 3, 10,
         "pipe_coprocess_exchange(): read() = 0 (or POLLHUP without data) on the response pipe "
         "means the child is gone: -1 with EPIPE"},
        {"write_without_reader_gives_epipe_not_death",
         write_without_reader_gives_epipe_not_death_test(), 5, 10,
         "pipe_ignore_sigpipe(): sigaction(SIGPIPE, SIG_IGN); then write() fails with EPIPE"},
        {"fifo_created_private_and_not_twice", fifo_created_private_and_not_twice_test(), 3, 5,
         "pipe_fifo_create(): mkfifo(path, 0600)"},
        {"fifo_carries_message_between_processes", fifo_carries_message_between_processes_test(), 5,
         10,
         "pipe_fifo_send()/receive(): open() blocks until both sides are there; then write/read "
         "and close"},
        {"fifo_open_interrupted_by_a_signal_gives_eintr",
         fifo_open_interrupted_by_a_signal_gives_eintr_test(), 2, 10,
         "pipe_fifo_receive(): when open() fails with EINTR, return -1 with EINTR; do not retry"},
    };
    return grade_main(argc, argv, "02-pipe", tests, GRADE_COUNT(tests));
}
