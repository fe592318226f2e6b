# file: ring_lockfree.c
# bug: lockfree_recv() never wakes a sleeping producer
/int lockfree_recv/,/^}/{/wake_if_sleeping(\&s->producer_sleeping/d}
