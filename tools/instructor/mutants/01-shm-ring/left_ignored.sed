# file: ring_peer.c
# bug: a waiting side does not treat RING_PID_LEFT as gone
s/bool gone = pid == RING_PID_LEFT || (ask_kernel/bool gone = (ask_kernel/
