# file: tcp_data.c
# bug: tcp_urgent_owner() sets the owner to the parent process
s/int rc = fcntl(fd, F_SETOWN, getpid());/int rc = fcntl(fd, F_SETOWN, getppid());/
