# file: pipe_lab.c
# bug: pipe_coprocess_finish() does not wait for the child
s/    return wait_for(cp->pid);/    return 0;/
