# file: us_frame.c
# bug: us_recv_exact() spins on EAGAIN
s/errno == EAGAIN \&\& wait_ready(fd, POLLIN) == 0/errno == EAGAIN/
