# file: pipe_lab.c
# bug: pipe_read_exact() spins on EAGAIN instead of waiting in poll()
s/errno == EAGAIN \&\& wait_ready(fd, POLLIN) == 0/errno == EAGAIN/
