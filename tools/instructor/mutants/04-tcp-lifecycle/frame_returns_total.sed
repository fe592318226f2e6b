# file: tcp_data.c
# bug: tcp_send_frame() returns 4 + len
s/return sent == -1 ? -1 : (ssize_t)len;/return sent;/
