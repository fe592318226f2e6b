# file: ring_segment.c
# bug: ring_destroy() never removes the name
s/    int unlinked = unlink_traced(name);/    int unlinked = 0;/
