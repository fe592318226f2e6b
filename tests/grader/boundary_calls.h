/*
 * boundary_calls.h - one line per lab function becomes a stub (checker) and
 * a server (agent). Included at the end of tests/NN/calls.c; see boundary.h
 * for what crosses, and tests/02-pipe/calls.c for an example.
 *
 * calls.c defines LAB_CALLS as a list of lines, one per function:
 *
 *     CALL3((RET, ssize_t), pipe_write_all,
 *           (FD, int, fd), (BYTES_IN, const void *, buf, len), (VALUE, size_t, len))
 *
 * CALLn takes the return kind, the function's name and its n parameters,
 * each a (KIND, type, name[, extra]) group. calls.c is compiled twice:
 * with -DBOUNDARY_CHECKER each line becomes a function of that very name
 * and signature that sends the call (the compiler checks it against the
 * lab's header), and with -DBOUNDARY_AGENT a server that receives it and
 * calls the student's function.
 *
 * Return kinds:
 *   (RET, type)          any integer type; errno comes back with it
 *   (RET_FD, int)        a new descriptor: it moves to the checker, same number
 *   (RET_STRING, type)   a string (copied; valid until the thread's 8th call after)
 *   (RET_VOID, void)
 * Parameter kinds:
 *   (VALUE, type, name)           by value: integers, enums, small structs
 *   (STRING, type, name)          a C string, or NULL
 *   (BYTES_IN, type, name, len)   a buffer of len bytes the call reads
 *   (BYTES_OUT, type, name, cap)  a buffer of cap bytes the call fills
 *   (PTR_IN, type, name)          a const pointer to one object, copied in
 *   (PTR, type, name)             a pointer to one object, copied in and back
 *   (ARRAY, type, name, count)    count objects, copied in and back
 *   (FD, int, name)               a descriptor the caller keeps
 *   (FD_GIVE, int, name)          a descriptor the call takes for good (closes)
 *   (FDS_OUT, int *, name, n)     n descriptors the call creates (int fds[2])
 *   (OBJ, type, name, FDS)        a struct copied both ways; FDS(F) lists its
 *   (OBJ_GIVE, type, name, FDS)   descriptor fields as F(field); _GIVE: the call
 *                                 takes them for good (finish, close)
 *   (CALLBACK, type, name, arg)   an int (*)(int fd, void *arg) run in the checker
 *   (CALLBACK_ARG, void *, name)  its argument, which never leaves the checker
 *
 * The expansion is plain C: each kind has one small macro per side below.
 */
#ifndef IPC_KIT_BOUNDARY_CALLS_H
#define IPC_KIT_BOUNDARY_CALLS_H

#include <stdint.h>
#include <string.h>

#include "boundary_msg.h"

#define BOUNDARY_EXPAND(...) __VA_ARGS__

/* The lists that need only a call's name read each line as
 * BOUNDARY_NAMED(name), which each list defines for itself. */
#define CALL0(r, name)                   BOUNDARY_NAMED(name)
#define CALL1(r, name, a)                BOUNDARY_NAMED(name)
#define CALL2(r, name, a, b)             BOUNDARY_NAMED(name)
#define CALL3(r, name, a, b, c)          BOUNDARY_NAMED(name)
#define CALL4(r, name, a, b, c, d)       BOUNDARY_NAMED(name)
#define CALL5(r, name, a, b, c, d, e)    BOUNDARY_NAMED(name)
#define CALL6(r, name, a, b, c, d, e, f) BOUNDARY_NAMED(name)

/* The call numbers, the same on both sides: the kit's services, then the lab's. */
#define BOUNDARY_NAMED(name) BOUNDARY_INDEX_##name,
enum boundary_call_index { KIT_CALLS LAB_CALLS BOUNDARY_CALL_COUNT };
#undef BOUNDARY_NAMED

#if defined(BOUNDARY_AGENT)
/* The table the agent serves from, in call-number order; each server is
 * defined below, with the agent's other pieces. */
