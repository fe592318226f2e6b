/*
 * us_fdpass.h - lab 03, part 6: passing an open file descriptor.
 *
 * A descriptor number means nothing in another process. But sendmsg() can
 * carry, next to ordinary bytes, ancillary data of type SCM_RIGHTS: a list of
 * descriptors. The kernel then installs, in the receiver, new descriptors
 * for the same open files, as dup() would across processes. The receiver
 * can read a file it could never have opened itself, at the same offset.
 *
 * A stream socket carries ancillary data only along with at least one byte
 * of ordinary data, so each descriptor travels with one byte.
 *
 * This header is the same, byte for byte, in labs/ and solutions/.
 */
#ifndef IPC_KIT_US_FDPASS_H
#define IPC_KIT_US_FDPASS_H

/*
 * Sends one byte and, as SCM_RIGHTS ancillary data, the descriptor fd on
 * the AF_UNIX socket sock. The caller still owns fd and may close it at
 * once: the message holds its own reference. Returns 0, or -1 with errno.
 */
int us_send_fd(int sock, int fd);

/*
 * Receives one byte and the descriptor sent with it (close-on-exec). Returns
 * the new descriptor (the caller closes it), or -1 with errno set: EPROTO
 * when the peer closed or its message carried no descriptor, or more
 * descriptors than one (any that arrived are closed again, never leaked).
 */
int us_recv_fd(int sock);

/*
 * The server's side: opens path read-only, sends the descriptor with
 * us_send_fd(), and closes its own copy. Returns 0, or -1 with errno set.
 */
int us_send_file(int sock, const char *path);

#endif
