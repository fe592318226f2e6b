# file: ring_segment.c
# bug: ring_create() makes the object readable by everyone (0666)
s/int fd = shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600);/int fd = shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0666);/
