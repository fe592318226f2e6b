# file: tcp_data.c
# bug: tcp_recv_frame() accepts a zero-length frame
s/^    if (len == 0) {$/    if (len == 0 \&\& 0) {/
