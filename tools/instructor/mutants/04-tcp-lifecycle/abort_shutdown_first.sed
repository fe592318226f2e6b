# file: tcp_teardown.c
# bug: tcp_abort() calls shutdown() before close() (FIN before RST)
s/    int closed = closesocket(fd); \/\* released in every case/    shutdown(fd, SHUT_WR);\n    int closed = closesocket(fd); \/* released in every case/
