/*
 * options.c - `--name VALUE` options kept as given (see options.h).
 */
#include "options.h"

#include <string.h>

bool text_option_set(const struct text_option *options, size_t count, const char *opt,
                     const char *value)
{
    for (size_t i = 0; i < count; i++) {
        if (strcmp(options[i].name, opt) == 0) {
            *options[i].value = value;
            return true;
        }
    }
    return false;
}
