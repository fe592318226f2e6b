# file: rtt.c
# bug: rtt_measure() checks the reply against the length it asked for, not the one it got
s/if (verify_check(key, reply, len, i) == -1)/if (verify_check(key, reply, key->len, i) == -1)/
