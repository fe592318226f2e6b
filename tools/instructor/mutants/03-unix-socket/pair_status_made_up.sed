# file: us_pair.c
# bug: us_child_finish() returns 0 instead of the child's wait status
s/    return got == -1 ? -1 : status;/    (void)status;\n    return got == -1 ? -1 : 0;/
