# file: pipe_lab.c
# bug: pipe_fifo_receive() retries open() after EINTR, so Ctrl-C cannot stop it
s/    int fd = open(path, O_RDONLY | O_CLOEXEC); \/\* blocks until a writer opens \*\//    int fd;\n    while ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1 \&\& errno == EINTR)\n        ;/
