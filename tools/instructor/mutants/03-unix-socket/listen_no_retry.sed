# file: us_socket.c
# bug: us_listen() does not retry bind() after removing a stale socket
s/        rc = bind(fd_unused/X/;/(again)/{s/.*/        (void)0;/}; /        rc = bind(l->fd, (struct sockaddr \*)\&addr, sizeof addr);$/{N;s/.*\n.*(again).*/        errno = EADDRINUSE;/}
