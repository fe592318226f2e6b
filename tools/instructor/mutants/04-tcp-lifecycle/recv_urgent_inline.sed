# file: tcp_data.c
# bug: tcp_recv_urgent() reads the byte without MSG_OOB
s/n = recv(fd, byte, 1, MSG_OOB);/n = recv(fd, byte, 1, 0);/
