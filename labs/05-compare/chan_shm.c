/*
 * chan_shm.c - channels over lab 01's shared-memory ring, both parts.
 *
 * open() creates the ring (in the process that forks, with no role) under a
 * unique name; after fork() each side attaches to it by name as producer or
 * consumer. The ring keeps message boundaries, so there is no framing: a
 * message is copied straight into the ring and straight out of it. The
 * process that created the ring removes the name when it closes.
 */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "channel.h"
#include "names.h"

/* The ring holds at least four of the largest messages, so a sender can run
 * ahead of its receiver; 4 MiB for every size, as the handout states. */
enum { SHM_RING_CAPACITY = 4 * 1024 * 1024 };

static size_t ring_capacity_for(size_t max_msg)
{
    size_t capacity = SHM_RING_CAPACITY;
    while (capacity < 4 * (max_msg + RING_LENGTH_SIZE))
        capacity *= 2;
    return capacity;
}

static int shm_open_ring(struct channel *ch, size_t max_msg, enum ring_mode mode)
{
    ch->max_msg = max_msg;
    if (names_shm(ch->name, sizeof ch->name, "bench") == -1)
        return -1;
    if (ring_create(&ch->owner, ch->name, ring_capacity_for(max_msg), mode, RING_NO_ROLE) == -1)
        return -1;
    ch->has_owner = true;
    ch->creator = getpid();
    return 0;
}

static int shm_open_lock(struct channel *ch, size_t max_msg)
{
    return shm_open_ring(ch, max_msg, RING_LOCK);
}

static int shm_open_lockfree(struct channel *ch, size_t max_msg)
{
    return shm_open_ring(ch, max_msg, RING_LOCKFREE);
}

static int shm_choose(struct channel *ch, enum channel_side side)
{
    ch->side = side;
    enum ring_role role = side == CHANNEL_SENDER ? RING_PRODUCER : RING_CONSUMER;
    if (ring_attach(&ch->end, ch->name, role) == -1)
        return -1;
    ch->has_end = true;
    return 0;
}

static int shm_send(struct channel *ch, const void *msg, size_t len)
{
    return ring_send(&ch->end, msg, len);
}

static int shm_recv(struct channel *ch, void *buf, size_t cap, size_t *len)
{
    return ring_recv(&ch->end, buf, cap, len);
}

/*
 * The sender marks the end of the stream; each side leaves the ring; the
 * creating process removes its name. A forked child only unmaps the
 * creator's mapping it inherited.
 */
static int shm_close(struct channel *ch)
{
    bool remove_name = ch->creator == getpid();
    int rc = 0;
    if (ch->has_end) {
        if (ch->side == CHANNEL_SENDER && ring_send_eof(&ch->end) == -1)
            rc = -1;
        if (ring_detach(&ch->end) == -1)
            rc = -1;
        ch->has_end = false;
    }
    if (ch->has_owner) {
        if ((remove_name ? ring_destroy(&ch->owner) : ring_detach(&ch->owner)) == -1)
            rc = -1;
        ch->has_owner = false;
    }
    return rc;
}

const struct channel_ops CHANNEL_SHM_LOCK = {
    .name = "shm-lock",
    .label = "shared memory ring, lock-based (lab 01 A)",
    .open = shm_open_lock,
    .choose = shm_choose,
    .send = shm_send,
    .recv = shm_recv,
    .close = shm_close,
};

const struct channel_ops CHANNEL_SHM_LOCKFREE = {
    .name = "shm-lockfree",
    .label = "shared memory ring, lock-free (lab 01 B)",
    .open = shm_open_lockfree,
    .choose = shm_choose,
    .send = shm_send,
    .recv = shm_recv,
    .close = shm_close,
};
