/* channel.c - the list of mechanisms, and the helpers all adapters share. */
#include <string.h>

#include "channel.h"

const struct channel_ops *const CHANNEL_ALL[] = {
    &CHANNEL_SHM_LOCK, &CHANNEL_SHM_LOCKFREE, &CHANNEL_PIPE, &CHANNEL_UNIX, &CHANNEL_TCP, NULL,
};

const struct channel_ops *channel_find(const char *name)
{
    for (size_t i = 0; CHANNEL_ALL[i]; i++) {
        if (strcmp(CHANNEL_ALL[i]->name, name) == 0)
            return CHANNEL_ALL[i];
    }
    return NULL;
}

void channel_init(struct channel *ch, const struct channel_ops *ops)
{
    memset(ch, 0, sizeof *ch);
    ch->ops = ops;
    ch->fd[0] = ch->fd[1] = -1;
}
