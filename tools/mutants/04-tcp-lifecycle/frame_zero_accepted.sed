# file: tcp_data.c
# bug: tcp_recv_frame() accepts a zero-length frame
s/if (len == 0 || len > TCP_FRAME_MAX || len > cap) {/if (len > TCP_FRAME_MAX || len > cap) {/
