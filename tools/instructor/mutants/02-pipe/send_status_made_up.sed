# file: pipe_lab.c
# bug: pipe_send_to_child() returns 0 instead of the child's wait status
s/^    return status;$/    (void)status;\n    return 0;/
