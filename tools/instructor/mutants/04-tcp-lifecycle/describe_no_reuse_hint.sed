# file: tcp_teardown.c
# bug: the EADDRINUSE hint does not mention SO_REUSEADDR
s/server sets SO_REUSEADDR before bind()/server sets an option before bind()/
