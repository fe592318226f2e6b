# file: pipe_lab.c
# bug: pipe_read_exact() treats EAGAIN as an error
/wait_ready(fd, POLLIN) == 0/{N;d}
