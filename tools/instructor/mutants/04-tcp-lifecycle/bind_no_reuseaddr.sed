# file: tcp_setup.c
# bug: tcp_bind() does not set SO_REUSEADDR
s/int on = 1;/int on = 0;/
