/*
 * us_cred.h - lab 03, part 5: who is on the other end?
 *
 * Over a UNIX domain socket the kernel knows the peer for certain and will
 * say: getsockopt(SO_PEERCRED) gives the pid, uid and gid the peer had
 * when it called connect() (or listen(), or socketpair()). The peer cannot
 * lie about them, unlike anything it could write in a message, so a server
 * can decide whom to serve (us_serve.h, --same-uid). TCP has nothing like it.
 *
 * SO_PEERCRED is Linux-specific; only us_cred.c needs _GNU_SOURCE for it.
 *
 * This header is the same, byte for byte, in labs/ and solutions/.
 */
#ifndef IPC_KIT_US_CRED_H
#define IPC_KIT_US_CRED_H

#include <sys/types.h>

struct us_peer {
    pid_t pid;
    uid_t uid;
    gid_t gid;
};

/*
 * Reads the credentials of the process at the other end of the connected
 * AF_UNIX socket fd into *peer. Returns 0, or -1 with errno set.
 */
int us_peer_credentials(int fd, struct us_peer *peer);

#endif
