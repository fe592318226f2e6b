# file: pipe_lab.c
# bug: pipe_coprocess_exchange() fails when poll() is interrupted (EINTR)
/if (poll(fds, 2, -1) == -1) {/{n;N;d}
