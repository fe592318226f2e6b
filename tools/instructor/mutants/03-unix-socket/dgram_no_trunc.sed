# file: us_dgram.c
# bug: us_dgram_recv() does not detect a truncated datagram
s/n = recv(fd, buf, cap, MSG_TRUNC);/n = recv(fd, buf, cap, 0);/
