# file: tcp_poll_server.c
# bug: the poll server drops a client without closing it
/^                tcp_close(c->fd);$/d
