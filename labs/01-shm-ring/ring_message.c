/*
 * ring_message.c - lab 01, step 2: YOUR messages in the ring.
 *
 * A record is the message's length in RING_LENGTH_SIZE bytes, then the
 * message, padded to 8 bytes: RING_RECORD_SIZE(len) bytes in all. head and
 * tail count bytes forever; a byte with index i lives at data[i & mask].
 *
 * Every function below is a TODO(lab01); see ring.h for the contracts.
 */
#include <errno.h>
#include <string.h>

#include "ring.h"
#include "ring_internal.h"

void ring_copy_in(const struct ring *r, uint64_t at, const void *src, size_t len)
{
    /* TODO(lab01): copy len bytes to r->data starting at (at & r->mask);
     * the part that does not fit before the end goes to the start. Return
     * at once when len is 0 (src may be NULL then). */
    (void)r;
    (void)at;
    (void)src;
    (void)len;
}

void ring_copy_out(const struct ring *r, uint64_t at, void *dst, size_t len)
{
    /* TODO(lab01): the mirror image of ring_copy_in(). */
    (void)r;
    (void)at;
    (void)dst;
    (void)len;
}

size_t ring_max_message(const struct ring *r)
{
    /* TODO(lab01): one record that fills the whole ring. */
    (void)r;
    return 0;
}

int ring_send(struct ring *r, const void *data, size_t len)
{
    /* TODO(lab01): EBADF unless the handle is a producer; EMSGSIZE when len
     * exceeds ring_max_message(); then lock_send() or lockfree_send()
     * according to r->mode, with block = true. */
    (void)r;
    (void)data;
    (void)len;
    errno = ENOSYS;
    return -1;
}

int ring_try_send(struct ring *r, const void *data, size_t len)
{
    /* TODO(lab01): as ring_send(), with block = false. */
    (void)r;
    (void)data;
    (void)len;
    errno = ENOSYS;
    return -1;
}

int ring_recv(struct ring *r, void *buf, size_t cap, size_t *len)
{
    /* TODO(lab01): EBADF unless the handle is a consumer; then lock_recv()
     * or lockfree_recv(), with block = true. */
    (void)r;
    (void)buf;
    (void)cap;
    (void)len;
    errno = ENOSYS;
    return -1;
}

int ring_try_recv(struct ring *r, void *buf, size_t cap, size_t *len)
{
    /* TODO(lab01): as ring_recv(), with block = false. */
    (void)r;
    (void)buf;
    (void)cap;
    (void)len;
    errno = ENOSYS;
    return -1;
}

int ring_send_eof(struct ring *r)
{
    /* TODO(lab01): EBADF unless a producer; then lock_send_eof() or
     * lockfree_send_eof(). */
    (void)r;
    errno = ENOSYS;
    return -1;
}
