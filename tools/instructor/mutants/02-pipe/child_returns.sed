# file: pipe_lab.c
# bug: the child of pipe_send_to_child() returns into the caller instead of _exit()
s/_exit(status); \/\* never return into the parent.s code \*\//(void)status;\n        return 0;/
