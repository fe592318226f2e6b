# file: pipe_lab.c
# bug: pipe_read_exact() returns after the first read
s/got += (size_t)n;/got += (size_t)n;\n        break;/
