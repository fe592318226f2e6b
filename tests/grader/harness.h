/*
 * harness.h - what helpers.c tells the judge through the harness (harness.c).
 */
#ifndef IPC_KIT_HARNESS_H
#define IPC_KIT_HARNESS_H

/* Records that lab function fn just returned (shown if the test then dies). */
void harness_called(const char *fn);

#endif
