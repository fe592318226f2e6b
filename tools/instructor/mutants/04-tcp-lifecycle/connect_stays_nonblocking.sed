# file: tcp_setup.c
# bug: tcp_connect() leaves the socket non-blocking
s/if (fcntl(fd, F_SETFL, flags) == -1 \&\& rc == 0)/if (0 \&\& rc == 0)/
