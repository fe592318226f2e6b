/*
 * options.h - `--name VALUE` options whose value is kept as given, for the
 * command lines of the judge (judge.c) and render (render.c): a table says
 * where each one goes and one lookup stores it, rather than a strcmp() per
 * option in each parser, so the two programs read their shared options
 * (--lab, --points, --json, ...) alike.
 */
#ifndef IPC_KIT_OPTIONS_H
#define IPC_KIT_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

/* "--lab 02-pipe" keeps "02-pipe" where value points. */
struct text_option {
    const char *name;   /* "--lab" */
    const char **value; /* the field its value goes to */
};

/*
 * Stores value in the field of the option named opt and returns true;
 * returns false when the table has no option of that name (the caller
 * then tries its other options). Both strings stay the caller's (argv).
 */
bool text_option_set(const struct text_option *options, size_t count, const char *opt,
                     const char *value);

#endif
