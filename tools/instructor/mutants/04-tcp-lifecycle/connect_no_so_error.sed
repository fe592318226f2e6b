# file: tcp_setup.c
# bug: tcp_connect() never reads SO_ERROR (a refused connect looks connected)
s/    if (err != 0) {/    if (err != 0 \&\& 0) {/
