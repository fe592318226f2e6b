# file: us_frame.c
# bug: us_recv_frame() checks the limit but not the caller's cap
s/if (announced > US_MAX_MESSAGE || announced > cap) {/if (announced > US_MAX_MESSAGE) {/
