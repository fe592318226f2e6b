# file: rtt.c
# bug: rtt_measure() stamps every message with 0
s/verify_stamp(msg, key->len, i);/verify_stamp(msg, key->len, 0);/
