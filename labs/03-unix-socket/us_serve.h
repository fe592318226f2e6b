/*
 * us_serve.h - lab 03, part 2 (continued): the server's loop and its service.
 *
 * The service answers every message with the same bytes in upper case, one
 * frame for one frame. The loop accepts a connection and hands it to a
 * child process of its own (fork), which learns who is calling (part 5,
 * us_cred.h), serves it to the end and exits; the loop meanwhile closes its
 * copy and accepts the next. So a client that is idle, slow or never reads
 * holds up only its own child, never the clients after it.
 *
 * One client must never be able to stop the server. Whatever goes wrong
 * with a connection (an oversized or truncated frame, a client that dies
 * mid-frame or leaves before its answer, one that stalls past the timeout)
 * is logged with the errno's symbolic name and ends that connection only.
 *
 * This header is the same, byte for byte, in labs/ and solutions/.
 */
#ifndef IPC_KIT_US_SERVE_H
#define IPC_KIT_US_SERVE_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

struct us_serve_options {
    bool same_uid;     /* let in only clients whose uid is allowed_uid (--same-uid) */
    uid_t allowed_uid; /* the uid same_uid lets in; a server passes its own, geteuid() */
    FILE *log;         /* one line per client event, flushed at once; NULL: no log */
    int timeout_ms;    /* drop a client that takes longer than this for one frame and its
                          answer (idle, slow, or not reading); 0: no limit */
};

/* The most clients served at once; the next waits until one has ended. */
#define US_MAX_CLIENTS 1000

/*
 * The service, on one connection: receives frames (us_recv_frame() with a
 * US_MAX_MESSAGE buffer) and answers each with a frame of the same length
 * holding the bytes upper-cased (toupper). Returns the number of messages
 * answered once the client closes cleanly between frames, or -1 with errno
 * set (EMSGSIZE, EPROTO, EPIPE, ...; see us_frame.h). Never closes conn.
 */
long us_serve_client(int conn);

/*
 * Accepts connections on listen_fd, max_clients of them (forever when
 * max_clients <= 0), and serves each in a child process (fork()), at most
 * US_MAX_CLIENTS at once. The child:
 *   - reads the client's credentials (us_peer_credentials()) and logs
 *     "client N: pid=P uid=U gid=G";
 *   - with opts->same_uid, refuses a client whose uid is not
 *     opts->allowed_uid (or whose credentials cannot be read): logs
 *     "client N: refused: ..." and closes the connection without answering;
 *   - otherwise runs us_serve_client(), each frame and its answer within
 *     opts->timeout_ms when that is > 0 (a client past it is logged as
 *     "client N: dropped: ... stalled" and its child ends); a failure is
 *     logged with the errno's symbolic name (e.g. "EMSGSIZE") and ends that
 *     connection only;
 *   - exits, which closes the connection.
 * The parent closes its copy of every accepted descriptor at once, so
 * serving many clients does not grow its descriptor table, collects the
 * children that have ended, and before returning waits for them all.
 * accept() is retried after EINTR and ECONNABORTED. opts may be NULL (no
 * uid check, no log, no timeout). Returns the number of connections
 * accepted, or -1 with errno set when accept() or fork() fails. Never
 * closes listen_fd.
 */
long us_serve(int listen_fd, long max_clients, const struct us_serve_options *opts);

#endif
