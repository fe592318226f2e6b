# file: tcp_data.c
# bug: tcp_recv_urgent() polls for POLLPRI only: a peer that closes is noticed only at the timeout
s/\.events = POLLPRI | POLLRDHUP}/.events = POLLPRI}/
