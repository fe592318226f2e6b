# file: us_socket.c
# bug: us_listener_close() does not unlink the socket file
/int us_listener_close/,/^}/{s/int rc = unlink(l->path);/int rc = 0;/}
