# file: us_frame.c
# bug: us_recv_exact() treats EAGAIN as an error
/wait_ready(fd, POLLIN) == 0/{N;d}
