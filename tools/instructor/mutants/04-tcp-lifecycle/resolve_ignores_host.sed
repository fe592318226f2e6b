# file: tcp_setup.c
# bug: tcp_open_server() binds the wildcard address whatever host it is given
/int tcp_open_server/,/^}/{s/    return open_first_that_works(host, port, 1,/    (void)host;\n    return open_first_that_works("0.0.0.0", port, 1,/}
