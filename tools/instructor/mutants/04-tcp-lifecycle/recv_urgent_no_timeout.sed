# file: tcp_data.c
# bug: tcp_recv_urgent() ignores its timeout (waits forever)
/int tcp_recv_urgent/,/^}/{s/ready = poll(\&p, 1, wait_ms);/ready = poll(\&p, 1, -1);/}
