# file: us_fdpass.c
# bug: us_recv_fd() receives the descriptor without close-on-exec
s/n = recvmsg(sock, \&msg, MSG_CMSG_CLOEXEC);/n = recvmsg(sock, \&msg, 0);/
