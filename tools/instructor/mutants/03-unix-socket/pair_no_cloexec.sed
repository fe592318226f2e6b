# file: us_pair.c
# bug: us_socketpair() without close-on-exec
s/type | SOCK_CLOEXEC/type/
