# file: us_socket.c
# bug: us_remove_stale() removes a live server's socket
s/if (rc == 0 || connect_errno == EAGAIN || connect_errno == EPROTOTYPE) {/if (connect_errno == EAGAIN || connect_errno == EPROTOTYPE) {/
