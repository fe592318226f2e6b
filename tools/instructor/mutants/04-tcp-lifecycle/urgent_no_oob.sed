# file: tcp_data.c
# bug: tcp_send_urgent() sends the byte as ordinary data
s/n = send(fd, \&byte, 1, MSG_OOB | MSG_NOSIGNAL);/n = send(fd, \&byte, 1, MSG_NOSIGNAL);/
