# file: ring_lock.c
# bug: the lock-based wait never checks the peer
/int lock_send(/,/^}/{s/        if (ring_may_keep_waiting(r, RING_PRODUCER, timed_out) == -1)/        if (0)/}
