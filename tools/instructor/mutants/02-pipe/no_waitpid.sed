# file: pipe_lab.c
# bug: pipe_send_to_child() returns 0 without waiting for the child
s/int status = wait_for(pid);/int status = 0;/
