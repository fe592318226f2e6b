# file: tcp_teardown.c
# bug: tcp_close() retries close() after EINTR
s/    int rc = close(fd);\n    trace_call_note("close", rc, tcp_watch_end(\&w, fd), "fd=%d \[step 13\]", fd);/X/;/int tcp_close(int fd)/,/^}/{s/    int rc = close(fd);/    int rc;\n    while ((rc = close(fd)) == -1 \&\& errno == EINTR)\n        ;/}
