# file: tcp_setup.c
# bug: tcp_resolve() asks for IPv4 only (AF_INET)
s/.ai_family = AF_UNSPEC,/.ai_family = AF_INET,/
