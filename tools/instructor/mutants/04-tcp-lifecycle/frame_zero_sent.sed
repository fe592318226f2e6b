# file: tcp_data.c
# bug: tcp_send_frame() sends a zero-length frame
s/if (len == 0 || len > TCP_FRAME_MAX) {/if (len > TCP_FRAME_MAX) {/
