# file: pipe_lab.c
# bug: the child of pipe_send_to_child() keeps its copy of the write end
/read() never returns 0 (EOF)/{n;d}
