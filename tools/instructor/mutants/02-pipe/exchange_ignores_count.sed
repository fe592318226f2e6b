# file: pipe_lab.c
# bug: pipe_coprocess_exchange() counts the bytes it asked for, not those write() took
s/                sent += (size_t)n;/                sent = len;/
