# file: ring_lockfree.c
# bug: lockfree_send_eof() does not wake a sleeping consumer
/int lockfree_send_eof/,/^}/{/wake_if_sleeping/,/);/d}
