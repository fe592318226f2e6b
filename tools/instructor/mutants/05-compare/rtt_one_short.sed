# file: rtt.c
# bug: rtt_measure() does count - 1 round trips
s/for (size_t i = 0; i < count; i++) {/for (size_t i = 1; i < count; i++) {/
