# file: chan_unix.c
# bug: the UNIX channel uses SOCK_DGRAM
s/socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ch->fd)/socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, ch->fd)/
