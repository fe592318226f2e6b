# file: ring_segment.c
# bug: check_name() lets a '/' inside the name
s/ || strchr(name + 1, .\/.) != NULL//
