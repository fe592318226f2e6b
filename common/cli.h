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

/*
 * Reports what getopt() or getopt_long() rejected, naming the option as the
 * user typed it ("-x", "--bogus", "--count" without its value), and exits 2.
 * Use an optstring that starts with ':' and set opterr = 0, so a missing
 * argument is told apart:
 *     default: cli_bad_option(opt, argv);
 */
_Noreturn void cli_bad_option(int getopt_result, char *const argv[]);

/* Checks a shared-memory name as shm_open() wants it: "/" and 1 to 254
 * more characters, none of them "/". Dies with a usage error otherwise. */
void cli_check_shm_name(const char *name);

/* Prints the usage text to stdout and exits 0: asking for help is not an error. */
_Noreturn void cli_help(const char *usage);

#endif
