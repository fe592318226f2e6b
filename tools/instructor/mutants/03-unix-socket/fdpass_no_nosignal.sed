# file: us_fdpass.c
# bug: us_send_fd() sends without MSG_NOSIGNAL
s/n = sendmsg(sock, \&msg, MSG_NOSIGNAL);/n = sendmsg(sock, \&msg, 0);/
