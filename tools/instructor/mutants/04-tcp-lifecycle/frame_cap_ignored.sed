# file: tcp_data.c
# bug: tcp_recv_frame() checks TCP_FRAME_MAX but not cap
s/    if (len > TCP_FRAME_MAX || len > cap) {/    (void)cap;\n    if (len > TCP_FRAME_MAX) {/
