# file: ring_lockfree.c
# base: tools/instructor/alternatives/01-shm-ring/ring_lockfree.c
# bug: in the fence design, the handshake's fences are acq_rel, not seq_cst (they order no store before a load)
s/handshake_fence(memory_order_seq_cst)/handshake_fence(memory_order_acq_rel)/g
