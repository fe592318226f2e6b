# file: us_frame.c
# bug: us_recv_frame() accepts a truncated payload
s/    if ((size_t)got < announced) {/    if ((size_t)got < announced \&\& 0) {/
