# file: ring_lockfree.c
# bug: lockfree_send() never wakes a sleeping consumer (it waits for the liveness timeout)
/^int lockfree_send(/,/^}/{/wake_if_sleeping(\&s->consumer_sleeping/d}
