/*
 * test_unix_socket.c - the graded tests of lab 03 (UNIX domain sockets).
 *
 * Each test checks one behaviour promised by the lab's headers (us_socket.h,
 * us_frame.h, us_serve.h, us_dgram.h, us_pair.h, us_cred.h, us_fdpass.h).
 * The table at the bottom declares every test with its points, timeout and
 * hint: that table is the only place points are set.
 *
 * The tests play the other side with plain system calls of their own (the
 * raw_* helpers), so each part is graded on its own, even while another part
 * is still a TODO. A server under test runs in a forked child; the test
 * process is its client and never waits without a time limit.
 *
 * These tests run in the checker, a process with no student code
 * (boundary.h): each us_*() call here goes to the student's process. The
 * tests hold their own ends of every socket, make the data and read what
 * arrives; what the student's processes hold is read from /proc, and the
 * test's child functions run here, called back by the student's child.
 *
 * The tests themselves are in one file per part of the lab (test_us_*.c,
 * listed in us_tests.h), and the helpers they share in us_test_helpers.c;
 * this file holds the points table and main().
 */
#include "grader.h"
#include "us_tests.h"

int main(int argc, char **argv)
{
    const struct grade_test tests[] = {
        /* part 1 */
        {"address_refuses_paths_longer_than_sun_path",
         address_refuses_paths_longer_than_sun_path_test(), 2, 5,
         "us_address() in us_socket.c: sun_path holds 107 bytes and a NUL"},
        {"listen_in_private_dir_then_connect", listen_in_private_dir_then_connect_test(), 6, 10,
         "us_listen(NULL): names_private_dir, socket, bind, listen; us_connect: socket, connect; "
         "us_listener_close: unlink, close, rmdir"},
        {"stale_socket_file_is_replaced", stale_socket_file_is_replaced_test(), 5, 10,
         "us_listen(): on EADDRINUSE call us_remove_stale(), then bind() again"},
        {"live_socket_is_never_removed", live_socket_is_never_removed_test(), 5, 10,
         "us_remove_stale(): connect() succeeded, so the socket is alive: EADDRINUSE"},
        {"busy_live_server_is_not_waited_for", busy_live_server_is_not_waited_for_test(), 2, 10,
         "us_remove_stale(): probe with a SOCK_NONBLOCK socket; EAGAIN means alive and busy"},
        {"non_socket_files_are_never_removed", non_socket_files_are_never_removed_test(), 4, 10,
         "us_remove_stale(): lstat() first; anything but S_ISSOCK is ENOTSOCK"},
        {"close_keeps_directories_it_did_not_make", close_keeps_directories_it_did_not_make_test(),
         3, 10, "us_listener_close(): rmdir only listener->dir, which is empty for a given path"},
        {"failed_listen_leaves_no_dir_behind", failed_listen_leaves_no_dir_behind_test(), 3, 10,
         "us_listen(): when socket/bind/listen fails after mkdtemp, rmdir the directory"},
        {"signal_removes_socket_file_and_dir", signal_removes_socket_file_and_dir_test(), 4, 15,
         "us_cleanup_on_signals(): the handler unlinks, rmdirs, then signal(SIG_DFL) and raise"},
        {"trace_shows_server_and_client_call_order",
         trace_shows_server_and_client_call_order_test(), 3, 10,
         "trace_call() each system call by its name, right after making it"},
        /* part 2 */
        {"frame_header_is_4_byte_big_endian_length",
         frame_header_is_4_byte_big_endian_length_test(), 4, 5,
         "us_send_frame(): htonl(len) in 4 bytes, then the message"},
        {"frames_round_trip_from_empty_to_max_size",
         frames_round_trip_from_empty_to_max_size_test(), 3, 10,
         "us_recv_frame(): 1 and *len for a message (0 bytes is a message), 0 at a clean EOF"},
        {"frames_survive_short_sends_eintr_and_eagain",
         frames_survive_short_sends_eintr_and_eagain_test(), 4, 10,
         "us_send_all(): loop on short sends, retry EINTR, poll() for POLLOUT on EAGAIN"},
        {"frames_survive_short_recvs_eintr_and_eagain",
         frames_survive_short_recvs_eintr_and_eagain_test(), 4, 10,
         "us_recv_exact(): loop on short receives, retry EINTR, poll() for POLLIN on EAGAIN"},
        {"send_all_waits_in_poll_while_the_socket_is_full",
         send_all_waits_in_poll_while_the_socket_is_full_test(), 2, 10,
         "us_send_all(): on EAGAIN, poll() for POLLOUT before sending again"},
        {"recv_exact_waits_in_poll_while_nothing_came",
         recv_exact_waits_in_poll_while_nothing_came_test(), 2, 10,
         "us_recv_exact(): on EAGAIN, poll() for POLLIN before receiving again"},
        {"oversized_frame_refused_from_header_alone",
         oversized_frame_refused_from_header_alone_test(), 5, 10,
         "us_recv_frame(): compare the announced length with US_MAX_MESSAGE and cap first"},
        {"truncated_frame_reports_eproto", truncated_frame_reports_eproto_test(), 4, 10,
         "us_recv_frame(): fewer bytes than the header or the length promised is EPROTO"},
        {"serve_client_upcases_each_frame_until_eof",
         serve_client_upcases_each_frame_until_eof_test(), 4, 10,
         "us_serve_client(): recv_frame, toupper each byte, send_frame, until it returns 0"},
        {"server_answers_clients_one_after_another",
         server_answers_clients_one_after_another_test(), 5, 15,
         "us_serve(): accept, fork a child that serves, close our copy, and again"},
        {"an_idle_client_does_not_hold_up_the_next",
         an_idle_client_does_not_hold_up_the_next_test(), 4, 15,
         "us_serve(): each client in a child process (fork); the parent accepts at once"},
        {"oversized_frame_drops_only_that_client", oversized_frame_drops_only_that_client_test(), 5,
         15,
         "us_serve(): when us_serve_client fails, log errno_name(errno), close, accept the next"},
        {"truncated_frame_drops_only_that_client", truncated_frame_drops_only_that_client_test(), 4,
         15, "us_serve(): a truncated frame (EPROTO) ends that connection only"},
        {"client_dying_mid_frame_does_not_stop_server",
         client_dying_mid_frame_does_not_stop_server_test(), 4, 15,
         "us_serve(): a client that dies mid-frame is EPROTO for that connection only"},
        {"client_gone_before_answer_no_sigpipe", client_gone_before_answer_no_sigpipe_test(), 4, 15,
         "us_send_all(): send(..., MSG_NOSIGNAL), so a departed client gives EPIPE, not SIGPIPE"},
        {"server_goes_on_after_a_signal_interrupts_accept",
         server_goes_on_after_a_signal_interrupts_accept_test(), 3, 10,
         "us_serve(): accept() fails with EINTR when a signal arrives; accept again"},
        {"fifty_clients_no_fd_growth", fifty_clients_no_fd_growth_test(), 5, 20,
         "us_serve(): close every accepted descriptor, on every path"},
        /* part 3 */
        {"stream_merges_three_sends_into_one_recv", stream_merges_three_sends_into_one_recv_test(),
         4, 10, "us_recv_once(): exactly one recv() of up to cap bytes"},
        {"datagrams_keep_three_messages_apart", datagrams_keep_three_messages_apart_test(), 4, 10,
         "us_dgram_open/send/recv: SOCK_DGRAM, bind, sendto the path, one recv per datagram"},
        {"datagram_too_big_is_emsgsize_not_cut", datagram_too_big_is_emsgsize_not_cut_test(), 3, 10,
         "us_dgram_recv(): recv(..., MSG_TRUNC) returns the real length; more than cap: EMSGSIZE"},
        /* part 4 */
        {"socketpair_connects_both_ways", socketpair_connects_both_ways_test(), 3, 5,
         "us_socketpair(): socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, fds)"},
        {"socketpair_child_answers_parent", socketpair_child_answers_parent_test(), 4, 10,
         "us_child_start(): socketpair, fork, the child runs fn(its end, arg) and _exits with it"},
        {"child_sees_eof_when_parent_closes_its_end",
         child_sees_eof_when_parent_closes_its_end_test(), 4, 10,
         "us_child_start(): each process closes the end it does not use, right after fork()"},
        /* part 5 */
        {"peercred_gives_pid_uid_gid_both_ways", peercred_gives_pid_uid_gid_both_ways_test(), 5, 10,
         "us_peer_credentials(): getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &ucred, &len)"},
        {"server_logs_client_pid_and_uid", server_logs_client_pid_and_uid_test(), 3, 15,
         "us_serve(): log \"client N: pid=P uid=U gid=G\" for each accepted client"},
        {"same_uid_refuses_other_uids", same_uid_refuses_other_uids_test(), 4, 15,
         "us_serve(): with same_uid, close at once a client whose uid is not allowed_uid"},
        /* part 6 */
        {"fd_passing_round_trip_reads_file", fd_passing_round_trip_reads_file_test(), 6, 10,
         "us_send_fd/us_recv_fd: sendmsg/recvmsg with one SCM_RIGHTS cmsg and one byte"},
        {"recv_fd_refuses_messages_without_one_fd", recv_fd_refuses_messages_without_one_fd_test(),
         3, 10,
         "us_recv_fd(): no SCM_RIGHTS cmsg, MSG_CTRUNC or EOF is EPROTO; close what arrived"},
        {"failed_connect_and_bind_leave_no_descriptor",
         failed_connect_and_bind_leave_no_descriptor_test(), 2, 10,
         "us_connect(), us_dgram_open(): close the socket when connect() or bind() fails"},
        {"datagram_and_fd_calls_retry_eintr", datagram_and_fd_calls_retry_eintr_test(), 2, 10,
         "us_dgram_recv(), us_send_fd(), us_recv_fd(): retry the call after EINTR"},
        {"send_all_to_a_closed_peer_gives_epipe_not_death",
         send_all_to_a_closed_peer_gives_epipe_not_death_test(), 2, 10,
         "us_send_all(): send(..., MSG_NOSIGNAL)"},
        {"send_fd_to_a_closed_peer_gives_epipe_not_death",
         send_fd_to_a_closed_peer_gives_epipe_not_death_test(), 2, 10,
         "us_send_fd(): sendmsg(..., MSG_NOSIGNAL)"},
        {"fd_passing_leaks_no_descriptors", fd_passing_leaks_no_descriptors_test(), 3, 10,
         "us_send_file(): close your own copy after sending; the message keeps the file open"},
    };
    return grade_main(argc, argv, "03-unix-socket", tests, GRADE_COUNT(tests));
}
