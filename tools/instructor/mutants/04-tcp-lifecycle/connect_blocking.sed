# file: tcp_setup.c
# bug: tcp_connect() connects blocking (ignores its timeout)
s/if (flags == -1 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) == -1)/if (flags == -1 || fcntl(fd, F_SETFL, flags) == -1)/
