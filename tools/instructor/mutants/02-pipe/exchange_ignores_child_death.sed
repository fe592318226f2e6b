# file: pipe_lab.c
# bug: pipe_coprocess_exchange() does not treat read() = 0 as the child's death
/errno = EPIPE; \/\* the child closed before answering in full \*\//{N;d}
