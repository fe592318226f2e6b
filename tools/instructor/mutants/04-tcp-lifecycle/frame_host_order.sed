# file: tcp_data.c
# bug: the frame length goes in host byte order
s/uint32_t header = htonl((uint32_t)len);/uint32_t header = (uint32_t)len;/
