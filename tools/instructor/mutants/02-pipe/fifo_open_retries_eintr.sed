# file: pipe_lab.c
# bug: pipe_fifo_receive() retries open() after EINTR, so Ctrl-C cannot stop it
s/    int fd = open(path, how | O_CLOEXEC);/    int fd;\n    while ((fd = open(path, how | O_CLOEXEC)) == -1 \&\& errno == EINTR \&\& how == O_RDONLY)\n        ;/
