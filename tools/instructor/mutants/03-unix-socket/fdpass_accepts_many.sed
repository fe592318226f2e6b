# file: us_fdpass.c
# bug: us_recv_fd() returns the first of several descriptors
s/if (n == 1 \&\& count == 1 \&\& !(msg.msg_flags \& MSG_CTRUNC)) {/if (n == 1 \&\& count >= 1) {/
