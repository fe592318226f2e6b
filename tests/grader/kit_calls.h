/*
 * kit_calls.h - the kit's own calls across the boundary, before every lab's
 * (boundary_calls.h): the fault plans of fault.h and the services of
 * agent_services.h run inside the student process, where the student's
 * calls are.
 */
#ifndef IPC_KIT_KIT_CALLS_H
#define IPC_KIT_KIT_CALLS_H

#include "agent_services.h"
#include "fault.h"

#define KIT_CALLS                                                                                  \
    CALL2((RET_VOID, void), fault_set, (VALUE, enum fault_op, op),                                 \
          (VALUE, struct fault_plan, plan))                                                        \
    CALL0((RET_VOID, void), fault_reset)                                                           \
    CALL1((RET, unsigned long), fault_calls, (VALUE, enum fault_op, op))                           \
    CALL1((RET, unsigned long), fault_injected, (VALUE, enum fault_op, op))                        \
    CALL1((RET_STRING, const char *), fault_describe, (VALUE, enum fault_op, op))                  \
    CALL1((RET, long), agent_interrupt_every, (VALUE, long, interval_us))                          \
    CALL2((RET, int), agent_set_signal, (VALUE, int, sig), (VALUE, int, ignore))                   \
    CALL1((RET, int), agent_trace_to, (STRING, const char *, path))                                \
    CALL1((RET_FD, int), agent_count_calls_on, (VALUE, int, fd))

#endif
