/*
 * ring_message.c - lab 01, step 2: messages in the ring (see ring.h).
 *
 * A record is the message's length in RING_LENGTH_SIZE bytes, then the
 * message, padded to a multiple of 8 (RING_RECORD_SIZE). Because the
 * capacity is a power of two, "index % capacity" is "index & mask", and
 * because every record starts on an 8-byte boundary, a length never
 * straddles the end of the ring; only the message bytes may, and they are
 * copied in two pieces then. Both parts share this format; the functions
 * here check the arguments and hand the work to the part the ring uses.
 */
#include <errno.h>
#include <string.h>

#include "ring.h"
#include "ring_internal.h"

void ring_copy_in(const struct ring *r, uint64_t at, const void *src, size_t len)
{
    if (len == 0)
        return; /* src may be NULL for an empty message, and memcpy() forbids that */
    size_t pos = (size_t)(at & r->mask);
    size_t first = len < r->capacity - pos ? len : (size_t)(r->capacity - pos);
    memcpy(r->data + pos, src, first);
    memcpy(r->data, (const unsigned char *)src + first, len - first); /* the wrapped rest */
}

void ring_copy_out(const struct ring *r, uint64_t at, void *dst, size_t len)
{
    if (len == 0)
        return;
    size_t pos = (size_t)(at & r->mask);
    size_t first = len < r->capacity - pos ? len : (size_t)(r->capacity - pos);
    memcpy(dst, r->data + pos, first);
    memcpy((unsigned char *)dst + first, r->data, len - first);
}

size_t ring_max_message(const struct ring *r)
{
    return (size_t)(r->capacity - RING_LENGTH_SIZE);
}

static int send_message(struct ring *r, const void *data, size_t len, bool block)
{
    if (r->shared == NULL || !(r->role & RING_PRODUCER)) {
        errno = EBADF; /* like writing to a descriptor opened for reading */
        return -1;
    }
    if (len > ring_max_message(r)) {
        errno = EMSGSIZE; /* it could never fit, however long we waited */
        return -1;
    }
    if (r->mode == RING_LOCK)
        return lock_send(r, data, len, block);
    return lockfree_send(r, data, len, block);
}

int ring_send(struct ring *r, const void *data, size_t len)
{
    return send_message(r, data, len, true);
}

int ring_try_send(struct ring *r, const void *data, size_t len)
{
    return send_message(r, data, len, false);
}

static int receive_message(struct ring *r, void *buf, size_t cap, size_t *len, bool block)
{
    if (r->shared == NULL || !(r->role & RING_CONSUMER)) {
        errno = EBADF;
        return -1;
    }
    if (r->mode == RING_LOCK)
        return lock_recv(r, buf, cap, len, block);
    return lockfree_recv(r, buf, cap, len, block);
}

int ring_recv(struct ring *r, void *buf, size_t cap, size_t *len)
{
    return receive_message(r, buf, cap, len, true);
}

int ring_try_recv(struct ring *r, void *buf, size_t cap, size_t *len)
{
    return receive_message(r, buf, cap, len, false);
}

int ring_send_eof(struct ring *r)
{
    if (r->shared == NULL || !(r->role & RING_PRODUCER)) {
        errno = EBADF;
        return -1;
    }
    if (r->mode == RING_LOCK)
        return lock_send_eof(r);
    return lockfree_send_eof(r);
}
