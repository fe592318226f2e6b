/*
 * us_tests.h - lab 03's tests, by file, for the one points table in
 * test_unix_socket.c.
 *
 * Check's START_TEST(name) makes its test static, so each test file ends
 * with LIST(GRADE_EXPORT) (grader.h), which gives every test a function name_test()
 * that returns it, for the table to call.
 */
#ifndef IPC_KIT_US_TESTS_H
#define IPC_KIT_US_TESTS_H

#include <check.h>

/* test_us_socket.c */
#define US_TESTS_SOCKET(X)                                                                         \
    X(address_refuses_paths_longer_than_sun_path)                                                  \
    X(listen_in_private_dir_then_connect)                                                          \
    X(stale_socket_file_is_replaced)                                                               \
    X(live_socket_is_never_removed)                                                                \
    X(busy_live_server_is_not_waited_for)                                                          \
    X(non_socket_files_are_never_removed)                                                          \
    X(close_keeps_directories_it_did_not_make)                                                     \
    X(failed_listen_leaves_no_dir_behind)                                                          \
    X(signal_removes_socket_file_and_dir)                                                          \
    X(trace_shows_server_and_client_call_order)

/* test_us_frame.c */
#define US_TESTS_FRAME(X)                                                                          \
    X(frame_header_is_4_byte_big_endian_length)                                                    \
    X(frames_round_trip_from_empty_to_max_size)                                                    \
    X(frames_survive_short_sends_eintr_and_eagain)                                                 \
    X(frames_survive_short_recvs_eintr_and_eagain)                                                 \
    X(send_all_waits_in_poll_while_the_socket_is_full)                                             \
    X(recv_exact_waits_in_poll_while_nothing_came)                                                 \
    X(oversized_frame_refused_from_header_alone)                                                   \
    X(truncated_frame_reports_eproto)                                                              \
    X(serve_client_upcases_each_frame_until_eof)

/* test_us_serve.c */
#define US_TESTS_SERVE(X)                                                                          \
    X(server_answers_clients_one_after_another)                                                    \
    X(oversized_frame_drops_only_that_client)                                                      \
    X(truncated_frame_drops_only_that_client)                                                      \
    X(client_dying_mid_frame_does_not_stop_server)                                                 \
    X(client_gone_before_answer_no_sigpipe)                                                        \
    X(server_goes_on_after_a_signal_interrupts_accept)                                             \
    X(an_idle_client_does_not_hold_up_the_next)                                                    \
    X(fifty_clients_no_fd_growth)

/* test_us_dgram_pair.c */
#define US_TESTS_DGRAM_PAIR(X)                                                                     \
    X(stream_merges_three_sends_into_one_recv)                                                     \
    X(datagrams_keep_three_messages_apart)                                                         \
    X(datagram_too_big_is_emsgsize_not_cut)                                                        \
    X(socketpair_connects_both_ways)                                                               \
    X(socketpair_child_answers_parent)                                                             \
    X(child_sees_eof_when_parent_closes_its_end)

/* test_us_cred_fdpass.c */
#define US_TESTS_CRED_FDPASS(X)                                                                    \
    X(peercred_gives_pid_uid_gid_both_ways)                                                        \
    X(server_logs_client_pid_and_uid)                                                              \
    X(same_uid_refuses_other_uids)                                                                 \
    X(fd_passing_round_trip_reads_file)                                                            \
    X(recv_fd_refuses_messages_without_one_fd)                                                     \
    X(failed_connect_and_bind_leave_no_descriptor)                                                 \
    X(datagram_and_fd_calls_retry_eintr)                                                           \
    X(send_all_to_a_closed_peer_gives_epipe_not_death)                                             \
    X(send_fd_to_a_closed_peer_gives_epipe_not_death)                                              \
    X(fd_passing_leaks_no_descriptors)

#define US_DECLARE_TEST(name) const TTest *name##_test(void);
US_TESTS_SOCKET(US_DECLARE_TEST)
US_TESTS_FRAME(US_DECLARE_TEST)
US_TESTS_SERVE(US_DECLARE_TEST)
US_TESTS_DGRAM_PAIR(US_DECLARE_TEST)
US_TESTS_CRED_FDPASS(US_DECLARE_TEST)

#endif
