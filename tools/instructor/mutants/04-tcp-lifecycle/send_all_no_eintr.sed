# file: tcp_data.c
# bug: tcp_send_all() fails on EINTR
/continue; \/\* a signal came before any byte went/d
