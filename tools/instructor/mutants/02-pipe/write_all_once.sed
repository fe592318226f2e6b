# file: pipe_lab.c
# bug: pipe_write_all() ignores short writes: it writes once and returns len
s/left -= (size_t)n;/left = 0;/
