# file: ring_lockfree.c
# bug: room_for() needs one byte more than the record
s/return r->capacity - (p->index - p->peer_cached) >= need;/return r->capacity - (p->index - p->peer_cached) > need;/
