# file: pipe_lab.c
# bug: pipe_write_all() treats EAGAIN as an error
/wait_ready(fd, POLLOUT) == 0/d;/continue; \/\* non-blocking and full/d
