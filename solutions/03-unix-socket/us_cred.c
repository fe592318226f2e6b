/*
 * us_cred.c - lab 03 reference, part 5 (see us_cred.h for the contract).
 */
#define _GNU_SOURCE /* struct ucred, for SO_PEERCRED, is Linux-only */
#include <sys/socket.h>

#include "trace.h"
#include "us_cred.h"

int us_peer_credentials(int fd, struct us_peer *peer)
{
    struct ucred cred;
    socklen_t len = sizeof cred;
    int rc = getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len);
    if (rc == -1)
        return (int)trace_call("getsockopt", rc, "fd=%d, SO_PEERCRED", fd);
    peer->pid = cred.pid;
    peer->uid = cred.uid;
    peer->gid = cred.gid;
    return (int)trace_call("getsockopt", rc, "fd=%d, SO_PEERCRED -> pid=%ld uid=%ld gid=%ld", fd,
                           (long)cred.pid, (long)cred.uid, (long)cred.gid);
}
