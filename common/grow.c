/*
 * grow.c - room for one more item in an array filled one item at a time
 * (grow.h).
 */
#include "grow.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

enum { FIRST_CAPACITY = 32 };

void *grow_array(void *items, size_t count, size_t *capacity, size_t item_size)
{
    if (count < *capacity)
        return items;
    size_t grown = *capacity ? *capacity * 2 : FIRST_CAPACITY;
    if (grown < *capacity || grown > SIZE_MAX / item_size) {
        errno = ENOMEM; /* the size in bytes would not fit in a size_t */
        return NULL;
    }
    void *bigger = realloc(items, grown * item_size);
    if (bigger == NULL) {
        errno = ENOMEM;
        return NULL;
    }
    *capacity = grown;
    return bigger;
}
