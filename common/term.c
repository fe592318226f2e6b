/* term.c - see term.h. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "term.h"

bool term_use_color(int fd)
{
    const char *no_color = getenv("NO_COLOR");
    if (no_color && no_color[0] != '\0')
        return false;
    const char *term = getenv("TERM");
    if (term && strcmp(term, "dumb") == 0)
        return false;
    return isatty(fd) == 1;
}

const char *term_color(bool on, const char *ansi)
{
    return on ? ansi : "";
}
