# file: pipe_lab.c
# bug: pipe_fifo_receive() reads once instead of until EOF
s/ssize_t got = pipe_read_exact(fd, buf, cap);/ssize_t got = read(fd, buf, cap);/
