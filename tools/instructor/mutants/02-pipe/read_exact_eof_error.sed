# file: pipe_lab.c
# bug: pipe_read_exact() returns -1 at end of file
s/break; \/\* end of file: every write end is closed \*\//return -1;/
