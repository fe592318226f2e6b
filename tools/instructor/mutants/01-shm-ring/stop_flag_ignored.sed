# file: ring_peer.c
# bug: a wait ignores the stop flag
/int ring_may_keep_waiting/,/^}/{s/    if (r->stop != NULL \&\& \*r->stop) {/    if (0) {/}
