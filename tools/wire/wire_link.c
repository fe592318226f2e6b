/*
 * wire_link - the wire between two hosts: forwards every Ethernet frame
 * between two interfaces, after a delay and losing a share of the TCP
 * segments if asked, and records each TCP segment as it enters and as it
 * leaves the wire (a capture file, see segment.h).
 *
 * usage: wire_link -a IF -b IF [-d DELAY] [-l LOSS] [-s SEED] [-o FILE] [-t SECONDS]
 *
 * Needs CAP_NET_RAW (root). `make wire` runs it inside the "wire" network
 * namespace, which holds the far ends (rc, rs) of the client's and the
 * server's veth cables (tools/wire/run_wire.sh). A frame that comes in on
 * one interface goes out of the other DELAY later, unchanged, as a cable or
 * a switch would pass it on; the two hosts never know the wire is there.
 *
 * How: packet sockets, socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL)), which
 * see whole frames (Ethernet header first) of every protocol. One per
 * interface, bound to it, forwards: recvmsg() takes a frame that came in,
 * send() on the other one puts it on the other interface. A third, bound to
 * no interface, only watches: it gets a copy of every frame that comes in
 * or goes out on either interface (but never of the frames it sends
 * itself, which is why it sends none), with, in struct sockaddr_ll, the
 * interface and the direction (sll_pkttype is PACKET_OUTGOING for a frame
 * going out) and, with SO_TIMESTAMPNS, the time the kernel saw it. That
 * time is on CLOCK_REALTIME; it is moved onto CLOCK_MONOTONIC, the clock of
 * the traces, by the offset between the two clocks measured at start.
 *
 * One more thing a wire in software must do: a host's kernel leaves the
 * TCP checksum of an outgoing segment for the network card to fill in
 * (checksum offload), and a veth "card" never does, because it hands the
 * packet to a kernel that trusts it. A copy taken from a packet socket
 * and sent on from user space would arrive with a wrong checksum and be
 * dropped. PACKET_AUXDATA tells which frames are such (TP_STATUS_CSUMNOTREADY),
 * and wire_link computes their checksum before sending them on.
 *
 * Why not tc's netem: it drops a segment before a packet socket on the
 * sender's interface can see it, so the capture would never show the
 * segment that was lost, only its retransmission; and not every kernel has
 * it (CONFIG_NET_SCH_NETEM). Here the loss happens after the segment was
 * recorded coming in. Only TCP segments are ever lost (ARP always passes:
 * a lost ARP request costs a second and teaches nothing about TCP). The
 * choice of what to lose comes from SEED, so a run can be repeated.
 *
 * A limit: a host may hand over one "frame" larger than the link's MTU and
 * leave the cutting to the card (segmentation offload); send() refuses it
 * (EMSGSIZE) and it is lost. Lab 04's messages are far smaller than that.
 *
 * Prints "ready" on stdout once both sockets are bound, and stops on SIGINT
 * or SIGTERM, or after SECONDS (default 60), so it never outlives its run.
 *
 * See also: wire_view, tools/wire/run_wire.sh, packet(7), tc-netem(8).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "clock.h"
#include "err.h"
#include "segment.h"

/* Linux defines the control message's type only for _GNU_SOURCE; it is the
 * option's own number (asm-generic/socket.h). */
#ifndef SCM_TIMESTAMPNS
#define SCM_TIMESTAMPNS SO_TIMESTAMPNS
#endif
/* The same for the packet sockets' option level (linux/socket.h). */
#ifndef SOL_PACKET
#define SOL_PACKET 263
#endif

static const struct cli_spec CLI = {
    .usage = "usage: wire_link -a IF -b IF [-d DELAY] [-l LOSS] [-s SEED] [-o FILE] [-t SECONDS]\n"
             "Forwards every frame between interfaces IF and IF (needs root), DELAY later,\n"
             "losing LOSS percent of the TCP segments, and records each TCP segment as it\n"
             "comes in and goes out, with the kernel's timestamp on CLOCK_MONOTONIC.\n",
    .options =
        {
            {'a', NULL, "IF", "one interface (the far end of one host's cable)"},
            {'b', NULL, "IF", "the other interface (the far end of the other host's cable)"},
            {'d', "delay", "US", "microseconds each frame spends on the wire (default 0)"},
            {'l', "loss", "PERCENT", "TCP segments lost, 0 to 100 (default 0)"},
            {'s', "seed", "N",
             "seed of the loss choice (default 1): the same seed loses\n"
             "the same segments"},
            {'o', "output", "FILE", "write the capture there (default: standard output)"},
            {'t', "time", "SECONDS", "stop after this long at the latest (default 60)"},
        },
    .more = "Prints \"ready\" once forwarding; stops on SIGINT or SIGTERM.\n"
            "Example:\n"
            "  ip netns exec NS wire_link -a rc -b rs -d 50000 -l 5 -o run.wire\n",
};

