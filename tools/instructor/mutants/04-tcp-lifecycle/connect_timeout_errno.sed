# file: tcp_setup.c
# bug: tcp_connect() reports a timeout as ECONNREFUSED
s/errno = ETIMEDOUT; \/\* no SYN-ACK in time/errno = ECONNREFUSED; \/* no SYN-ACK in time/
