# file: tcp_poll_server.c
# bug: tcp_poll_serve() keeps closed clients in its set
s/                tcp_close(fds\[i\].fd);\n//;/            if (alive) {/{s/if (alive) {/if (alive || 1) {/}