enum { FRAME_MAX = 65536, QUEUE_MAX = 256 };

/* A frame on its way: where it goes and when it is due. */
struct in_flight {
    int to; /* 0 or 1: the interface it leaves by */
    uint64_t due_ns;
    size_t len;
    unsigned char *bytes;
};

/* The frames on the wire, oldest first. A constant delay keeps them in the
 * order they came in, so a ring is enough. */
static struct {
    struct in_flight slot[QUEUE_MAX];
    size_t head, count;
    unsigned long dropped_full; /* frames lost because the ring was full */
} wire;

struct side {
    const char *name;
    int fd;
    int ifindex;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

/* CLOCK_REALTIME minus CLOCK_MONOTONIC, read between two monotonic reads so
 * that the error is at most half the time between them (well under 1 us). */
static int64_t realtime_offset_ns(void)
{
    struct timespec real;
    uint64_t before = clock_now_ns();
    if (clock_gettime(CLOCK_REALTIME, &real) == -1)
        die_errno("clock_gettime(CLOCK_REALTIME)");
    uint64_t after = clock_now_ns();
    int64_t real_ns = (int64_t)real.tv_sec * 1000000000 + real.tv_nsec;
    return real_ns - (int64_t)(before + (after - before) / 2);
}

/* A packet socket on interface ifindex (0: every interface). */
static int open_packet_socket(int ifindex, const char *name)
{
    /* SOCK_RAW: whole frames, Ethernet header included; ETH_P_ALL: every
     * protocol, in both directions (Linux shows the frames going out of an
     * interface only to ETH_P_ALL sockets). */
    int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
    if (fd == -1) {
        if (errno == EPERM)
            die("socket(AF_PACKET): EPERM: a packet socket needs root (CAP_NET_RAW)");
        die_errno("socket(AF_PACKET, SOCK_RAW, ETH_P_ALL)");
    }
    int on = 1;
    if (setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on) == -1)
        die_errno("setsockopt(SO_TIMESTAMPNS)");
    if (setsockopt(fd, SOL_PACKET, PACKET_AUXDATA, &on, sizeof on) == -1)
        die_errno("setsockopt(PACKET_AUXDATA)");
    struct sockaddr_ll where = {
        .sll_family = AF_PACKET,
        .sll_protocol = htons(ETH_P_ALL),
        .sll_ifindex = ifindex,
    };
    if (bind(fd, (struct sockaddr *)&where, sizeof where) == -1)
        die_errno("bind(AF_PACKET, %s)", name);
    return fd;
}

static void open_side(struct side *s)
{
    s->ifindex = (int)if_nametoindex(s->name);
    if (s->ifindex == 0)
        die_errno("interface %s", s->name);
    s->fd = open_packet_socket(s->ifindex, s->name);
}

/* Writes the frame as a capture line when it holds an IPv4 TCP segment. */
static void record(FILE *out, const unsigned char *frame, size_t len, const char *iface, bool in,
                   uint64_t mono_ns)
{
    struct wire_segment seg;
    /* Ethernet: 6 bytes destination, 6 source, 2 type (0x0800 = IPv4). */
    if (len < 14 || frame[12] != 0x08 || frame[13] != 0x00 ||
        segment_from_packet(frame + 14, len - 14, &seg) == -1)
        return;
    seg.mono_ns = mono_ns;
    seg.in = in;
    snprintf(seg.iface, sizeof seg.iface, "%s", iface);
    char line[256];
    if (segment_format(&seg, line, sizeof line) > 0 && fputs(line, out) == EOF)
        die_errno("write the capture");
}

static bool is_tcp(const unsigned char *frame, size_t len)
{
    return len >= 14 + 20 && frame[12] == 0x08 && frame[13] == 0x00 && frame[14 + 9] == 6;
}

/* Adds 16-bit big-endian words to a one's complement sum (RFC 1071). */
static uint32_t sum16(uint32_t sum, const unsigned char *p, size_t len)
{
    for (size_t i = 0; i + 1 < len; i += 2)
        sum += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (len & 1)
        sum += (uint32_t)(p[len - 1] << 8);
    return sum;
}

/* Writes the TCP checksum of the IPv4 TCP segment in frame (see the header
 * comment: the sender's kernel left it to the "card"). */
