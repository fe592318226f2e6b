# file: ring_segment.c
# bug: ring_attach() keeps the descriptor open after mapping
/void \*base = map_traced(fd, size);/{n;/close_traced(fd);/d}
