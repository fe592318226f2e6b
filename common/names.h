/*
 * names.h - unique names for the resources a run creates.
 *
 * Shared-memory objects and socket files outlive a crashed process, and two
 * students (or two graders) on one machine must never collide. So every
 * name carries the pid and a counter, and a prefix that the grader can set
 * (IPC_KIT_PREFIX) to find whatever a test left behind.
 */
#ifndef IPC_KIT_NAMES_H
#define IPC_KIT_NAMES_H

#include <stddef.h>

/* Writes "/<prefix>-<stem>-<pid>-<n>" (a valid shm_open name) to buf.
 * The prefix is $IPC_KIT_PREFIX, or "ipckit". Returns 0, or -1 with
 * errno = ENAMETOOLONG when buf is too small. */
int names_shm(char *buf, size_t size, const char *stem);

/* Creates a private directory (mode 0700, via mkdtemp) under $TMPDIR or
 * /tmp and writes its path to buf. Returns 0, or -1 with errno set.
 * The caller removes it (rmdir) when done. */
int names_private_dir(char *buf, size_t size);

#endif
