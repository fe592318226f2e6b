/*
 * rtt.c - lab 05: the round-trip measurement loop (reference; see rtt.h).
 */
#include <errno.h>

#include "clock.h"
#include "rtt.h"

int rtt_measure(struct channel *out, struct channel *in, void *msg, void *reply,
                const struct verify_key *key, size_t count, uint64_t *samples_ns)
{
    for (size_t i = 0; i < count; i++) {
        verify_stamp(msg, key->len, i);
        /* Only the trip itself is timed: stamping and checking stay outside. */
        uint64_t start = clock_now_ns();
        if (out->ops->send(out, msg, key->len) == -1)
            return -1;
        size_t len;
        int rc = in->ops->recv(in, reply, key->len, &len);
        uint64_t end = clock_now_ns();
        if (rc == -1)
            return -1;
        if (rc == 0) {
            errno = EPIPE; /* the echo side ended the stream */
            return -1;
        }
        if (verify_check(key, reply, len, i) == -1)
            return -1;
        samples_ns[i] = end - start;
    }
    return 0;
}
