# file: tcp_teardown.c
# bug: tcp_wait_peer_close() treats ECONNRESET as a clean close
s/            return -1; \/\* ECONNRESET: the peer aborted instead \*\//            return (ssize_t)discarded;/
