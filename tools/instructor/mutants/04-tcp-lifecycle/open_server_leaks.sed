# file: tcp_setup.c
# bug: tcp_open_server() leaks the socket when bind fails
/int tcp_open_server/,/^}/{/tcp_close(fd);/d}
