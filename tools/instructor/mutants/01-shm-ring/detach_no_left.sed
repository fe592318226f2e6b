# file: ring_segment.c
# bug: ring_detach() does not mark its slot as left
/int ring_detach/,/^}/{s/atomic_store(\&s->producer_pid, RING_PID_LEFT);/(void)0;/;s/atomic_store(\&s->consumer_pid, RING_PID_LEFT);/(void)0;/}
