# file: ring_message.c
# bug: ring_send() on a consumer's handle is not refused
/static int send_message/,/^}/{s/if (r->shared == NULL || !(r->role \& RING_PRODUCER)) {/if (r->shared == NULL) {/}
