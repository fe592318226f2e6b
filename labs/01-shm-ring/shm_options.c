/*
 * shm_options.c - the command line shm_producer and shm_demo share (see shm_options.h).
 */
#include "shm_options.h"

#include <unistd.h>
#include <stddef.h>

#include "cli.h"
#include "err.h"
#include "ring.h"
#include "shm_message.h"

int shm_options_parse(int argc, char **argv, const struct cli_spec *cli, struct shm_stream *s,
                      const char **mode)
{
    int opt;
    while ((opt = cli_next_option(cli, argc, argv)) != -1) {
        switch (opt) {
        case 'n':
            s->count = cli_parse_long(optarg, 1, 1000000000L, "count");
            break;
        case 's':
            s->size = cli_parse_size(optarg, SHM_MESSAGE_MIN, RING_MAX_CAPACITY, "size");
            break;
        case 'c':
            s->capacity = cli_parse_size(optarg, RING_MIN_CAPACITY, RING_MAX_CAPACITY, "capacity");
            break;
        case 'm':
            *mode = optarg;
            break;
        }
    }
    if ((s->capacity & (s->capacity - 1)) != 0)
        die_usage("invalid capacity %ld: it must be a power of two", s->capacity);
    /* A record is the length word and then the message: both must fit at once. */
    if (s->size > s->capacity - RING_LENGTH_SIZE)
        die_usage("size %ld does not fit a %ld-byte ring (at most %ld)", s->size, s->capacity,
                  s->capacity - RING_LENGTH_SIZE);
    return optind;
}
