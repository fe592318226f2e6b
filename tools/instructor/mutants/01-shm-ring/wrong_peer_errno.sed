# file: ring_peer.c
# bug: a producer whose consumer left gets ECONNRESET instead of EPIPE
s/    errno = producer ? EPIPE : ECONNRESET;/    errno = ECONNRESET;/
