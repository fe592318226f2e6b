# file: pipe_lab.c
# bug: pipe_coprocess_start() leaves the request pipe blocking
s/flags | O_NONBLOCK/flags/
