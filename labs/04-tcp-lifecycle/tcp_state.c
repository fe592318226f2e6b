/*
 * tcp_state.c - lab 04: the TCP state of a socket (see tcp_state.h).
 * Given to you, complete.
 */
/* struct tcp_info and TCP_INFO are Linux extensions: glibc shows them only
 * with _DEFAULT_SOURCE, which this file alone needs. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "tcp_state.h"
#include "trace.h"

int tcp_state_of(int fd)
{
    struct tcp_info info;
    socklen_t len = sizeof info;
    if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &len) == -1)
        return -1;
    return info.tcpi_state;
}

/*
 * Writes an endpoint the way /proc/net/tcp shows it: the address as the
 * kernel's 32-bit words in hex (in this machine's byte order, so the same
 * words give the same text), a colon, and the port in hex.
 */
static void proc_net_text(const struct tcp_endpoint *ep, char *buf, size_t size)
{
    int port = tcp_endpoint_port(ep);
    if (ep->addr.ss_family == AF_INET) {
        uint32_t word;
        memcpy(&word, &((const struct sockaddr_in *)&ep->addr)->sin_addr, sizeof word);
        snprintf(buf, size, "%08X:%04X", (unsigned)word, (unsigned)port);
    } else {
        uint32_t words[4];
        memcpy(words, &((const struct sockaddr_in6 *)&ep->addr)->sin6_addr, sizeof words);
        snprintf(buf, size, "%08X%08X%08X%08X:%04X", (unsigned)words[0], (unsigned)words[1],
                 (unsigned)words[2], (unsigned)words[3], (unsigned)port);
    }
}

int tcp_state_of_connection(const struct tcp_endpoint *local, const struct tcp_endpoint *peer)
{
    sa_family_t family = local->addr.ss_family;
    if ((family != AF_INET && family != AF_INET6) || peer->addr.ss_family != family) {
        errno = EAFNOSUPPORT;
        return -1;
    }
    char want_local[48], want_peer[48];
    proc_net_text(local, want_local, sizeof want_local);
    proc_net_text(peer, want_peer, sizeof want_peer);

    FILE *in = fopen(family == AF_INET ? "/proc/net/tcp" : "/proc/net/tcp6", "re");
    if (in == NULL)
        return -1;
    /* One connection per line after the heading:
     *    sl  local_address rem_address   st ...
     *     0: 0100007F:A0A2 0100007F:1F90 06 ...      */
    int state = TCP_STATE_CLOSED;
    char line[512];
    while (fgets(line, sizeof line, in)) {
        char l[48], r[48];
        unsigned st;
        if (sscanf(line, " %*u: %47s %47s %x", l, r, &st) == 3 && strcmp(l, want_local) == 0 &&
            strcmp(r, want_peer) == 0) {
            state = (int)st;
            break;
        }
    }
    fclose(in);
    return state;
}

/*
 * Once the kernel moves a connection to TIME_WAIT it hands it to a small
 * stand-in and marks the socket itself CLOSED, and getpeername() then fails.
 * So the two ends of each connected descriptor are remembered while they can
 * be read; with them the connection is found in /proc/net/tcp after that.
 * Indexed by descriptor; one thread at a time, like the trace notes.
 */
#define REMEMBERED_FDS 1024
static struct {
    bool known;
    struct tcp_endpoint local, peer;
} remembered[REMEMBERED_FDS];

static bool same_endpoint(const struct tcp_endpoint *a, const struct tcp_endpoint *b)
{
    return a->len == b->len && memcmp(&a->addr, &b->addr, a->len) == 0;
}

