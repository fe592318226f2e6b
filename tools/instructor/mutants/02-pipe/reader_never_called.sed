# file: pipe_lab.c
# bug: the child of pipe_send_to_child() exits 0 without calling the reader
s/int status = reader(fds\[0\], arg);/int status = 0;\n        (void)reader;\n        (void)arg;/
