# file: pipe_lab.c
# bug: pipe_fifo_receive() never closes the FIFO
/ssize_t pipe_fifo_receive/,/^}/{/close_traced(fd);/d}
