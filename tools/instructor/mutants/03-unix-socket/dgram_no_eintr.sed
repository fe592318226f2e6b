# file: us_dgram.c
# bug: us_dgram_recv() fails on EINTR
/ssize_t us_dgram_recv/,/^}/{s/} while (n == -1 \&\& errno == EINTR);/} while (0);/}
