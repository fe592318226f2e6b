# file: ring_segment.c
# bug: ring_attach() does not check the version
s/    if (s->version != RING_VERSION) {/    if (0) {/
