# file: us_pair.c
# bug: us_child_finish() does not wait for the child
s/while ((got = waitpid(child->pid, \&status, 0)) == -1 \&\& errno == EINTR)/status = 0;\n    got = child->pid;\n    while (0)/
