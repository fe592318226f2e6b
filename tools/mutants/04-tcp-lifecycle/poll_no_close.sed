# file: tcp_poll_server.c
# bug: tcp_poll_serve() drops a client without closing it
/long tcp_poll_serve/,/^}/{s/                tcp_close(fds\[i\].fd);/                (void)0;/}
