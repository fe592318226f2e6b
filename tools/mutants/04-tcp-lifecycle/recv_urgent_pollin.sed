# file: tcp_data.c
# bug: tcp_recv_urgent() waits for POLLIN instead of POLLPRI
s/struct pollfd p = {.fd = fd, .events = POLLPRI};/struct pollfd p = {.fd = fd, .events = POLLIN};/
