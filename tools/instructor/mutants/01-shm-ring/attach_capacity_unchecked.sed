# file: ring_segment.c
# bug: ring_attach() trusts a header capacity that disagrees with the size
s/s->segment_size != RING_HEADER_SIZE + s->capacity || //
