/*
 * us_serve.h - lab 03, part 2 (continued): the server's loop and its service.
 *
 * The service answers every message with the same bytes in upper case, one
 * frame for one frame. The loop serves clients one after another: it
 * accepts a connection, learns who is calling (part 5, us_cred.h), serves
 * it to the end, closes it, and accepts the next.
 *
 * One client must never be able to stop the server. Whatever goes wrong
 * with a connection (an oversized or truncated frame, a client that dies
 * mid-frame or leaves before its answer) is logged with the errno's
 * symbolic name, closes that connection only, and the loop goes on.
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
};

/*
 * The service, on one connection: receives frames (us_recv_frame() with a
 * US_MAX_MESSAGE buffer) and answers each with a frame of the same length
 * holding the bytes upper-cased (toupper). Returns the number of messages
 * answered once the client closes cleanly between frames, or -1 with errno
 * set (EMSGSIZE, EPROTO, EPIPE, ...; see us_frame.h). Never closes conn.
 */
long us_serve_client(int conn);

/*
 * Accepts connections on listen_fd one after another, max_clients of them
 * (forever when max_clients <= 0). For each one:
 *   - reads its credentials (us_peer_credentials()) and logs
 *     "client N: pid=P uid=U gid=G";
 *   - with opts->same_uid, refuses a client whose uid is not
 *     opts->allowed_uid (or whose credentials cannot be read): logs
 *     "client N: refused: ..." and closes the connection without answering;
 *   - otherwise runs us_serve_client(); a failure is logged with the errno's
 *     symbolic name (e.g. "EMSGSIZE") and ends that connection only;
 *   - always closes the accepted descriptor, so serving many clients does
 *     not grow the descriptor table.
 * accept() is retried after EINTR and ECONNABORTED. opts may be NULL (no
 * uid check, no log). Returns the number of connections accepted, or -1
 * with errno set when accept() fails otherwise. Never closes listen_fd.
 */
long us_serve(int listen_fd, long max_clients, const struct us_serve_options *opts);

#endif
