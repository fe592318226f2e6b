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
