# file: tcp_setup.c
# bug: tcp_open_server() binds the wildcard address whatever host it is given
/int tcp_open_server/,/^}/{s/tcp_resolve(host, port, 1, eps, MAX_ENDPOINTS)/tcp_resolve("0.0.0.0", port, 1, eps, MAX_ENDPOINTS)/}
