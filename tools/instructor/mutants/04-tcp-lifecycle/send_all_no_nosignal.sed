# file: tcp_data.c
# bug: tcp_send_all() sends without MSG_NOSIGNAL
s/ssize_t n = send(fd, p, left, MSG_NOSIGNAL);/ssize_t n = send(fd, p, left, 0);/
