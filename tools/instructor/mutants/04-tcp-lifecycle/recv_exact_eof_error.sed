# file: tcp_data.c
# bug: tcp_recv_exact() returns -1 at end of stream
s/            break; \/\* the peer sent FIN: no more bytes will ever come \*\//            return -1; \/* the peer sent FIN *\//