/* Reads fd's two ends into w, or takes them from what was remembered. */
static void find_ends(struct tcp_watch *w, int fd)
{
    /* Not traced: these two only serve the note, not the lab's steps. */
    w->local.len = sizeof w->local.addr;
    w->peer.len = sizeof w->peer.addr;
    if (getsockname(fd, (struct sockaddr *)&w->local.addr, &w->local.len) == -1)
        return;
    bool remembers = fd < REMEMBERED_FDS && remembered[fd].known;
    if (getpeername(fd, (struct sockaddr *)&w->peer.addr, &w->peer.len) == 0) {
        w->have_ends = true;
        if (fd < REMEMBERED_FDS) {
            remembered[fd].known = true;
            remembered[fd].local = w->local;
            remembered[fd].peer = w->peer;
        }
    } else if (remembers && same_endpoint(&remembered[fd].local, &w->local)) {
        w->have_ends = true;
        w->peer = remembered[fd].peer;
    }
}

/* A socket that says CLOSED may have left its connection in TIME_WAIT. */
static int look_past_closed(const struct tcp_watch *w, int state)
{
    if (state != TCP_STATE_CLOSED || !w->have_ends)
        return state;
    int listed = tcp_state_of_connection(&w->local, &w->peer);
    return listed == -1 ? TCP_STATE_CLOSED : listed;
}

/*
 * The state diagram (RFC 9293, figure 5, with Linux's FIN+ACK shortcut
 * FIN_WAIT1 -> TIME_WAIT): EDGES[a] lists every state one event can move a
 * connection to from state a. TCP_STATE_NONE ("no socket yet") leads to the
 * new socket of socket() (CLOSED) or accept() (ESTABLISHED). An RST, sent
 * (abort) or received (ECONNRESET), moves any connected state to CLOSED.
 */
#define MAX_EDGES 4
static const unsigned char EDGES[][MAX_EDGES] = {
    [TCP_STATE_NONE] = {TCP_STATE_CLOSED, TCP_STATE_ESTABLISHED},
    [TCP_STATE_CLOSED] = {TCP_STATE_LISTEN, TCP_STATE_SYN_SENT},
    [TCP_STATE_LISTEN] = {TCP_STATE_CLOSED, TCP_STATE_SYN_SENT, TCP_STATE_SYN_RECV},
    [TCP_STATE_SYN_SENT] = {TCP_STATE_ESTABLISHED, TCP_STATE_SYN_RECV, TCP_STATE_CLOSED},
    [TCP_STATE_SYN_RECV] = {TCP_STATE_ESTABLISHED, TCP_STATE_FIN_WAIT1, TCP_STATE_LISTEN},
    [TCP_STATE_ESTABLISHED] = {TCP_STATE_FIN_WAIT1, TCP_STATE_CLOSE_WAIT},
    [TCP_STATE_FIN_WAIT1] = {TCP_STATE_FIN_WAIT2, TCP_STATE_CLOSING, TCP_STATE_TIME_WAIT},
    [TCP_STATE_FIN_WAIT2] = {TCP_STATE_TIME_WAIT},
    [TCP_STATE_CLOSING] = {TCP_STATE_TIME_WAIT},
    [TCP_STATE_TIME_WAIT] = {TCP_STATE_CLOSED},
    [TCP_STATE_CLOSE_WAIT] = {TCP_STATE_LAST_ACK},
    [TCP_STATE_LAST_ACK] = {TCP_STATE_CLOSED},
};
#define NSTATES ((int)(sizeof EDGES / sizeof EDGES[0]))

static bool valid_state(int s)
{
    return s >= 0 && s < NSTATES;
}

static bool is_edge(int from, int to, bool reset)
{
    if (reset && to == TCP_STATE_CLOSED && from != TCP_STATE_NONE && from != TCP_STATE_CLOSED)
        return true;
    for (int e = 0; e < MAX_EDGES && EDGES[from][e] != 0; e++)
        if (EDGES[from][e] == to)
            return true;
    return false;
}

/* The first state on the shortest way from `from` to `to`, or -1 when there is none. */
static int first_on_path(int from, int to, bool reset)
{
    int came_from[NSTATES];
    for (int i = 0; i < NSTATES; i++)
        came_from[i] = -1;
    int queue[NSTATES], head = 0, tail = 0;
    queue[tail++] = from;
    came_from[from] = from;
    while (head < tail) {
        int s = queue[head++];
        for (int next = 0; next < NSTATES; next++) {
            if (came_from[next] != -1 || !is_edge(s, next, reset))
                continue;
            came_from[next] = s;
            if (next == to) { /* walk back to the step after `from` */
                while (came_from[next] != from)
                    next = came_from[next];
                return next;
            }
            queue[tail++] = next;
        }
    }
    return -1;
}

