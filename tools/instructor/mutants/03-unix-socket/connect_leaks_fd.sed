# file: us_socket.c
# bug: us_connect() leaks the socket when connect() fails
/int us_connect/,/^}/{/close_traced(fd);/d}
