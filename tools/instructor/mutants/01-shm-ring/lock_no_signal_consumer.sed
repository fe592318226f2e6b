# file: ring_lock.c
# bug: lock_send() never signals the consumer
/int lock_send(/,/^}/{/wake_if_sleeping(\&s->not_empty/d}
