/*
 * calls.c - lab 05's functions across the call boundary: one line each
 * (tests/grader/boundary_calls.h says what the kinds mean). The tests call
 * these names; the student's code runs in agent_05-compare.
 *
 * The lab's operations sit behind function pointers, which cannot cross,
 * so the lines are the small functions of compare_calls.h. Their bodies
 * (below, compiled only into the agent) are the kit's: they find the
 * student's channel_ops by name and call one operation. Whatever they
 * return is still only what a student process says: the tests decide from
 * the bytes they made and read back, and from the descriptors they hold.
 */
#include "compare_calls.h"
#include "kit_calls.h"

/* The descriptors a struct channel holds. */
#define CHANNEL_FDS(F) F(fd[0]) F(fd[1])

#define LAB_CALLS                                                                                  \
    CALL3((RET, int), compare_open, (STRING, const char *, mech),                                  \
          (OBJ, struct channel *, ch, CHANNEL_FDS), (VALUE, size_t, max_msg))                      \
    CALL3((RET, int), compare_choose, (STRING, const char *, mech),                                \
          (OBJ, struct channel *, ch, CHANNEL_FDS), (VALUE, enum channel_side, side))              \
    CALL4((RET, int), compare_send, (STRING, const char *, mech),                                  \
          (OBJ, struct channel *, ch, CHANNEL_FDS), (BYTES_IN, const void *, msg, len),            \
          (VALUE, size_t, len))                                                                    \
    CALL5((RET, int), compare_recv, (STRING, const char *, mech),                                  \
          (OBJ, struct channel *, ch, CHANNEL_FDS), (BYTES_OUT, void *, buf, cap),                 \
          (VALUE, size_t, cap), (PTR, size_t *, len))                                              \
    CALL2((RET, int), compare_close, (STRING, const char *, mech),                                 \
          (OBJ_GIVE, struct channel *, ch, CHANNEL_FDS))                                           \
    CALL6((RET, int), compare_rtt, (STRING, const char *, mech),                                   \
          (OBJ, struct channel *, out, CHANNEL_FDS), (OBJ, struct channel *, in, CHANNEL_FDS),     \
          (VALUE, size_t, size), (VALUE, size_t, count), (ARRAY, uint64_t *, samples_ns, count))   \
    CALL5((RET, int), compare_rtt_fake, (VALUE, int, mode), (VALUE, int, send_ms),                 \
          (VALUE, int, recv_ms), (VALUE, size_t, count), (ARRAY, uint64_t *, samples_ns, count))

#include "boundary_calls.h"

#ifdef BOUNDARY_AGENT
/* ======== the kit's side of each call, in the student's process ======== */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rtt.h"
#include "verify.h"

/*
 * The student's operations for mech, found here: the ops field that came
 * with the struct is never called through. NULL (ENOENT) for a name the
 * lab does not know.
 */
static const struct channel_ops *ops_of(const char *mech, struct channel *ch)
{
    const struct channel_ops *ops = mech != NULL ? channel_find(mech) : NULL;
    if (ops == NULL) {
        errno = ENOENT;
        return NULL;
    }
    ch->ops = ops;
    return ops;
}

int compare_open(const char *mech, struct channel *ch, size_t max_msg)
{
    const struct channel_ops *ops = mech != NULL ? channel_find(mech) : NULL;
    if (ops == NULL) {
        errno = ENOENT;
        return -1;
    }
    channel_init(ch, ops);
    return ops->open(ch, max_msg);
}

int compare_choose(const char *mech, struct channel *ch, enum channel_side side)
{
    const struct channel_ops *ops = ops_of(mech, ch);
    return ops == NULL ? -1 : ops->choose(ch, side);
}

int compare_send(const char *mech, struct channel *ch, const void *msg, size_t len)
{
    const struct channel_ops *ops = ops_of(mech, ch);
    return ops == NULL ? -1 : ops->send(ch, msg, len);
}

int compare_recv(const char *mech, struct channel *ch, void *buf, size_t cap, size_t *len)
{
    const struct channel_ops *ops = ops_of(mech, ch);
    return ops == NULL ? -1 : ops->recv(ch, buf, cap, len);
}

int compare_close(const char *mech, struct channel *ch)
{
    const struct channel_ops *ops = ops_of(mech, ch);
    return ops == NULL ? -1 : ops->close(ch);
}

int compare_rtt(const char *mech, struct channel *out, struct channel *in, size_t size,
                size_t count, uint64_t *samples_ns)
{
    if (ops_of(mech, out) == NULL || ops_of(mech, in) == NULL)
        return -1;
    char *msg = malloc(size), *reply = malloc(size);
    if (msg == NULL || reply == NULL) {
        free(msg);
        free(reply);
        errno = ENOMEM;
        return -1;
    }
    struct verify_key key = verify_prepare(msg, size);
    int rc = rtt_measure(out, in, msg, reply, &key, count, samples_ns);
    int saved = errno;
    free(msg);
    free(reply);
    errno = saved;
    return rc;
}

/* ---- the fake channel: send keeps the message, recv hands it back ---- */

static char fake_box[256];
static size_t fake_len;
/* 0: faithful, 1: flip a byte, 2: end of stream, 3: 8 bytes short, 4: send fails with EIO */
static int fake_mode;
static int fake_send_ms, fake_recv_ms; /* how long each operation takes */

static void fake_sleep(int ms)
{
    struct timespec t = {.tv_sec = 0, .tv_nsec = (long)ms * 1000000};
    while (ms > 0 && nanosleep(&t, &t) == -1 && errno == EINTR)
        ;
}

static int fake_send(struct channel *ch, const void *msg, size_t len)
{
    (void)ch;
    fake_sleep(fake_send_ms);
    if (fake_mode == 4) {
        errno = EIO; /* the channel failed */
        return -1;
    }
    len = len < sizeof fake_box ? len : sizeof fake_box;
    memcpy(fake_box, msg, len);
    fake_len = len;
    return 0;
}

static int fake_recv(struct channel *ch, void *buf, size_t cap, size_t *len)
{
    (void)ch;
    fake_sleep(fake_recv_ms);
    if (fake_mode == 2)
        return 0;
    memcpy(buf, fake_box, fake_len < cap ? fake_len : cap);
    if (fake_mode == 1 && fake_len > 0)
        ((char *)buf)[fake_len - 1] ^= 0x40;
    *len = fake_mode == 3 ? fake_len - 8 : fake_len; /* 3: the bytes are right, the length not */
    return 1;
}

static const struct channel_ops FAKE = {.name = "fake", .send = fake_send, .recv = fake_recv};

int compare_rtt_fake(int mode, int send_ms, int recv_ms, size_t count, uint64_t *samples_ns)
{
    struct channel ch;
    channel_init(&ch, &FAKE);
    char msg[256], reply[256];
    struct verify_key key = verify_prepare(msg, sizeof msg);
    fake_mode = mode;
    fake_send_ms = send_ms;
    fake_recv_ms = recv_ms;
    fake_len = 0;
    return rtt_measure(&ch, &ch, msg, reply, &key, count, samples_ns);
}
#endif
