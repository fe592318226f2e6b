# file: us_socket.c
# bug: us_listener_close() does not clear its fields (a second call closes again)
/int us_listener_close/,/^}/{s/^    l->fd = -1;$/    (void)0;/}
