/* cli.c - see cli.h. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "err.h"

long cli_parse_long(const char *text, long min, long max, const char *what)
{
    char *end;
    errno = 0;
    long value = strtol(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || value < min || value > max)
        die_usage("invalid %s '%s': expected a whole number from %ld to %ld", what, text, min, max);
    return value;
}

long cli_parse_size(const char *text, long min, long max, const char *what)
{
    char *end;
    errno = 0;
    long value = strtol(text, &end, 10);
    long scale = 1;
    if (*end == 'K' || *end == 'k')
        scale = 1024;
    else if (*end == 'M' || *end == 'm')
        scale = 1024 * 1024;
    if (scale != 1)
        end++;
    if (errno != 0 || end == text || *end != '\0' || value < 0 || value > max / scale ||
        value * scale < min)
        die_usage("invalid %s '%s': expected a size from %ld to %ld bytes (K and M suffixes work)",
                  what, text, min, max);
    return value * scale;
}

void cli_help(const char *usage)
{
    fputs(usage, stdout);
    exit(0);
}

/* The long option ("--name", without any "=value") that getopt_long() just
 * passed, or NULL when the last argument it took was not one. */
static const char *long_option(char *const argv[], char *buf, size_t size)
{
    if (optind < 1 || argv[optind - 1] == NULL || strncmp(argv[optind - 1], "--", 2) != 0)
        return NULL;
    snprintf(buf, size, "%.*s", (int)strcspn(argv[optind - 1], "="), argv[optind - 1]);
    return buf;
}

void cli_bad_option(int getopt_result, char *const argv[])
{
    char buf[64];
    /* optopt is 0 for an unknown long option; a short one names itself. */
    const char *name =
        optopt == 0 || getopt_result == ':' ? long_option(argv, buf, sizeof buf) : NULL;
    if (getopt_result == ':') {
        if (name)
            die_usage("option '%s' needs a value", name);
        die_usage("option '-%c' needs a value", optopt);
    }
    if (name)
        die_usage("unknown option '%s'", name);
    if (optopt == 0 || !isprint(optopt))
        die_usage("unknown option");
    die_usage("unknown option '-%c'", optopt);
}

void cli_check_shm_name(const char *name)
{
    size_t len = strlen(name);
    if (name[0] != '/' || len < 2 || len > 255 || strchr(name + 1, '/') != NULL)
        die_usage("invalid NAME '%s': a shared-memory name is '/' and 1 to 254 more characters, "
                  "none of them '/', such as /demo",
                  name);
}
