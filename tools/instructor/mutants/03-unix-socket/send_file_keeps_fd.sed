# file: us_fdpass.c
# bug: us_send_file() never closes its own copy
s/trace_call("close", close(fd), "fd=%d (ours; the receiver gets its own)", fd);/trace_call("close", 0, "fd=%d (ours; the receiver gets its own)", fd);/