#include "boundary_serve.h"
#define BOUNDARY_NAMED(name) static void boundary_serve_##name(struct agent_frame *f_);
KIT_CALLS
LAB_CALLS
#undef BOUNDARY_NAMED
#define BOUNDARY_NAMED(name) {#name, boundary_serve_##name},
const struct agent_call agent_calls[] = {KIT_CALLS LAB_CALLS};
const size_t agent_call_count = BOUNDARY_CALL_COUNT;
#undef BOUNDARY_NAMED
#endif

#undef CALL0
#undef CALL1
#undef CALL2
#undef CALL3
#undef CALL4
#undef CALL5
#undef CALL6

/* Dispatch on a group's kind: DO(STEP, (KIND, ...)) -> STEP##KIND(...). */
#define BOUNDARY_DO(step, group)       BOUNDARY_DO_(step, BOUNDARY_EXPAND group)
#define BOUNDARY_DO_(step, ...)        BOUNDARY_DO__(step, __VA_ARGS__)
#define BOUNDARY_DO__(step, kind, ...) step##kind(__VA_ARGS__)

/* The return type of a return group. */
#define BOUNDARY_RET_TYPE(group)     BOUNDARY_DO(BOUNDARY_RT_, group)
#define BOUNDARY_RT_RET(type)        type
#define BOUNDARY_RT_RET_FD(type)     type
#define BOUNDARY_RT_RET_STRING(type) type
#define BOUNDARY_RT_RET_VOID(type)   type

/* A parameter's declaration, the same on both sides. */
#define BOUNDARY_DECL(p)                         BOUNDARY_DO(BOUNDARY_DECL_, p)
#define BOUNDARY_DECL_VALUE(type, name)          type name
#define BOUNDARY_DECL_STRING(type, name)         type name
#define BOUNDARY_DECL_BYTES_IN(type, name, len)  type name
#define BOUNDARY_DECL_BYTES_OUT(type, name, cap) type name
#define BOUNDARY_DECL_PTR_IN(type, name)         type name
#define BOUNDARY_DECL_PTR(type, name)            type name
#define BOUNDARY_DECL_ARRAY(type, name, count)   type name
#define BOUNDARY_DECL_FD(type, name)             type name
#define BOUNDARY_DECL_FD_GIVE(type, name)        type name
#define BOUNDARY_DECL_FDS_OUT(type, name, n)     type name
#define BOUNDARY_DECL_OBJ(type, name, fds)       type name
#define BOUNDARY_DECL_OBJ_GIVE(type, name, fds)  type name
#define BOUNDARY_DECL_CALLBACK(type, name, arg)  type name
#define BOUNDARY_DECL_CALLBACK_ARG(type, name)   type name

/* An object crosses the same way in both directions (the checker's
 * request, the agent's reply), and the other side takes it in this order:
 * its bytes, then each descriptor field that FDS lists, each with the flag
 * (give, or move). Each side names its own two steps: put_struct(o_) sends
 * the bytes, put_field(field) one descriptor, reading o_ and flag_. */
#define BOUNDARY_SEND_OBJECT(name, fds, flag, put_struct, put_field)                               \
    {                                                                                              \
        __typeof__(name) o_ = name;                                                                \
        const bool flag_ = flag;                                                                   \
        put_struct(o_) fds(put_field)(void) flag_; /* a struct may have no descriptor */           \
    }

#if defined(BOUNDARY_CHECKER)
/* ======================= the checker: stubs ======================= */
#include "boundary_stub.h"

