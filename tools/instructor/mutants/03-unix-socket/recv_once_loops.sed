# file: us_dgram.c
# bug: us_recv_once() loops until cap bytes (merging messages)
s/        n = recv(fd, buf, cap, 0);/        n = recv(fd, buf, cap, MSG_WAITALL);/
