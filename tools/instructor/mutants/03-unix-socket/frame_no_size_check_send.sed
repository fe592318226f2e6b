# file: us_frame.c
# bug: us_send_frame() sends frames over US_MAX_MESSAGE
s/if (len > US_MAX_MESSAGE) {/if (len > US_MAX_MESSAGE \&\& 0) {/
