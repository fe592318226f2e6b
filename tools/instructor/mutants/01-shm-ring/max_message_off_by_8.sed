# file: ring_message.c
# bug: ring_max_message() is capacity, not capacity - 8
s/return (size_t)(r->capacity - RING_LENGTH_SIZE);/return (size_t)r->capacity;/
