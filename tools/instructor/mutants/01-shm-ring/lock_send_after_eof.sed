# file: ring_lock.c
# bug: lock_send() accepts messages after end of stream
/int lock_send(/,/^}/{s/        if (atomic_load_explicit(\&s->eof, memory_order_relaxed)) {/        if (0) {/}
