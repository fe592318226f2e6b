# file: tcp_teardown.c
# bug: tcp_wait_peer_close() returns 0 on timeout
s/            errno = ETIMEDOUT; \/\* the peer keeps its side open \*\//            return 0;/
