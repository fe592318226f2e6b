/*
 * summary.h - what a bench run shows, and which of its conclusions hold.
 *
 * After the table, the bench prints the ratios the handouts ask about
 * (each mechanism against the machine's limits from the same run), then
 * each conclusion the lab draws, judged from this run's rows alone:
 *
 *   HOLDS            true at every size, every row involved measured quietly
 *   HOLDS (noisy)    true, but some rows involved were disturbed (noise.h)
 *   DOES NOT HOLD    false at some size; the line names the measured cause:
 *                    a disturbed row, the far placement of the vCPUs, or, when
 *                    neither explains it, says that the result is real
 *
 * It reads the rows only (results.h), so it works on any subset of
 * mechanisms and sizes; a conclusion whose rows are missing is left out.
 */
#ifndef IPC_KIT_SUMMARY_H
#define IPC_KIT_SUMMARY_H

#include <stdbool.h>

#include "results.h"

/* Prints the ratios and the conclusions to stdout; color for a terminal. */
void summary_print(const struct results *res, bool color);

#endif
