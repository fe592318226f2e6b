# file: ring_peer.c
# bug: ring_process_gone() takes a zombie for a live process
s/    return paren\[2\] == .Z. || paren\[2\] == .X.;/    return paren[2] == 'X';/
