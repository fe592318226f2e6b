# file: ring_lock.c
# bug: lock_recv() never signals the producer
/int lock_recv(/,/^}/{/wake_if_sleeping(\&s->not_full/d}
