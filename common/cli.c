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

/* Every program's -h, --help, listed after its own options. */
static const struct cli_option HELP_OPTION = {'h', "help", NULL, "show this help"};

/* The i-th option of spec, HELP_OPTION after the last, NULL after that. */
static const struct cli_option *option_at(const struct cli_spec *spec, size_t i)
{
    size_t n = 0;
    while (n < CLI_MAX_OPTIONS && spec->options[n].help != NULL)
        n++;
    if (i < n)
        return &spec->options[i];
    return i == n ? &HELP_OPTION : NULL;
}

/* An option's left column: "-s, --socket PATH", "-m MECHS", "    --same-core", "HOST". */
static void left_column(const struct cli_option *o, char *buf, size_t size)
{
    int n;
    const char *arg = o->arg ? o->arg : "";
    const char *space = o->arg ? " " : "";
    if (o->key == 0)
        n = snprintf(buf, size, "%s", arg);
    else if (o->name == NULL)
        n = snprintf(buf, size, "-%c%s%s", o->key, space, arg);
    else if (o->key >= CLI_LONG_ONLY) /* lined up with the long names of "-s, --socket" */
        n = snprintf(buf, size, "    --%s%s%s", o->name, space, arg);
    else
        n = snprintf(buf, size, "-%c, --%s%s%s", o->key, o->name, space, arg);
    if (n < 0 || (size_t)n >= size)
        die("option '%s': its name and value name are too long for the help", buf);
}

enum { LEFT_MAX = 40 }; /* room for the widest left column of a help */

/* Prints the help to stdout and exits 0: asking for help is not an error. */
static _Noreturn void print_help(const struct cli_spec *spec)
{
    char left[LEFT_MAX];
    int width = 0;
    const struct cli_option *o;
    for (size_t i = 0; (o = option_at(spec, i)) != NULL; i++) {
        left_column(o, left, sizeof left);
        if ((int)strlen(left) > width)
            width = (int)strlen(left);
    }
    fputs(spec->usage, stdout);
    for (size_t i = 0; (o = option_at(spec, i)) != NULL; i++) {
        left_column(o, left, sizeof left);
        printf("  %-*s  ", width, left);
        /* A second line of help starts in the same column as the first. */
        for (const char *h = o->help; *h; h++) {
            putchar(*h);
            if (*h == '\n')
                printf("%*s", width + 4, "");
        }
        putchar('\n');
    }
    if (spec->environment)
        fputs(spec->environment, stdout);
    if (spec->more)
        fputs(spec->more, stdout);
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

/* Says what getopt_long() rejected (an unknown option, or one without its
 * value), naming the option as the user typed it, and exits 2. */
static _Noreturn void bad_option(int getopt_result, char *const argv[])
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

/* Fills the tables getopt_long() wants from spec: ":s:n:t:h" (the ':' in
 * front makes a missing value ':', told apart from an unknown option '?'),
 * and {"socket", required_argument, NULL, 's'}, ... {0}. Both have room for
 * every option and -h (see their sizes in cli_next_option). */
static void build_tables(const struct cli_spec *spec, char *optstring, struct option *longs)
{
    size_t used = 0, nlong = 0;
    optstring[used++] = ':';
    const struct cli_option *o;
    for (size_t i = 0; (o = option_at(spec, i)) != NULL; i++) {
        if (o->key >= CLI_LONG_ONLY && o->name == NULL)
            die("option %d has neither a short letter nor a long name", o->key);
        if (o->key > 0 && o->key < CLI_LONG_ONLY) {
            optstring[used++] = (char)o->key;
            if (o->arg)
                optstring[used++] = ':';
        }
        if (o->key > 0 && o->name)
            longs[nlong++] =
                (struct option){o->name, o->arg ? required_argument : no_argument, NULL, o->key};
    }
    optstring[used] = '\0';
    longs[nlong] = (struct option){NULL, 0, NULL, 0};
}

int cli_next_option(const struct cli_spec *spec, int argc, char **argv)
{
    /* Room for every option and -h: two characters each in optstring, plus
     * the ':' in front and the '\0'; one entry each in longs, plus the {0}. */
    static char optstring[2 * (CLI_MAX_OPTIONS + 1) + 2];
    static struct option longs[CLI_MAX_OPTIONS + 2];
    static const struct cli_spec *built; /* the spec these tables were built from */
    if (built != spec) {
        build_tables(spec, optstring, longs);
        built = spec;
    }
    opterr = 0; /* bad_option() says what was wrong, better than getopt would */
    int opt = getopt_long(argc, argv, optstring, longs, NULL);
    if (opt == 'h')
        print_help(spec);
    if (opt == '?' || opt == ':')
        bad_option(opt, argv);
    return opt;
}

void cli_check_shm_name(const char *name)
{
    size_t len = strlen(name);
    if (name[0] != '/' || len < 2 || len > 255 || strchr(name + 1, '/') != NULL)
        die_usage("invalid NAME '%s': a shared-memory name is '/' and 1 to 254 more characters, "
                  "none of them '/', such as /demo",
                  name);
}
