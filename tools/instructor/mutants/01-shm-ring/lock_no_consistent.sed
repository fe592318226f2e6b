# file: ring_lock.c
# bug: lock_ring() does not make the lock consistent after EOWNERDEAD
s/    return pthread_mutex_consistent(\&r->shared->lock);/    (void)r;\n    return 0;/
