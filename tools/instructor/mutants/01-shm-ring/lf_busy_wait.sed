# file: ring_lockfree.c
# bug: the lock-free wait spins forever instead of sleeping
s/    return sleep_until(r, me, ready, need);/    for (;;) {\n        if (ready(r, need, memory_order_acquire))\n            return 0;\n        if (ring_may_keep_waiting(r, me, true) == -1)\n            return -1;\n    }\n    return sleep_until(r, me, ready, need);/
