/*
 * shm_options.h - the command line shm_producer and shm_demo share: how
 * many messages, how big, through how big a ring, and in which mode.
 *
 * For a program's main() only: like cli.h, -h prints the help and exits 0,
 * and a bad option or value ends the program with a usage message and exit
 * status 2. Each program lists SHM_STREAM_OPTIONS in its own cli_spec, with
 * help in its own words (its own defaults), then reads the mode's text itself
 * (shm_demo also takes "both") and its operands.
 *
 * Given, the same for every student; not part of the ring.
 */
#ifndef IPC_KIT_SHM_OPTIONS_H
#define IPC_KIT_SHM_OPTIONS_H

#include "cli.h"

/* COUNT messages of SIZE bytes each, through a ring of CAPACITY bytes. */
struct shm_stream {
    long count;    /* -n, --count */
    long size;     /* -s, --size: at least SHM_MESSAGE_MIN */
    long capacity; /* -c, --capacity: a power of two */
};

/*
 * The four options shm_options_parse() reads, for a cli_spec's .options;
 * each argument is the help of one (cli.h), such as "messages to send
 * (default 100000)". A macro, because each program's table is a constant;
 * one option a line, as in a table (so clang-format is kept off it).
 */
/* clang-format off */
#define SHM_STREAM_OPTIONS(count_help, size_help, capacity_help, mode_help) \
    {'n', "count", "N", count_help},                                     \
    {'s', "size", "SIZE", size_help},                                    \
    {'c', "capacity", "C", capacity_help},                               \
    {'m', "mode", "MODE", mode_help}
/* clang-format on */

/*
 * Parses the options of argv that cli lists, SHM_STREAM_OPTIONS among them:
 * -n, -s and -c into *s, whose values on entry are the defaults, and -m's
 * text into *mode (left as is without -m).
 * Exits 2 unless s->capacity is a power of two with room for one message of
 * s->size bytes. Returns the index in argv of the first operand (argc when
 * there is none).
 */
int shm_options_parse(int argc, char **argv, const struct cli_spec *cli, struct shm_stream *s,
                      const char **mode);

#endif
