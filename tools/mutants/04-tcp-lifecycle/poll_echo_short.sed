# file: tcp_poll_server.c
# bug: echo_once() echoes only the first byte
s/return tcp_send_all(fd, buf, (size_t)n) == n;/return tcp_send_all(fd, buf, 1) == 1;/
