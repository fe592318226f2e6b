# file: tcp_setup.c
# bug: tcp_open_client() tries only the first endpoint
/int tcp_open_client/,/^}/{s/for (int i = 0; i < count; i++) {/for (int i = 0; i < 1; i++) {/}
