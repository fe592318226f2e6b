/*
 * tcp_tests.h - the tests of test_tcp_setup.c, test_tcp_data.c and
 * test_tcp_teardown.c, for the one points table of lab 04 (test_tcp.c).
 * Check's START_TEST makes a file's own (static) name; after its END_TEST,
 * GRADE_EXPORT(name) (grader.h) gives name_test(), which returns it.
 */
#ifndef IPC_KIT_TCP_TESTS_H
#define IPC_KIT_TCP_TESTS_H

#include <check.h>

const TTest *step01_socket_creates_a_tcp_stream_socket_test(void);
const TTest *step01_socket_reports_eafnosupport_test(void);
const TTest *step02_resolve_handles_ipv4_ipv6_and_bad_ports_test(void);
const TTest *step02_bind_port_0_and_getsockname_report_the_chosen_port_test(void);
const TTest *step02_open_server_binds_the_address_it_is_given_test(void);
const TTest *step02_ipv6_loopback_round_trip_test(void);
const TTest *step03_connect_reaches_a_listener_test(void);
const TTest *step03_connect_to_a_closed_port_gives_econnrefused_test(void);
const TTest *step03_connect_times_out_with_etimedout_test(void);
const TTest *step04_listen_then_accept_reports_the_peer_test(void);
const TTest *step04_accept_retries_after_a_signal_test(void);
const TTest *step04_open_helpers_try_each_endpoint_and_leak_nothing_test(void);
const TTest *step05_send_all_loops_on_short_sends_and_eintr_test(void);
const TTest *step05_recv_exact_loops_and_stops_at_end_of_stream_test(void);
const TTest *step05_frames_keep_message_boundaries_test(void);
const TTest *step05_frames_refuse_bad_lengths_test(void);
const TTest *step05_a_small_frame_leaves_in_one_call_test(void);
const TTest *step06_poll_server_serves_50_clients_at_once_test(void);
const TTest *step06_poll_server_goes_on_after_signals_test(void);
const TTest *step06_poll_server_survives_a_client_reset_test(void);
const TTest *step06_poll_server_is_not_stalled_by_a_client_that_never_reads_test(void);
const TTest *step07_send_urgent_marks_one_byte_urgent_test(void);
const TTest *step08_urgent_byte_arrives_as_urgent_test(void);
const TTest *step08_sigurg_reaches_the_owner_test(void);
const TTest *step09_half_close_peer_reads_eof_then_replies_test(void);
const TTest *step09_graceful_close_shuts_down_before_close_test(void);
const TTest *step10_wait_peer_close_sees_eof_timeout_and_reset_test(void);
const TTest *step10_send_after_remote_close_gives_epipe_not_sigpipe_test(void);
const TTest *step10_reset_connection_gives_econnreset_test(void);
const TTest *step11_abort_sends_rst_without_shutdown_test(void);
const TTest *step12_eaddrinuse_message_names_errno_and_hint_test(void);
const TTest *step12_each_lab_error_has_its_own_hint_test(void);
const TTest *step12_calls_in_the_wrong_state_give_einval_test(void);
const TTest *step13_the_side_that_closes_first_enters_time_wait_test(void);

#endif
