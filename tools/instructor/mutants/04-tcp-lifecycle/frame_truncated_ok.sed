# file: tcp_data.c
# bug: tcp_recv_frame() accepts a body cut short
s/    if ((size_t)got < len) {/    if ((size_t)got < len \&\& 0) {/
