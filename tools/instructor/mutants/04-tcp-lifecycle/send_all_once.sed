# file: tcp_data.c
# bug: tcp_send_all() sends once and ignores a short send
s/left -= (size_t)n;/left = 0;/