/* Before the call: what goes to the agent. c_ is the call being built. */
#define BOUNDARY_PUT(p)                         BOUNDARY_DO(BOUNDARY_PUT_, p)
#define BOUNDARY_PUT_VALUE(type, name)          bmsg_put_bytes(&c_.msg, &name, sizeof name);
#define BOUNDARY_PUT_STRING(type, name)         bmsg_put_bytes(&c_.msg, name, name ? strlen(name) + 1 : 0);
#define BOUNDARY_PUT_BYTES_IN(type, name, len)  bmsg_put_bytes(&c_.msg, name, (len));
#define BOUNDARY_PUT_BYTES_OUT(type, name, cap) bmsg_put_i64(&c_.msg, name ? (int64_t)(cap) : -1);
#define BOUNDARY_PUT_PTR_IN(type, name)         bmsg_put_bytes(&c_.msg, name, sizeof *name);
#define BOUNDARY_PUT_PTR(type, name)            bmsg_put_bytes(&c_.msg, name, sizeof *name);
#define BOUNDARY_PUT_ARRAY(type, name, count)   bmsg_put_bytes(&c_.msg, name, sizeof *name *(count));
#define BOUNDARY_PUT_FD(type, name)             bcall_put_fd(&c_, name, false);
#define BOUNDARY_PUT_FD_GIVE(type, name)        bcall_put_fd(&c_, name, true);
#define BOUNDARY_PUT_FDS_OUT(type, name, n)     bmsg_put_i64(&c_.msg, name ? (n) : -1);
#define BOUNDARY_PUT_OBJ(type, name, fds)       BOUNDARY_PUT_OBJECT(name, fds, false)
#define BOUNDARY_PUT_OBJ_GIVE(type, name, fds)  BOUNDARY_PUT_OBJECT(name, fds, true)
#define BOUNDARY_PUT_OBJECT(name, fds, give)                                                       \
    BOUNDARY_SEND_OBJECT(name, fds, give, BOUNDARY_PUT_STRUCT, BOUNDARY_PUT_FIELD)
#define BOUNDARY_PUT_STRUCT(o)    bmsg_put_bytes(&c_.msg, o, sizeof *o);
#define BOUNDARY_PUT_FIELD(field) bcall_put_fd(&c_, o_ ? o_->field : -1, flag_);
#define BOUNDARY_PUT_CALLBACK(type, name, arg)                                                     \
    bmsg_put_i64(&c_.msg, boundary_callback_id((boundary_callback_fn)(name), (arg)));
#define BOUNDARY_PUT_CALLBACK_ARG(type, name)

/* After the call: what came back, in the same order. */
#define BOUNDARY_TAKE(p) BOUNDARY_DO(BOUNDARY_TAKE_, p)
#define BOUNDARY_TAKE_VALUE(type, name)
#define BOUNDARY_TAKE_STRING(type, name)
#define BOUNDARY_TAKE_BYTES_IN(type, name, len)
#define BOUNDARY_TAKE_BYTES_OUT(type, name, cap)                                                   \
    bcall_take_bytes(&c_, name, name ? (size_t)(cap) : 0);
#define BOUNDARY_TAKE_PTR_IN(type, name)
#define BOUNDARY_TAKE_PTR(type, name) bcall_take_bytes(&c_, name, name ? sizeof *name : 0);
#define BOUNDARY_TAKE_ARRAY(type, name, count)                                                     \
    bcall_take_bytes(&c_, name, name ? sizeof *name *(count) : 0);
#define BOUNDARY_TAKE_FD(type, name)
#define BOUNDARY_TAKE_FD_GIVE(type, name)
#define BOUNDARY_TAKE_FDS_OUT(type, name, n)                                                       \
    for (int i_ = 0; i_ < (n); i_++)                                                               \
        bcall_take_fd(&c_, name ? &name[i_] : NULL);
#define BOUNDARY_TAKE_OBJ(type, name, fds)      BOUNDARY_TAKE_OBJECT(name, fds)
#define BOUNDARY_TAKE_OBJ_GIVE(type, name, fds) BOUNDARY_TAKE_OBJECT(name, fds)
#define BOUNDARY_TAKE_OBJECT(name, fds)                                                            \
    {                                                                                              \
        __typeof__(name) o_ = name;                                                                \
        bcall_take_bytes(&c_, o_, o_ ? sizeof *o_ : 0);                                            \
        fds(BOUNDARY_TAKE_FIELD)                                                                   \
    }
