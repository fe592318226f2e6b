# file: ring_lockfree.c
# bug: lockfree_recv() returns 0 at end of stream without a last look at head
/eof is stored after the last head/{n;n;s/if (!message_waiting(r, memory_order_acquire))/if (1)/}
