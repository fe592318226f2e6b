# file: pipe_lab.c
# bug: pipe_write_all() does not advance the buffer after a short write
s/p += n; \/\* a short write/(void)p; \/* a short write/
