# file: tcp_data.c
# bug: tcp_recv_urgent() waits for POLLIN instead of POLLPRI
s/struct pollfd p = {.fd = fd, .events = POLLPRI | POLLRDHUP};/struct pollfd p = {.fd = fd, .events = POLLIN | POLLRDHUP};/;s/    if (!(p.revents \& POLLPRI)) {/    if (!(p.revents \& POLLIN)) {/
