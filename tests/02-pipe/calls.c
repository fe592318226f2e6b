/*
 * calls.c - lab 02's functions across the call boundary: one line each
 * (tests/grader/boundary_calls.h says what the kinds mean). The tests call
 * these names; the student's code runs in agent_02-pipe.
 */
#include "kit_calls.h"
#include "pipe_lab.h"

/* The descriptors a struct pipe_coprocess holds. */
#define COPROCESS_FDS(F) F(to_child) F(from_child)

#define LAB_CALLS                                                                                  \
    CALL3((RET, ssize_t), pipe_write_all, (FD, int, fd), (BYTES_IN, const void *, buf, len),       \
          (VALUE, size_t, len))                                                                    \
    CALL3((RET, ssize_t), pipe_read_exact, (FD, int, fd), (BYTES_OUT, void *, buf, len),           \
          (VALUE, size_t, len))                                                                    \
    CALL4((RET, int), pipe_send_to_child, (BYTES_IN, const void *, data, len),                     \
          (VALUE, size_t, len), (CALLBACK, pipe_reader_fn, reader, arg),                           \
          (CALLBACK_ARG, void *, arg))                                                             \
    CALL1((RET, int), pipe_coprocess_start, (OBJ, struct pipe_coprocess *, cp, COPROCESS_FDS))     \
    CALL4((RET, ssize_t), pipe_coprocess_exchange,                                                 \
          (OBJ, struct pipe_coprocess *, cp, COPROCESS_FDS),                                       \
          (BYTES_IN, const void *, request, len), (BYTES_OUT, void *, reply, len),                 \
          (VALUE, size_t, len))                                                                    \
    CALL1((RET, int), pipe_coprocess_finish,                                                       \
          (OBJ_GIVE, struct pipe_coprocess *, cp, COPROCESS_FDS))                                  \
    CALL0((RET, int), pipe_ignore_sigpipe)                                                         \
    CALL1((RET, int), pipe_fifo_create, (STRING, const char *, path))                              \
    CALL3((RET, ssize_t), pipe_fifo_send, (STRING, const char *, path),                            \
          (BYTES_IN, const void *, data, len), (VALUE, size_t, len))                               \
    CALL3((RET, ssize_t), pipe_fifo_receive, (STRING, const char *, path),                         \
          (BYTES_OUT, void *, buf, cap), (VALUE, size_t, cap))

#include "boundary_calls.h"
