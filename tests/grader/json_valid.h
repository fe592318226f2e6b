/*
 * json_valid.h - is this text one valid JSON value? Used by the tests of the
 * trace and of the grader's reports (results.json) to prove they parse.
 */
#ifndef IPC_KIT_JSON_VALID_H
#define IPC_KIT_JSON_VALID_H

#include <stdbool.h>

/* True when text is exactly one JSON value, with optional white space around it. */
bool json_valid(const char *text);

#endif
