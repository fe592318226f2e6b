# file: pipe_lab.c
# bug: pipe_read_exact() fails on EINTR
/ssize_t pipe_read_exact/,/^}/{/if (errno == EINTR)/{N;d}}
