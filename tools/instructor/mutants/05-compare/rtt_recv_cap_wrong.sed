# file: rtt.c
# bug: rtt_measure() gives recv a room of 8 bytes
s/in->ops->recv(in, reply, key->len, \&len)/in->ops->recv(in, reply, 8, \&len)/
