/*
 * tcp_state_win.c - lab 04: tcp_state.h on Windows, where the trace's state
 * column says "n/a". The Windows build (windows.mk) compiles it in place of
 * tcp_state.c. Given to you, complete.
 *
 * Linux tells a program its socket's TCP state through TCP_INFO and lists
 * every connection in /proc/net/tcp. WinSock's TCP_INFO (the ioctl
 * SIO_TCP_INFO) exists only since Windows 10. Windows does list the machine's connections with
 * their states (GetExtendedTcpTable() in iphlpapi), but reading that list takes up to a second per
 * call under Wine, which builds it from the whole machine's /proc/net/tcp: twice per step, that
 * would slow every run down and break its timeouts. So this module says honestly that it cannot
 * tell, and the trace shows "state n/a"; the Linux side of a run shows the states.
 */
#include <errno.h>
#include <stdio.h>

#include "sock_compat.h"
#include "tcp_state.h"
#include "trace.h"

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

int tcp_state_of(int fd)
{
    (void)fd;
    errno = WSAEOPNOTSUPP; /* no TCP_INFO here */
    return -1;
}

int tcp_state_of_connection(const struct tcp_endpoint *local, const struct tcp_endpoint *peer)
{
    (void)local;
    (void)peer;
    errno = WSAEOPNOTSUPP; /* no /proc/net/tcp here */
    return -1;
}

void tcp_watch_begin(struct tcp_watch *w, int fd)
{
    w->on = trace_enabled();
    w->fd = fd;
    w->before = TCP_STATE_NONE;
    w->have_ends = false;
    w->aborts = false;
    w->note[0] = '\0';
}

const char *tcp_watch_end(struct tcp_watch *w, int fd)
{
    (void)fd;
    if (!w->on)
        return NULL;
    trace_mark_return(); /* the step's time, as on Linux */
    snprintf(w->note, sizeof w->note, "state n/a");
    return w->note;
}
