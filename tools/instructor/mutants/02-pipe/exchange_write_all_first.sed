# file: pipe_lab.c
# bug: pipe_coprocess_exchange() writes the whole request before it reads
/\/\* -1: ignored \*\//{n;s/$/\n        if (sent < len)\n            fds[0].fd = -1;/}
