# file: tcp_data.c
# bug: tcp_recv_frame() checks TCP_FRAME_MAX but not cap
s/    if (len > TCP_FRAME_MAX || len > cap) {/    if (len > TCP_FRAME_MAX) {/
