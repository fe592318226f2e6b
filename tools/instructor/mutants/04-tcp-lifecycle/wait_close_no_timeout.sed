# file: tcp_teardown.c
# bug: tcp_wait_peer_close() waits without a time limit
/ssize_t tcp_wait_peer_close/,/^}/{s/int ready = poll(\&(struct pollfd){.fd = fd, .events = POLLIN}, 1, wait_ms);/int ready = poll(\&(struct pollfd){.fd = fd, .events = POLLIN}, 1, -1);/}
