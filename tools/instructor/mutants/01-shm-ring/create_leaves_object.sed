# file: ring_segment.c
# bug: ring_create() leaves the object behind when a later step fails
/    if (base == MAP_FAILED) {/,/^    }/{/unlink_traced(name);/d}
