# file: tcp_data.c
# bug: tcp_recv_exact() fails on EINTR (its step-5 recv() is not tried again)
/^static ssize_t traced_recv/,/^}/{s/} while (n == -1 \&\& errno == EINTR);/} while (n == -1 \&\& errno == EINTR \&\& step != 5);/}
