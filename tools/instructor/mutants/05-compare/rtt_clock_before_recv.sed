# file: rtt.c
# bug: rtt_measure() stops the clock before the receive
/uint64_t end = clock_now_ns();/d;s/        int rc = in->ops->recv(in, reply, key->len, \&len);/        uint64_t end = clock_now_ns();\n        int rc = in->ops->recv(in, reply, key->len, \&len);/
