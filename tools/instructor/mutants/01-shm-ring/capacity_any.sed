# file: ring_segment.c
# bug: ring_create() accepts a capacity that is not a power of two
s/bool power_of_two = capacity != 0 \&\& (capacity \& (capacity - 1)) == 0;/bool power_of_two = capacity != 0;/
