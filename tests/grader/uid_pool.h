/*
 * uid_pool.h - unprivileged uids, one per judge, never shared.
 *
 * Each judge run as root takes a uid of its own from 61000..61999 and holds
 * it by an exclusive lock (flock) on a file in a root-only folder, so two
 * graders on one machine (two batch runs, CI and an instructor) never share
 * a uid: one can never signal, read or kill the other's processes. A uid
 * that belongs to an account in the user database is never taken.
 */
#ifndef IPC_KIT_UID_POOL_H
#define IPC_KIT_UID_POOL_H

#include <sys/types.h>

/* Takes a free uid; returns it and the lock's fd in *lock_fd, or (uid_t)-1 with errno. */
uid_t uid_pool_take(int *lock_fd);

/* Gives it back (closing the lock releases it). */
void uid_pool_give_back(uid_t uid, int lock_fd);

/* Kills (SIGKILL) every process of uid, from a helper running as that uid; waits until none is
 * left. */
void uid_kill_all(uid_t uid);

#endif
