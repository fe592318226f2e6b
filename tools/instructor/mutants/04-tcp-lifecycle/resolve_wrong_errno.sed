# file: tcp_setup.c
# bug: tcp_resolve() reports an unknown host as EINVAL
s/return ENOENT; \/\* EAI_NONAME and friends/return EINVAL; \/* EAI_NONAME and friends/
