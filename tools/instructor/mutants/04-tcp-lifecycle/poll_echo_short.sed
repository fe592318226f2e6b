# file: tcp_poll_server.c
# bug: the poll server echoes only the first byte of what it read
s/    c->len = (size_t)n;/    c->len = 1;/
