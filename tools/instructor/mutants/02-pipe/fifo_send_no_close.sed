# file: pipe_lab.c
# bug: pipe_fifo_send() never closes the FIFO
/ssize_t pipe_fifo_send/,/^}/{/close_traced(fd);/d}
