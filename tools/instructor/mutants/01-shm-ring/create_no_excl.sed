# file: ring_segment.c
# bug: ring_create() opens without O_EXCL (takes over a taken name)
s/int fd = shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600);/int fd = shm_open(name, O_CREAT | O_RDWR, 0600);/
