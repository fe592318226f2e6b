# file: pipe_lab.c
# bug: pipe_read_exact() reads each piece to the start of buf
s/read(fd, p + got, len - got)/read(fd, p, len - got)/
