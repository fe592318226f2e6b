# file: ring_segment.c
# bug: take_role() stores the pid without compare-and-swap (two producers)
s/    if (atomic_compare_exchange_strong(slot, \&expected, pid))/    (void)expected;\n    atomic_store(slot, pid);\n    if (1)/
