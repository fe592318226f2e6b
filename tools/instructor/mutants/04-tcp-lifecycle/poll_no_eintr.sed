# file: tcp_poll_server.c
# bug: tcp_poll_serve() fails when poll() is interrupted
/long tcp_poll_serve/,/^}/{/if (errno == EINTR)/{N;d}}
