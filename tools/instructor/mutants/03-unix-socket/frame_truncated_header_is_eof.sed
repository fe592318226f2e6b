# file: us_frame.c
# bug: us_recv_frame() treats a truncated header as a clean close
s/    if (got < US_HEADER_SIZE) {/    if (got < US_HEADER_SIZE \&\& 0) {/
