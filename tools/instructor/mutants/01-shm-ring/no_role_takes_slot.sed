# file: ring_segment.c
# bug: ring_attach() with RING_NO_ROLE claims the producer slot
s/    if ((role \& RING_PRODUCER) \&\& claim_slot(\&s->producer_pid, pid) == -1)/    if ((role == RING_NO_ROLE || (role \& RING_PRODUCER)) \&\& claim_slot(\&s->producer_pid, pid) == -1)/
