# file: pipe_lab.c
# bug: pipe_write_all() spins on EAGAIN instead of waiting in poll()
s/errno == EAGAIN \&\& wait_ready(fd, POLLOUT) == 0/errno == EAGAIN/
