# file: tcp_poll_server.c
# bug: tcp_poll_serve() watches only POLLIN (POLLHUP-only clients linger)
s/if (fds\[i\].revents \& (POLLIN | POLLHUP | POLLERR))/if (fds[i].revents \& POLLIN)/
