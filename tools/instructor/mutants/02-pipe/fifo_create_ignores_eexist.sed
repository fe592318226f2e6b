# file: pipe_lab.c
# bug: pipe_fifo_create() returns 0 when the path exists
s/    return (int)trace_call("mkfifo", rc, "\\"%s\\", 0600", path);/    if (rc == -1 \&\& errno == EEXIST)\n        rc = 0;\n    return (int)trace_call("mkfifo", rc, "\\"%s\\", 0600", path);/
