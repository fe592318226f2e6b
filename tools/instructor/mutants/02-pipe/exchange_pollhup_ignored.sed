# file: pipe_lab.c
# bug: pipe_coprocess_exchange() reads only on POLLIN, and spins on POLLHUP when the child dies
s/fds\[0\].revents \& (POLLIN | POLLHUP)/fds[0].revents \& POLLIN/
