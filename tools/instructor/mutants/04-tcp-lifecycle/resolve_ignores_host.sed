# file: tcp_setup.c
# bug: tcp_open_server() binds the wildcard address whatever host it is given
/int tcp_open_server/,/^}/{s/    int count = tcp_resolve(host, port, 1, eps, MAX_ENDPOINTS);/    (void)host;\n    int count = tcp_resolve("0.0.0.0", port, 1, eps, MAX_ENDPOINTS);/}
