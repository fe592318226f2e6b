# file: ring_segment.c
# bug: ring_attach() accepts an unknown mode
s/if (!capacity_is_valid(s->capacity) || !mode_is_valid(s->mode) ||/if (!capacity_is_valid(s->capacity) ||/
