# file: us_cred.c
# bug: us_peer_credentials() leaves the pid out (0)
s/peer->pid = cred.pid;/peer->pid = 0;/
