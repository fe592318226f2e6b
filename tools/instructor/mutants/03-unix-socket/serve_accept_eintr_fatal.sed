# file: us_serve.c
# bug: us_serve() gives up when accept() is interrupted by a signal
s/if (errno == EINTR || errno == ECONNABORTED)/if (errno == ECONNABORTED)/
