# file: ring_message.c
# bug: ring_copy_out() does not wrap
/void ring_copy_out/,/^}/{/memcpy((unsigned char \*)dst + first, r->data, len - first);/d}