static void fill_tcp_checksum(unsigned char *frame, size_t len)
{
    unsigned char *ip = frame + 14;
    size_t ihl = (size_t)(ip[0] & 0x0f) * 4;
    size_t total = (size_t)(ip[2] << 8 | ip[3]);
    if (ihl < 20 || total > len - 14 || total < ihl + 20)
        return;
    unsigned char *tcp = ip + ihl;
    size_t tcp_len = total - ihl;
    tcp[16] = tcp[17] = 0;
    /* The pseudo-header: both addresses, the protocol and the TCP length. */
    uint32_t sum = sum16(0, ip + 12, 8) + 6 + (uint32_t)tcp_len;
    sum = sum16(sum, tcp, tcp_len);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    uint16_t check = (uint16_t)~sum;
    tcp[16] = (unsigned char)(check >> 8);
    tcp[17] = (unsigned char)(check & 0xff);
}

/* One frame as a packet socket hands it over. */
struct frame {
    unsigned char bytes[FRAME_MAX];
    size_t len;
    int ifindex;
    bool outgoing;         /* going out of the interface (PACKET_OUTGOING) */
    bool checksum_missing; /* left to the "card" (TP_STATUS_CSUMNOTREADY) */
    uint64_t mono_ns;      /* when the kernel saw it */
};

/*
 * Receives one frame from fd into f. Returns 1, 0 for a frame to ignore
 * (larger than FRAME_MAX), or -1 with errno (EAGAIN: nothing waiting).
 */
static int receive_frame(int fd, struct frame *f, int64_t offset_ns)
{
    struct sockaddr_ll addr;
    union { /* aligned room for the two control messages */
        struct cmsghdr align;
        char buf[CMSG_SPACE(sizeof(struct timespec)) + CMSG_SPACE(sizeof(struct tpacket_auxdata))];
    } control;
    struct iovec iov = {.iov_base = f->bytes, .iov_len = sizeof f->bytes};
    struct msghdr msg = {
        .msg_name = &addr,
        .msg_namelen = sizeof addr,
        .msg_iov = &iov,
        .msg_iovlen = 1,
        .msg_control = control.buf,
        .msg_controllen = sizeof control.buf,
    };
    ssize_t n = recvmsg(fd, &msg, MSG_DONTWAIT);
    if (n == -1)
        return -1;
    if (msg.msg_flags & MSG_TRUNC)
        return 0;
    f->len = (size_t)n;
    f->ifindex = addr.sll_ifindex;
    f->outgoing = addr.sll_pkttype == PACKET_OUTGOING;
    f->checksum_missing = false;
    f->mono_ns = clock_now_ns(); /* our own clock only if the kernel sent no time */
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
            struct timespec ts;
            memcpy(&ts, CMSG_DATA(c), sizeof ts);
            f->mono_ns = (uint64_t)((int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec - offset_ns);
        } else if (c->cmsg_level == SOL_PACKET && c->cmsg_type == PACKET_AUXDATA) {
            struct tpacket_auxdata aux;
            memcpy(&aux, CMSG_DATA(c), sizeof aux);
            f->checksum_missing = (aux.tp_status & TP_STATUS_CSUMNOTREADY) != 0;
        }
    }
    return 1;
}

/* The watcher: records every TCP segment in or out of either interface.
 * Returns 0, or -1 with errno (EAGAIN: nothing waiting). */
static int watch_one(int fd, const struct side *sides, FILE *out, int64_t offset_ns)
{
    static struct frame f;
    int got = receive_frame(fd, &f, offset_ns);
    if (got <= 0)
        return got;
    for (int i = 0; i < 2; i++) {
        if (f.ifindex == sides[i].ifindex)
            record(out, f.bytes, f.len, sides[i].name, !f.outgoing, f.mono_ns);
    }
    return 0;
}

/*
 * A forwarder: takes one frame that came in on side `from` and puts it on
 * the wire toward the other side, unless it is lost. Returns 0, or -1 with
 * errno (EAGAIN: nothing waiting).
 */
static int forward_one(struct side *sides, int from, int64_t offset_ns, uint64_t delay_ns,
                       unsigned loss_permille)
{
    static struct frame f;
    int got = receive_frame(sides[from].fd, &f, offset_ns);
    if (got <= 0)
        return got;
    if (f.outgoing)
        return 0; /* going out, not coming in: not ours to pass on */
    if (is_tcp(f.bytes, f.len) && (unsigned)(rand() % 1000) < loss_permille)
        return 0; /* lost on the wire: seen coming in, never going out */
    if (f.checksum_missing && is_tcp(f.bytes, f.len))
        fill_tcp_checksum(f.bytes, f.len);
    if (wire.count == QUEUE_MAX) {
        wire.dropped_full++;
        return 0;
    }
    struct in_flight *slot = &wire.slot[(wire.head + wire.count) % QUEUE_MAX];
    slot->bytes = malloc(f.len);
    if (slot->bytes == NULL)
        die_errno("malloc");
    memcpy(slot->bytes, f.bytes, f.len);
    slot->len = f.len;
    slot->to = 1 - from;
    slot->due_ns = f.mono_ns + delay_ns;
    wire.count++;
    return 0;
}

