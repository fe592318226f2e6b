# file: tcp_teardown.c
# bug: tcp_abort() calls shutdown() before close()
s/    int closed = close(fd); \/\* released in every case/    shutdown(fd, SHUT_WR);\n    int closed = close(fd); \/* released in every case/
