# file: pipe_lab.c
# bug: the parent of pipe_send_to_child() never closes its write end
/close_traced(fds\[1\]); \/\* this is the reader.s end of file \*\//d
