# file: tcp_teardown.c
# bug: tcp_close_gracefully() returns at once when shutdown() fails, leaking the descriptor
s/        failed = errno; \/\* ENOTCONN: the peer has reset it already; just close \*\//        return -1;/
