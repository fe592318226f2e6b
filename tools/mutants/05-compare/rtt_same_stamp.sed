# file: rtt.c
# bug: rtt_measure() stamps every message with 0
s/verify_stamp(msg, i);/verify_stamp(msg, 0);/
