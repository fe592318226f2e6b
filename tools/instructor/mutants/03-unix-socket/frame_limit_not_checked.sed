# file: us_frame.c
# bug: us_recv_frame() checks cap but not US_MAX_MESSAGE
s/if (announced > US_MAX_MESSAGE || announced > cap) {/if (announced > cap) {/
