# file: ring_segment.c
# bug: ring_attach() trusts a header segment_size that disagrees with the object
s/ || s->segment_size != object_size//
