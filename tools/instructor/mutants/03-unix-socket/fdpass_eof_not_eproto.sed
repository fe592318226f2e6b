# file: us_fdpass.c
# bug: us_recv_fd() returns 0 when the peer closed
s/    errno = EPROTO;/    if (n == 0)\n        return 0;\n    errno = EPROTO;/
