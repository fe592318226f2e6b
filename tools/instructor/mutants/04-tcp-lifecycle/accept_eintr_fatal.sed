# file: tcp_setup.c
# bug: tcp_accept() fails when accept() is interrupted
s/if (errno != EINTR \&\& errno != ECONNABORTED)/if (errno != ECONNABORTED)/
