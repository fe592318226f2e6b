# file: tcp_setup.c
# bug: tcp_open_server() (and tcp_open_client()) leak the socket when bind (or connect) fails
/static int open_first_that_works/,/^}/{/tcp_close(fd);/d}
