# file: us_dgram.c
# bug: us_dgram_open() leaks the socket when bind() fails
/int us_dgram_open/,/^}/{/trace_call("close", close(fd), "fd=%d", fd);/d}
