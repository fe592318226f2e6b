# file: rtt.c
# bug: rtt_measure() never checks the reply
s/if (verify_check(key, reply, len, i) == -1)/if (0)/
