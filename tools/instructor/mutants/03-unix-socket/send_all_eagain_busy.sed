# file: us_frame.c
# bug: us_send_all() spins on EAGAIN instead of poll()
s/errno == EAGAIN \&\& wait_ready(fd, POLLOUT) == 0/errno == EAGAIN/
