# file: ring_segment.c
# bug: ring_attach() reports a ring still being made as EPROTO
s/    if (magic == 0) {/    if (0) {/