/* Sends every frame whose time has come; returns ms until the next is due (-1: none). */
static int send_due(struct side *sides)
{
    while (wire.count > 0) {
        struct in_flight *f = &wire.slot[wire.head];
        uint64_t now = clock_now_ns();
        if (f->due_ns > now) {
            uint64_t wait_ms = (f->due_ns - now + 999999) / 1000000;
            return wait_ms > 200 ? 200 : (int)wait_ms;
        }
        if (send(sides[f->to].fd, f->bytes, f->len, 0) == -1 && errno != ENOBUFS &&
            errno != EMSGSIZE)
            die_errno("send on %s", sides[f->to].name);
        /* ENOBUFS, EMSGSIZE: the frame is lost, as on a real link. */
        free(f->bytes);
        wire.head = (wire.head + 1) % QUEUE_MAX;
        wire.count--;
    }
    return -1;
}

int main(int argc, char **argv)
{
    err_set_progname(argv[0]);
    struct side sides[2] = {{NULL, -1, 0}, {NULL, -1, 0}};
    const char *path = NULL;
    long seconds = 60, delay_us = 0, loss = 0, seed = 1;
    int opt;
    while ((opt = cli_next_option(&CLI, argc, argv)) != -1) {
        switch (opt) {
        case 'a':
            sides[0].name = optarg;
            break;
        case 'b':
            sides[1].name = optarg;
            break;
        case 'd':
            delay_us = cli_parse_long(optarg, 0, 10000000, "delay in microseconds");
            break;
        case 'l':
            loss = cli_parse_long(optarg, 0, 100, "loss percent");
            break;
        case 'o':
            path = optarg;
            break;
        case 's':
            seed = cli_parse_long(optarg, 0, 2147483647, "seed");
            break;
        case 't':
            seconds = cli_parse_long(optarg, 1, 3600, "seconds");
            break;
        }
    }
    if (optind != argc)
        die_usage("unexpected argument '%s'", argv[optind]);
    if (sides[0].name == NULL || sides[1].name == NULL)
        die_usage("missing -a IF and -b IF: the two interfaces to join");
    srand((unsigned)seed);

    /* No SA_RESTART: a signal interrupts poll() and the loop sees stop. */
    struct sigaction sa = {.sa_handler = on_signal};
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGINT, &sa, NULL) == -1 || sigaction(SIGTERM, &sa, NULL) == -1)
        die_errno("sigaction");

    FILE *out = stdout;
    if (path && (out = fopen(path, "we")) == NULL)
        die_errno("open %s", path);
    open_side(&sides[0]);
    open_side(&sides[1]);
    int watcher = open_packet_socket(0, "every interface");
    int64_t offset_ns = realtime_offset_ns();
    if (fputs(WIRE_HEADER, out) == EOF || fflush(out) == EOF)
        die_errno("write the capture");
    if (path) { /* with -o, stdout is free for the ready line */
        printf("ready\n");
        fflush(stdout);
    }

    uint64_t delay_ns = (uint64_t)delay_us * 1000;
    unsigned loss_permille = (unsigned)loss * 10;
    uint64_t deadline = clock_now_ns() + (uint64_t)seconds * 1000000000u;
    while (!stop && clock_now_ns() < deadline) {
        int timeout = send_due(sides);
        struct pollfd p[3] = {{.fd = sides[0].fd, .events = POLLIN},
                              {.fd = sides[1].fd, .events = POLLIN},
                              {.fd = watcher, .events = POLLIN}};
        if (poll(p, 3, timeout == -1 ? 200 : timeout) == -1) {
            if (errno == EINTR)
                continue;
            die_errno("poll");
        }
        for (int i = 0; i < 2; i++) {
            while (forward_one(sides, i, offset_ns, delay_ns, loss_permille) == 0) {
            }
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                die_errno("recvmsg on %s", sides[i].name);
        }
        while (watch_one(watcher, sides, out, offset_ns) == 0) {
        }
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            die_errno("recvmsg (watching)");
    }
    /* What the watcher saw last is still queued: record it too. */
    while (watch_one(watcher, sides, out, offset_ns) == 0) {
    }
    if (close(watcher) == -1 || close(sides[0].fd) == -1 || close(sides[1].fd) == -1)
        die_errno("close");
    while (wire.count > 0) { /* frames still on the wire when it was cut */
        free(wire.slot[wire.head].bytes);
        wire.head = (wire.head + 1) % QUEUE_MAX;
        wire.count--;
    }
    if (wire.dropped_full)
        warn_msg("%lu frames lost because more than %d were on the wire at once", wire.dropped_full,
                 QUEUE_MAX);
    if (fflush(out) == EOF || (path && fclose(out) == EOF))
        die_errno("write the capture");
    return 0;
}
