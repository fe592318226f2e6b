/*
 * boundary_stub.h - what the stubs made by boundary_calls.h use, in the
 * checker (boundary_checker.c). Test authors use boundary.h instead.
 *
 * A stub builds its request with bcall_begin() and the bmsg_put_*() calls
 * of its parameters, waits in bcall_run(), reads its out-parameters back
 * with bcall_take_*() and ends with bcall_end(), which sets errno. When the
 * student process dies or sends nonsense, bcall_run()/bcall_end() fail the
 * test right there (Check's ck_abort), naming the call.
 */
#ifndef IPC_KIT_BOUNDARY_STUB_H
#define IPC_KIT_BOUNDARY_STUB_H

#include <stdbool.h>
#include <stdint.h>

#include "boundary_msg.h"

typedef int (*boundary_callback_fn)(int fd, void *arg);

struct bcall {
    struct bmsg msg; /* the request, then the reply */
    const char *name;
    int conn;                /* the connection it went on */
    int given[BMSG_MAX_FDS]; /* our descriptors the call takes for good */
    int given_count;
    int64_t ret; /* the student function's result */
    int err;     /* and its errno */
};

void bcall_begin(struct bcall *c, int index, const char *name);
/* Sends descriptor fd (under the number the agent knows it by). give: the
 * call takes it for good, so ours is closed once the request is sent. */
void bcall_put_fd(struct bcall *c, int fd, bool give);
/* Sends the request and waits for the result (c->ret, c->err). */
void bcall_run(struct bcall *c);
/* Copies what came back into p (at most size bytes). */
void bcall_take_bytes(struct bcall *c, void *p, size_t size);
/* A descriptor that moved here: installed at the agent's number, stored in
 * *where (when where is not NULL; else closed). */
void bcall_take_fd(struct bcall *c, int *where);
/* A returned string, copied to a buffer of this thread (NULL stays NULL). */
const char *bcall_take_string(struct bcall *c);
/* Checks the reply was whole, frees it, and sets errno to the call's. */
void bcall_end(struct bcall *c);

/* The id a student process calls callback fn(fd, arg) by (never an address). */
int64_t boundary_callback_id(boundary_callback_fn fn, void *arg);

#endif
