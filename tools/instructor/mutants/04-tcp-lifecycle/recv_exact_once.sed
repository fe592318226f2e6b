# file: tcp_data.c
# bug: tcp_recv_exact() returns after one recv()
s/got += (size_t)n;/got += (size_t)n;\n        break;/
