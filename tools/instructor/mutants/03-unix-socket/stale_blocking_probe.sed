# file: us_socket.c
# bug: us_remove_stale() probes with a blocking connect (waits behind a full backlog)
s/SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC/SOCK_STREAM | SOCK_CLOEXEC/
