/* cli.c - see cli.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
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

void cli_bad_option(int getopt_result)
{
    if (getopt_result == ':')
        die_usage("option '-%c' needs a value", optopt);
    die_usage("unknown option '-%c'", optopt);
}
