# file: us_pair.c
# bug: the child of us_child_start() exits 0 without calling fn
s/        int status = fn(fds\[1\], arg);/        int status = 0;\n        (void)fn;\n        (void)arg;/
