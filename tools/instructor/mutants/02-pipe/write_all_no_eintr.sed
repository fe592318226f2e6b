# file: pipe_lab.c
# bug: pipe_write_all() fails on EINTR instead of retrying
/continue; \/\* a signal arrived before any byte moved/d