#define BOUNDARY_TAKE_FIELD(field) bcall_take_fd(&c_, o_ ? &o_->field : NULL);
#define BOUNDARY_TAKE_CALLBACK(type, name, arg)
#define BOUNDARY_TAKE_CALLBACK_ARG(type, name)

/* The return value, last. */
#define BOUNDARY_RETURN(group) BOUNDARY_DO(BOUNDARY_RETURN_, group)
#define BOUNDARY_RETURN_RET(type)                                                                  \
    bcall_end(&c_);                                                                                \
    return (type)c_.ret;
#define BOUNDARY_RETURN_RET_FD(type)                                                               \
    int fd_ = -1;                                                                                  \
    bcall_take_fd(&c_, &fd_);                                                                      \
    bcall_end(&c_);                                                                                \
    return c_.ret < 0 ? (type)c_.ret : fd_;
#define BOUNDARY_RETURN_RET_STRING(type)                                                           \
    const char *s_ = bcall_take_string(&c_);                                                       \
    bcall_end(&c_);                                                                                \
    return s_;
#define BOUNDARY_RETURN_RET_VOID(type) bcall_end(&c_);

#define BOUNDARY_STUB(ret, name, decls, puts, takes)                                               \
    BOUNDARY_RET_TYPE(ret) name decls                                                              \
    {                                                                                              \
        struct bcall c_;                                                                           \
        bcall_begin(&c_, BOUNDARY_INDEX_##name, #name);                                            \
        puts bcall_run(&c_);                                                                       \
        takes BOUNDARY_RETURN(ret)                                                                 \
    }
#define CALL0(r, name) BOUNDARY_STUB(r, name, (void), , )
#define CALL1(r, name, a)                                                                          \
    BOUNDARY_STUB(r, name, (BOUNDARY_DECL(a)), BOUNDARY_PUT(a), BOUNDARY_TAKE(a))
#define CALL2(r, name, a, b)                                                                       \
    BOUNDARY_STUB(r, name, (BOUNDARY_DECL(a), BOUNDARY_DECL(b)), BOUNDARY_PUT(a) BOUNDARY_PUT(b),  \
                  BOUNDARY_TAKE(a) BOUNDARY_TAKE(b))
#define CALL3(r, name, a, b, c)                                                                    \
    BOUNDARY_STUB(r, name, (BOUNDARY_DECL(a), BOUNDARY_DECL(b), BOUNDARY_DECL(c)),                 \
                  BOUNDARY_PUT(a) BOUNDARY_PUT(b) BOUNDARY_PUT(c),                                 \
                  BOUNDARY_TAKE(a) BOUNDARY_TAKE(b) BOUNDARY_TAKE(c))
#define CALL4(r, name, a, b, c, d)                                                                 \
    BOUNDARY_STUB(r, name,                                                                         \
                  (BOUNDARY_DECL(a), BOUNDARY_DECL(b), BOUNDARY_DECL(c), BOUNDARY_DECL(d)),        \
                  BOUNDARY_PUT(a) BOUNDARY_PUT(b) BOUNDARY_PUT(c) BOUNDARY_PUT(d),                 \
                  BOUNDARY_TAKE(a) BOUNDARY_TAKE(b) BOUNDARY_TAKE(c) BOUNDARY_TAKE(d))
#define CALL5(r, name, a, b, c, d, e)                                                              \
    BOUNDARY_STUB(r, name,                                                                         \
                  (BOUNDARY_DECL(a), BOUNDARY_DECL(b), BOUNDARY_DECL(c), BOUNDARY_DECL(d),         \
                   BOUNDARY_DECL(e)),                                                              \
                  BOUNDARY_PUT(a) BOUNDARY_PUT(b) BOUNDARY_PUT(c) BOUNDARY_PUT(d) BOUNDARY_PUT(e), \
                  BOUNDARY_TAKE(a) BOUNDARY_TAKE(b) BOUNDARY_TAKE(c) BOUNDARY_TAKE(d)              \
                      BOUNDARY_TAKE(e))
#define CALL6(r, name, a, b, c, d, e, f)                                                           \
    BOUNDARY_STUB(r, name,                                                                         \
                  (BOUNDARY_DECL(a), BOUNDARY_DECL(b), BOUNDARY_DECL(c), BOUNDARY_DECL(d),         \
                   BOUNDARY_DECL(e), BOUNDARY_DECL(f)),                                            \
                  BOUNDARY_PUT(a) BOUNDARY_PUT(b) BOUNDARY_PUT(c) BOUNDARY_PUT(d) BOUNDARY_PUT(e)  \
                      BOUNDARY_PUT(f),                                                             \
                  BOUNDARY_TAKE(a) BOUNDARY_TAKE(b) BOUNDARY_TAKE(c) BOUNDARY_TAKE(d)              \
                      BOUNDARY_TAKE(e) BOUNDARY_TAKE(f))

KIT_CALLS
LAB_CALLS

#elif defined(BOUNDARY_AGENT)
/* ======================= the agent: servers ======================= */
#include "boundary_serve.h"

/* Before the call: the parameters as locals, made from the request. */
#define BOUNDARY_GET(p) BOUNDARY_DO(BOUNDARY_GET_, p)
#define BOUNDARY_GET_VALUE(type, name)                                                             \
    type name;                                                                                     \
    agent_get_value(f_, &name, sizeof name);
#define BOUNDARY_GET_STRING(type, name)        type name = agent_get_string(f_);
#define BOUNDARY_GET_BYTES_IN(type, name, len) type name = agent_get_copy(f_, NULL);
#define BOUNDARY_GET_BYTES_OUT(type, name, cap)                                                    \
    size_t name##_cap_;                                                                            \
    type name = agent_get_out_buffer(f_, &name##_cap_);
#define BOUNDARY_GET_PTR_IN(type, name)        type name = agent_get_copy(f_, NULL);
#define BOUNDARY_GET_PTR(type, name)           type name = agent_get_copy(f_, NULL);
#define BOUNDARY_GET_ARRAY(type, name, count)  type name = agent_get_copy(f_, NULL);
#define BOUNDARY_GET_FD(type, name)            type name = agent_take_fd(f_, false);
#define BOUNDARY_GET_FD_GIVE(type, name)       type name = agent_take_fd(f_, true);
#define BOUNDARY_GET_FDS_OUT(type, name, n)    type name = agent_get_fd_array(f_, (n));
#define BOUNDARY_GET_OBJ(type, name, fds)      BOUNDARY_GET_OBJECT(type, name, fds, false)
#define BOUNDARY_GET_OBJ_GIVE(type, name, fds) BOUNDARY_GET_OBJECT(type, name, fds, true)
#define BOUNDARY_GET_OBJECT(type, name, fds, give)                                                 \
    type name = agent_get_copy(f_, NULL);                                                          \
    {                                                                                              \
        const bool give_ = give;                                                                   \
        fds(BOUNDARY_GET_FIELD)(void) give_;                                                       \
    }
#define BOUNDARY_GET_FIELD(field)               agent_take_fd(f_, give_);
#define BOUNDARY_GET_CALLBACK(type, name, arg)  type name = agent_callback(f_);
#define BOUNDARY_GET_CALLBACK_ARG(type, name)   type name = agent_callback_arg(f_);

/* The argument the student's function gets. */
#define BOUNDARY_ARG(p)                         BOUNDARY_DO(BOUNDARY_ARG_, p)
#define BOUNDARY_ARG_VALUE(type, name)          name
#define BOUNDARY_ARG_STRING(type, name)         name
#define BOUNDARY_ARG_BYTES_IN(type, name, len)  name
#define BOUNDARY_ARG_BYTES_OUT(type, name, cap) name
#define BOUNDARY_ARG_PTR_IN(type, name)         name
#define BOUNDARY_ARG_PTR(type, name)            name
#define BOUNDARY_ARG_ARRAY(type, name, count)   name
#define BOUNDARY_ARG_FD(type, name)             name
#define BOUNDARY_ARG_FD_GIVE(type, name)        name
#define BOUNDARY_ARG_FDS_OUT(type, name, n)     name
#define BOUNDARY_ARG_OBJ(type, name, fds)       name
#define BOUNDARY_ARG_OBJ_GIVE(type, name, fds)  name
#define BOUNDARY_ARG_CALLBACK(type, name, arg)  name
#define BOUNDARY_ARG_CALLBACK_ARG(type, name)   name

/* After the call: what goes back, in the order the stub takes it. */
#define BOUNDARY_BACK(p)                        BOUNDARY_DO(BOUNDARY_BACK_, p)
#define BOUNDARY_BACK_VALUE(type, name)
#define BOUNDARY_BACK_STRING(type, name)
#define BOUNDARY_BACK_BYTES_IN(type, name, len)
#define BOUNDARY_BACK_BYTES_OUT(type, name, cap)                                                   \
    bmsg_put_bytes(f_->out, name, name ? name##_cap_ : 0);
#define BOUNDARY_BACK_PTR_IN(type, name)
#define BOUNDARY_BACK_PTR(type, name)          agent_put_copy(f_, name);
#define BOUNDARY_BACK_ARRAY(type, name, count) agent_put_copy(f_, name);
#define BOUNDARY_BACK_FD(type, name)
#define BOUNDARY_BACK_FD_GIVE(type, name)
#define BOUNDARY_BACK_FDS_OUT(type, name, n)                                                       \
    for (int i_ = 0; i_ < (n); i_++)                                                               \
        agent_move_fd(f_, name ? name[i_] : -1, f_->ret >= 0);
#define BOUNDARY_BACK_OBJ(type, name, fds)      BOUNDARY_BACK_OBJECT(name, fds, true)
#define BOUNDARY_BACK_OBJ_GIVE(type, name, fds) BOUNDARY_BACK_OBJECT(name, fds, false)
#define BOUNDARY_BACK_OBJECT(name, fds, move)                                                      \
    BOUNDARY_SEND_OBJECT(name, fds, move, BOUNDARY_BACK_STRUCT, BOUNDARY_BACK_FIELD)
#define BOUNDARY_BACK_STRUCT(o)    agent_put_copy(f_, o);
#define BOUNDARY_BACK_FIELD(field) agent_move_fd(f_, o_ ? o_->field : -1, flag_);
#define BOUNDARY_BACK_CALLBACK(type, name, arg)
#define BOUNDARY_BACK_CALLBACK_ARG(type, name)

/* Calls the student's function; keeps the result and errno in the frame. */
#define BOUNDARY_INVOKE(group, call) BOUNDARY_DO(BOUNDARY_INVOKE_, group)(call)
#define BOUNDARY_INVOKE_RET(type)    BOUNDARY_INVOKE_VALUE
#define BOUNDARY_INVOKE_RET_FD(type) BOUNDARY_INVOKE_VALUE
#define BOUNDARY_INVOKE_VALUE(call)                                                                \
    errno = 0;                                                                                     \
    f_->ret = (int64_t)(call);                                                                     \
    f_->err = errno;
#define BOUNDARY_INVOKE_RET_STRING(type) BOUNDARY_INVOKE_STRING
#define BOUNDARY_INVOKE_STRING(call)                                                               \
    errno = 0;                                                                                     \
    const char *s_ = (call);                                                                       \
    f_->err = errno;                                                                               \
    f_->ret = s_ != NULL;
#define BOUNDARY_INVOKE_RET_VOID(type) BOUNDARY_INVOKE_VOID
#define BOUNDARY_INVOKE_VOID(call)                                                                 \
    errno = 0;                                                                                     \
    call;                                                                                          \
    f_->err = errno;                                                                               \
    f_->ret = 0;

/* The return value's own part of the reply, last. */
#define BOUNDARY_RESULT(group) BOUNDARY_DO(BOUNDARY_RESULT_, group)
#define BOUNDARY_RESULT_RET(type)
#define BOUNDARY_RESULT_RET_FD(type)     agent_move_fd(f_, (int)f_->ret, f_->ret >= 0);
#define BOUNDARY_RESULT_RET_STRING(type) bmsg_put_bytes(f_->out, s_, s_ ? strlen(s_) + 1 : 0);
#define BOUNDARY_RESULT_RET_VOID(type)

#define BOUNDARY_SERVER(ret, name, gets, args, backs)                                              \
    static void boundary_serve_##name(struct agent_frame *f_)                                      \
    {                                                                                              \
        gets BOUNDARY_INVOKE(ret, name args) agent_reply_head(f_);                                 \
        backs BOUNDARY_RESULT(ret)                                                                 \
    }
#define CALL0(r, name) BOUNDARY_SERVER(r, name, , (), )
#define CALL1(r, name, a)                                                                          \
    BOUNDARY_SERVER(r, name, BOUNDARY_GET(a), (BOUNDARY_ARG(a)), BOUNDARY_BACK(a))
#define CALL2(r, name, a, b)                                                                       \
    BOUNDARY_SERVER(r, name, BOUNDARY_GET(a) BOUNDARY_GET(b), (BOUNDARY_ARG(a), BOUNDARY_ARG(b)),  \
                    BOUNDARY_BACK(a) BOUNDARY_BACK(b))
#define CALL3(r, name, a, b, c)                                                                    \
    BOUNDARY_SERVER(r, name, BOUNDARY_GET(a) BOUNDARY_GET(b) BOUNDARY_GET(c),                      \
                    (BOUNDARY_ARG(a), BOUNDARY_ARG(b), BOUNDARY_ARG(c)),                           \
                    BOUNDARY_BACK(a) BOUNDARY_BACK(b) BOUNDARY_BACK(c))
#define CALL4(r, name, a, b, c, d)                                                                 \
    BOUNDARY_SERVER(r, name, BOUNDARY_GET(a) BOUNDARY_GET(b) BOUNDARY_GET(c) BOUNDARY_GET(d),      \
                    (BOUNDARY_ARG(a), BOUNDARY_ARG(b), BOUNDARY_ARG(c), BOUNDARY_ARG(d)),          \
                    BOUNDARY_BACK(a) BOUNDARY_BACK(b) BOUNDARY_BACK(c) BOUNDARY_BACK(d))
#define CALL5(r, name, a, b, c, d, e)                                                              \
    BOUNDARY_SERVER(                                                                               \
        r, name, BOUNDARY_GET(a) BOUNDARY_GET(b) BOUNDARY_GET(c) BOUNDARY_GET(d) BOUNDARY_GET(e),  \
        (BOUNDARY_ARG(a), BOUNDARY_ARG(b), BOUNDARY_ARG(c), BOUNDARY_ARG(d), BOUNDARY_ARG(e)),     \
        BOUNDARY_BACK(a) BOUNDARY_BACK(b) BOUNDARY_BACK(c) BOUNDARY_BACK(d) BOUNDARY_BACK(e))
#define CALL6(r, name, a, b, c, d, e, f)                                                           \
    BOUNDARY_SERVER(r, name,                                                                       \
                    BOUNDARY_GET(a) BOUNDARY_GET(b) BOUNDARY_GET(c) BOUNDARY_GET(d)                \
                        BOUNDARY_GET(e) BOUNDARY_GET(f),                                           \
                    (BOUNDARY_ARG(a), BOUNDARY_ARG(b), BOUNDARY_ARG(c), BOUNDARY_ARG(d),           \
                     BOUNDARY_ARG(e), BOUNDARY_ARG(f)),                                            \
                    BOUNDARY_BACK(a) BOUNDARY_BACK(b) BOUNDARY_BACK(c) BOUNDARY_BACK(d)            \
                        BOUNDARY_BACK(e) BOUNDARY_BACK(f))

KIT_CALLS
LAB_CALLS

#else
#error "compile calls.c with -DBOUNDARY_CHECKER or -DBOUNDARY_AGENT"
#endif

#endif
