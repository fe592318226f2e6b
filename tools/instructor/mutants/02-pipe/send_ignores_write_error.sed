# file: pipe_lab.c
# bug: pipe_send_to_child() ignores a failed write and returns the child's status
s/    if (sent == -1) {/    if (sent == -1 \&\& 0) {/
