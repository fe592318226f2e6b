/*
 * tcp_state_names.c - lab 04: the names of the TCP states (see tcp_state.h).
 * Given to you, complete. Both builds use it: tcp_state.c (Linux) and
 * win/tcp_state_win.c (Windows) differ in how they learn a state, never in
 * what it is called.
 */
#include <stddef.h>

#include "tcp_state.h"

/* The names the trace prints, indexed by the kernel's state numbers. */
static const char *const STATE_NAMES[] = {
    [TCP_STATE_NONE] = "-",
    [TCP_STATE_ESTABLISHED] = "ESTABLISHED",
    [TCP_STATE_SYN_SENT] = "SYN_SENT",
    [TCP_STATE_SYN_RECV] = "SYN_RECV",
    [TCP_STATE_FIN_WAIT1] = "FIN_WAIT1",
    [TCP_STATE_FIN_WAIT2] = "FIN_WAIT2",
    [TCP_STATE_TIME_WAIT] = "TIME_WAIT",
    [TCP_STATE_CLOSED] = "CLOSED",
    [TCP_STATE_CLOSE_WAIT] = "CLOSE_WAIT",
    [TCP_STATE_LAST_ACK] = "LAST_ACK",
    [TCP_STATE_LISTEN] = "LISTEN",
    [TCP_STATE_CLOSING] = "CLOSING",
};

const char *tcp_state_name(int state)
{
    if (state < 0 || (size_t)state >= sizeof STATE_NAMES / sizeof STATE_NAMES[0])
        return "UNKNOWN";
    return STATE_NAMES[state];
}