/*
 * The move a step made, from the states read just before and just after it.
 * A step makes at most one move; any later ones, seen when the state was
 * read, were the peer's doing (its ACK or FIN arrived meanwhile), so only
 * the first move on the way is the step's. RST edges count only when the
 * step may have sent or met one (a close after SO_LINGER {1, 0} or with
 * unread data, a call that failed with ECONNRESET or EPIPE);
 * otherwise a close in CLOSE_WAIT that is already CLOSED went by LAST_ACK.
 */
static int step_move(int from, int to, bool reset)
{
    if (!valid_state(from) || !valid_state(to) || from == to)
        return from;
    int first = first_on_path(from, to, reset);
    if (first == -1 && !reset)
        first = first_on_path(from, to, true);
    return first == -1 ? from : first;
}

/* The state of fd now: TCP_INFO first (fast, so nothing happens between the
 * step and this reading), /proc/net/tcp only for a socket that says CLOSED. */
static int state_now(struct tcp_watch *w, int fd, bool *gone)
{
    *gone = false;
    int state = fd >= 0 ? tcp_state_of(fd) : TCP_STATE_NONE;
    if (state == -1 && errno == EBADF) {
        *gone = true; /* the step closed fd; the kernel may still hold the connection */
        return look_past_closed(w, TCP_STATE_CLOSED);
    }
    if (state == -1)
        return TCP_STATE_NONE; /* not a TCP socket */
    return look_past_closed(w, state);
}

void tcp_watch_begin(struct tcp_watch *w, int fd)
{
    int saved = errno;
    w->on = trace_enabled();
    w->fd = fd;
    w->before = TCP_STATE_NONE;
    w->have_ends = false;
    w->note[0] = '\0';
    w->aborts = false;
    if (w->on && fd >= 0) {
        find_ends(w, fd); /* first, so the state is read as late as possible */
        struct linger lg;
        socklen_t len = sizeof lg;
        int unread = 0;
        /* close() sends RST, not FIN, after SO_LINGER {1, 0} or with unread data. */
        w->aborts = (getsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, &len) == 0 && lg.l_onoff &&
                     lg.l_linger == 0) ||
                    (ioctl(fd, FIONREAD, &unread) == 0 && unread > 0);
        bool gone;
        w->before = state_now(w, fd, &gone);
    }
    if (w->on)
        trace_call_starts(); /* last, so the start is as close to the call as we can get */
    errno = saved;
}

const char *tcp_watch_end(struct tcp_watch *w, int fd)
{
    if (!w->on)
        return NULL;
    int saved = errno;
    trace_mark_return(); /* the step's time: now, before anything else */
    if (w->fd < 0 && fd >= 0 && fd < REMEMBERED_FDS)
        remembered[fd].known = false; /* a new socket: forget the last one with this number */
    bool gone;
    int seen = state_now(w, fd, &gone);
    if (gone && fd >= 0 && fd < REMEMBERED_FDS)
        remembered[fd].known = false;
    /* The state diagram is the judge: never a move TCP cannot make. */
    /* An RST: sent by this close, or met by a call that failed with it. */
    bool reset = w->aborts || (!gone && (saved == ECONNRESET || saved == EPIPE));
    int after = step_move(w->before, seen, reset);
    if (after == seen)
        snprintf(w->note, sizeof w->note, "state %s -> %s", tcp_state_name(w->before),
                 tcp_state_name(after));
    else
        snprintf(w->note, sizeof w->note, "state %s -> %s (then %s)", tcp_state_name(w->before),
                 tcp_state_name(after), tcp_state_name(seen));
    /* The same facts as fields of the trace line, for every reader. */
    trace_mark_states(tcp_state_name(w->before), tcp_state_name(after),
                      after == seen ? NULL : tcp_state_name(seen));
    errno = saved;
    return w->note;
}
