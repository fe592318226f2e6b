/*
 * grow.h - room for one more item in an array filled one item at a time.
 *
 * The kit reads lists whose length it learns only at the end: trace lines,
 * verdict records, test tables, processes, a chart's arrows, benchmark
 * results. Each keeps an array, a count and a capacity, and this is the one
 * place that makes the array bigger when it is full. Doubling the capacity
 * keeps n appends to O(n) copies in all.
 *
 * Conventions as in the labs: NULL or -1 with errno on failure; never exits.
 */
#ifndef IPC_KIT_GROW_H
#define IPC_KIT_GROW_H

#include <stddef.h>

/*
 * Returns items as they are while count < *capacity. When the array is full,
 * reallocates it to twice *capacity items of item_size bytes (32 items the
 * first time), sets *capacity and returns the new array. On failure returns
 * NULL with errno ENOMEM; items and *capacity are then unchanged, and items
 * is still the caller's to free.
 *
 *   struct row *rows = grow_array(t->rows, t->count, &t->capacity, sizeof *rows);
 *   if (rows == NULL)
 *       return -1;
 *   t->rows = rows;
 *   t->rows[t->count++] = row;
 */
void *grow_array(void *items, size_t count, size_t *capacity, size_t item_size);

#endif
