/*
 * cli.h - small helpers for command lines, so every program behaves alike.
 *
 * Conventions: -h/--help prints usage to stdout and exits 0; any bad argument
 * prints what was wrong plus "Try 'prog -h'" and exits 2 (see err.h).
 */
#ifndef IPC_KIT_CLI_H
#define IPC_KIT_CLI_H

/* Parses a whole decimal integer in [min, max], or dies with a usage error
 * naming `what` ("port", "count", ...) and the accepted range. */
long cli_parse_long(const char *text, long min, long max, const char *what);

/* Parses a size such as 64, 4K, 1M (powers of 1024) in [min, max], or dies. */
long cli_parse_size(const char *text, long min, long max, const char *what);

/* Checks a shared-memory name as shm_open() wants it: "/" and 1 to 254
 * more characters, none of them "/". Dies with a usage error otherwise. */
void cli_check_shm_name(const char *name);

/*
 * One option of a program, written once: cli_next_option() makes the
 * getopt_long() tables out of it, and the help prints its line.
 *
 * key:  the short letter ('s'; not 'h', which is --help's); or
 *       CLI_LONG_ONLY + n for an option with a long name only; or 0 for an
 *       operand (HOST, NAME), which the help lists under arg's name and
 *       getopt never sees.
 * name: the long name ("socket" for --socket), or NULL for a short one only.
 * arg:  the name of the option's value ("PATH"), or NULL for a flag.
 * help: what it does; a '\n' starts a second line, set in the same column.
 */
struct cli_option {
    int key;
    const char *name;
    const char *arg;
    const char *help;
};

/* Above any char, so a long-only key is never taken for a short letter. */
enum { CLI_LONG_ONLY = 256 };

/* The most options a program may have: the compiler rejects a table with more. */
enum { CLI_MAX_OPTIONS = 16 };

/*
 * A program's command line and its help, as each program declares it:
 *
 *     static const struct cli_spec CLI = {
 *         .usage = "usage: us_client [-s PATH] MESSAGE...\n"
 *                  "Sends each MESSAGE as one frame to us_server (lab 03).\n",
 *         .options = {
 *             {'s', "socket", "PATH", "the server's socket (default: $US_SOCKET)"},
 *         },
 *         .more = "Examples:\n"
 *                 "  us_client -s /tmp/upper.sock hello there\n",
 *     };
 *
 * The help prints usage, then a line per option (its left column as wide as
 * the widest option's, two spaces either side), then "-h, --help", which
 * every program has and no table lists, then environment, then more. The
 * options end at the first entry without help: the array's unused entries
 * are all zero. A program that traces sets .environment =
 * TRACE_ENVIRONMENT_HELP (trace.h), the variables every traced program reads.
 */
struct cli_spec {
    const char *usage;
    struct cli_option options[CLI_MAX_OPTIONS];
    const char *environment; /* after the options: the variables it reads */
    const char *more;        /* last: notes, examples */
};

/*
 * getopt_long() over spec's options, for a loop in main():
 *
 *     while ((opt = cli_next_option(&CLI, argc, argv)) != -1)
 *         switch (opt) { case 's': path = optarg; break; ... }
 *
 * Returns the next option's key, with optarg set as getopt does, or -1 when
 * the options end (optind then indexes the first operand). Handles the rest
 * itself: -h or --help prints the help to stdout and exits 0; an unknown
 * option or a missing value prints what was wrong, naming the option as
 * typed ("-x", "--bogus"), and exits 2. A long-only key without a name is
 * the program's bug: it dies saying so. optarg and optind are getopt's
 * (<unistd.h>); like getopt, it keeps its state between calls.
 */
int cli_next_option(const struct cli_spec *spec, int argc, char **argv);

#endif
