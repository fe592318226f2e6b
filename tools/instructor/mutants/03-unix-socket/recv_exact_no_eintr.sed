# file: us_frame.c
# bug: us_recv_exact() fails on EINTR
/ssize_t us_recv_exact/,/^}/{/if (errno == EINTR)/{N;d}}
