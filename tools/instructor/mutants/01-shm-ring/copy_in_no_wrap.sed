# file: ring_message.c
# bug: ring_copy_in() does not wrap: the end of a record is lost
/void ring_copy_in/,/^}/{/memcpy(r->data, (const unsigned char \*)src + first, len - first);/d}
