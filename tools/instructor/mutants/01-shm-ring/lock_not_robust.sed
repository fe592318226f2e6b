# file: ring_lock.c
# bug: the mutex is not robust: a dead owner blocks the ring
/err = pthread_mutexattr_setrobust(\&mutex_attr, PTHREAD_MUTEX_ROBUST);/d;/if (err == 0)$/{N;/setrobust/d}
