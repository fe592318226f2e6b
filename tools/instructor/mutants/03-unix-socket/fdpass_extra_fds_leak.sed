# file: us_fdpass.c
# bug: us_recv_fd() leaks the extra descriptors it refuses
/for (size_t i = 0; i < count; i++)/{N;d}
