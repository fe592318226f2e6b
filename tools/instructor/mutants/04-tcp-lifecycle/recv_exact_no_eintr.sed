# file: tcp_data.c
# bug: tcp_recv_exact() fails on EINTR
/ssize_t tcp_recv_exact/,/^}/{/if (errno == EINTR)/{N;d}}
