/*
 * boundary_wire.h - what the checker (boundary_checker.c) and the agent
 * (boundary_agent.c) agree on, besides the call table: request kinds, the
 * descriptors the agent starts with, and where each side keeps its own.
 */
#ifndef IPC_KIT_BOUNDARY_WIRE_H
#define IPC_KIT_BOUNDARY_WIRE_H

enum boundary_kind {
    BOUNDARY_HELLO = 1, /* agent -> checker, first: its pid */
    BOUNDARY_CALL,      /* checker -> agent: call number, busy descriptors, parameters */
    BOUNDARY_RETURN,    /* agent -> checker: result, errno, out-parameters */
    BOUNDARY_FORK,      /* checker -> agent: fork a copy serving these two sockets */
    BOUNDARY_THREAD,    /* checker -> agent: a thread serving this socket */
    BOUNDARY_DONE,      /* agent -> checker: the fork or thread request is done */
    BOUNDARY_CALLBACK,  /* student process -> checker: run callback id on this fd */
};

enum {
    /* The agent's sockets as it starts (execv): its connection, and the
     * socket its callbacks go out on. */
    AGENT_START_CONN_FD = 3,
    AGENT_START_CALLBACK_FD = 4,
    /* Both sides keep their own descriptors from here up, out of the way of
     * the numbers tests and student code use (and of the judge's at 900). */
    BOUNDARY_FD_FLOOR = 940,
    /* Descriptors 0..BOUNDARY_BUSY_MAX-1 the checker has open are held in the
     * agent for the length of a call, so what the student's code opens gets
     * a number that is free in the checker too. */
    BOUNDARY_BUSY_MAX = 256,
};

#endif
