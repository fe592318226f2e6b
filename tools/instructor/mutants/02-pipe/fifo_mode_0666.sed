# file: pipe_lab.c
# bug: pipe_fifo_create() makes the FIFO 0666
s/mkfifo(path, 0600)/mkfifo(path, 0666)/
