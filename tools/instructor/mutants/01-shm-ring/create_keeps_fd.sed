# file: ring_segment.c
# bug: ring_create() keeps the descriptor open after mapping (a leak, not an attach's)
s|    close_traced(fd); /\* the mapping keeps the object; the descriptor is not needed \*/|    (void)0; /* fd kept */|
