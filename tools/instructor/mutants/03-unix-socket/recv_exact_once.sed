# file: us_frame.c
# bug: us_recv_exact() returns after one recv()
s/got += (size_t)n;/got += (size_t)n;\n        break;/
