# file: tcp_setup.c
# bug: tcp_accept() leaves *peer unfilled
s/        \*peer = who;/        (void)who;/
