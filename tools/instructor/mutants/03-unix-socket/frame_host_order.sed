# file: us_frame.c
# bug: the frame length is sent in host byte order (no htonl)
s/uint32_t net_len = htonl((uint32_t)len);/uint32_t net_len = (uint32_t)len;/
