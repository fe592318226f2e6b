/*
 * tcp_teardown.c - lab 04: YOUR implementation of steps 9 to 13: graceful
 * termination, the remote side's termination, abort, errors, release (see
 * tcp_lab.h for each contract).
 *
 * Every function below is a TODO(lab04) that fails with ENOSYS until you
 * fill it in. Trace each call with its state note (see tcp_setup.c): the
 * trace is how TIME_WAIT becomes visible.
 */
#include <errno.h>

#include "err.h"
#include "tcp_lab.h"
#include "tcp_state.h"
#include "trace.h"

/* ---- 9. graceful termination -------------------------------------------------- */

int tcp_shutdown_write(int fd)
{
    /* TODO(lab04) step 9: shutdown(fd, SHUT_WR), traced as "shutdown" with
     * "fd=%d, SHUT_WR [step 9]". Not close(): fd stays open for reading. */
    (void)fd;
    errno = ENOSYS;
    return -1;
}

/* ---- 10. termination by the remote side ---------------------------------------- */

ssize_t tcp_wait_peer_close(int fd, int timeout_ms)
{
    /* TODO(lab04) step 10: loop: poll() for POLLIN with the time left (0
     * ready: ETIMEDOUT); recv() into a scratch buffer; 0 is the peer's FIN:
     * return the number of bytes discarded; -1 (but EINTR) is the error,
     * e.g. ECONNRESET. */
    (void)fd;
    (void)timeout_ms;
    errno = ENOSYS;
    return -1;
}

/* ---- 11. abort ------------------------------------------------------------------- */

int tcp_abort(int fd)
{
    /* TODO(lab04) step 11: struct linger {1, 0}; setsockopt(fd, SOL_SOCKET,
     * SO_LINGER, ...); then close(fd) whatever setsockopt said. Trace both
     * with "[step 11]". No shutdown() here. */
    (void)fd;
    errno = ENOSYS;
    return -1;
}

/* ---- 12. errors ------------------------------------------------------------------- */

int tcp_describe_error(char *buf, size_t size, const char *what, int err)
{
    /* TODO(lab04) step 12: EINVAL for a NULL buf or what, or size 0. Then
     * snprintf "what: ENAME (text)\n  hint: ..." with errno_name(err) and
     * strerror(err) and your own hint for EADDRINUSE (name port 0 and
     * SO_REUSEADDR), ECONNREFUSED, ETIMEDOUT, EINVAL, ECONNRESET, EPIPE and
     * EAFNOSUPPORT; errno_hint(err) for the others, no hint line if NULL.
     * Return what snprintf() returned. */
    (void)buf;
    (void)size;
    (void)what;
    (void)err;
    errno = ENOSYS;
    return -1;
}

/* ---- 13. release --------------------------------------------------------------- */

int tcp_close(int fd)
{
    /* TODO(lab04) step 13: close(fd) once, traced with "[step 13]". Never
     * retry it, not even after EINTR. */
    (void)fd;
    errno = ENOSYS;
    return -1;
}

int tcp_close_gracefully(int fd, int timeout_ms)
{
    /* TODO(lab04) steps 9, 10, 13: tcp_shutdown_write(fd); if that worked,
     * tcp_wait_peer_close(fd, timeout_ms); then tcp_close(fd) in every case.
     * Return 0, or -1 with the errno of the first step that failed. */
    (void)fd;
    (void)timeout_ms;
    errno = ENOSYS;
    return -1;
}
