/*
 * boundary_serve.h - what the servers made by boundary_calls.h use, in the
 * agent (boundary_agent.c), the program that runs the student's code.
 *
 * A server reads its parameters from the request with agent_get_*() and
 * agent_take_fd(), calls the student's function, writes the result with
 * agent_reply_head() and its out-parameters with agent_put_copy() and
 * agent_move_fd(). Memory and descriptors a frame hands out live until the
 * reply is sent: the agent then closes every descriptor the call was lent,
 * so between calls it holds none of the test's.
 */
#ifndef IPC_KIT_BOUNDARY_SERVE_H
#define IPC_KIT_BOUNDARY_SERVE_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "boundary_msg.h"

typedef int (*boundary_callback_fn)(int fd, void *arg);

enum { AGENT_FRAME_SCRATCH = 32 };

struct agent_frame {
    struct bmsg *in, *out;
    int64_t ret;
    int err;
    /* descriptors lent for the call: the number the student sees, and our reference */
    int lent[BMSG_MAX_FDS], lent_ref[BMSG_MAX_FDS];
    bool lent_given[BMSG_MAX_FDS];
    int lent_count;
    /* copies of descriptors moving out, closed once the reply is sent */
    int moving[BMSG_MAX_FDS];
    int moving_count;
    void *scratch[AGENT_FRAME_SCRATCH]; /* memory freed after the reply */
    int scratch_count;
    /* a callback this call passes: its id and the context handed as its arg */
    struct agent_callback_context *callback;
};

struct agent_call {
    const char *name;
    void (*serve)(struct agent_frame *f);
};
extern const struct agent_call agent_calls[];
extern const size_t agent_call_count;

void agent_get_value(struct agent_frame *f, void *p, size_t size);
const char *agent_get_string(struct agent_frame *f);
/* A private, aligned copy of the next buffer (NULL stays NULL); *len when not NULL. */
void *agent_get_copy(struct agent_frame *f, size_t *len);
/* A zeroed buffer of the size the checker asked for (NULL when it passed NULL). */
void *agent_get_out_buffer(struct agent_frame *f, size_t *cap);
/* An int array of the asked length, every entry -1 (NULL when NULL was passed). */
int *agent_get_fd_array(struct agent_frame *f, int64_t n);
/* A lent descriptor, installed at the checker's number; returns that number. */
int agent_take_fd(struct agent_frame *f, bool given);
boundary_callback_fn agent_callback(struct agent_frame *f);
void *agent_callback_arg(struct agent_frame *f);

/* The result and errno: first in every reply. */
void agent_reply_head(struct agent_frame *f);
/* Sends back the buffer p got from agent_get_copy(). */
void agent_put_copy(struct agent_frame *f, const void *p);
/* Descriptor fd moves to the checker when move is true and it is the
 * student's own (its number alone goes otherwise). */
void agent_move_fd(struct agent_frame *f, int fd, bool move);

#endif
