# file: ring_lock.c
# bug: lock_recv() waits forever at end of stream
/int lock_recv(/,/^}/{s/        if (atomic_load_explicit(\&s->eof, memory_order_relaxed)) {/        if (0) {/}
