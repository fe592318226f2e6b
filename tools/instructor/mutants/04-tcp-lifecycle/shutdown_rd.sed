# file: tcp_teardown.c
# bug: tcp_shutdown_write() shuts down reading too (SHUT_RDWR)
s/int rc = shutdown(fd, SHUT_WR);/int rc = shutdown(fd, SHUT_RDWR);/
