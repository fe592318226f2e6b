# file: tcp_poll_server.c
# bug: tcp_poll_serve() returns when one client fails
s/                tcp_close(fds\[i\].fd);/                tcp_close(fds[i].fd);\n                if (errno == ECONNRESET) {\n                    close_all(fds + 1, open);\n                    return -1;\n                }/
