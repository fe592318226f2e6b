/*
 * shm_options.c - the command line shm_producer and shm_demo share (see shm_options.h).
 */
#include "shm_options.h"

#include <getopt.h>
#include <stddef.h>

#include "cli.h"
#include "err.h"
#include "ring.h"
#include "shm_message.h"

static const struct option LONG_OPTIONS[] = {
    {"count", required_argument, NULL, 'n'},    {"size", required_argument, NULL, 's'},
    {"capacity", required_argument, NULL, 'c'}, {"mode", required_argument, NULL, 'm'},
    {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0},
};

int shm_options_parse(int argc, char **argv, const char *usage, struct shm_stream *s,
                      const char **mode)
{
    int opt;
    opterr = 0; /* cli_bad_option() says what was wrong */
    while ((opt = getopt_long(argc, argv, ":hn:s:c:m:", LONG_OPTIONS, NULL)) != -1) {
        switch (opt) {
        case 'h':
            cli_help(usage);
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
        default:
            cli_bad_option(opt, argv);
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
