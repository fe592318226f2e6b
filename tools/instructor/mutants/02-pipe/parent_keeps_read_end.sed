# file: pipe_lab.c
# bug: the parent of pipe_send_to_child() never closes the read end
/close_traced(fds\[0\]); \/\* the parent only writes \*\//d
