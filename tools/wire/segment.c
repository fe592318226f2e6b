/* segment.c - see segment.h. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "segment.h"

const char WIRE_HEADER[] =
    "# mono_ns\tiface\tdir\tsrc\tsport\tdst\tdport\tseq\tack\tflags\twin\turp\t"
    "len\topts\n";

/* The letters of the capture file, each with its bit. */
static const struct {
    char letter;
    uint8_t bit;
} FLAG_LETTERS[] = {
    {'S', SEG_SYN}, {'A', SEG_ACK}, {'F', SEG_FIN}, {'R', SEG_RST}, {'P', SEG_PSH}, {'U', SEG_URG},
};
#define FLAG_COUNT (sizeof FLAG_LETTERS / sizeof FLAG_LETTERS[0])

/* Network byte order is big-endian: the most significant byte comes first.
 * Reading byte by byte works on any machine and at any alignment. */
static uint16_t get16(const unsigned char *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void ipv4_text(const unsigned char *p, char *buf, size_t size)
{
    snprintf(buf, size, "%u.%u.%u.%u", p[0], p[1], p[2], p[3]);
}

/* The SYN options that the timeline shows: MSS (kind 2) and window scale (kind 3). */
static void read_options(const unsigned char *opt, size_t size, struct wire_segment *seg)
{
    size_t i = 0;
    while (i < size) {
        unsigned kind = opt[i];
        if (kind == 0) /* end of options */
            break;
        if (kind == 1) { /* no-operation: one byte of padding */
            i++;
            continue;
        }
        if (i + 1 >= size || opt[i + 1] < 2 || i + opt[i + 1] > size)
            break; /* a broken length: stop rather than read past the header */
        unsigned len = opt[i + 1];
        if (kind == 2 && len == 4)
            seg->mss = get16(opt + i + 2);
        else if (kind == 3 && len == 3)
            seg->ws = opt[i + 2];
        i += len;
    }
}

int segment_from_packet(const unsigned char *b, size_t size, struct wire_segment *seg)
{
    /* IPv4 header: version and header length (in 32-bit words) in byte 0,
     * total length at 2, protocol at 9, addresses at 12 and 16. */
    if (size < 20 || b[0] >> 4 != 4 || b[9] != 6 /* TCP */)
        goto not_tcp;
    size_t ihl = (size_t)(b[0] & 0x0f) * 4;
    size_t total = get16(b + 2);
    if (ihl < 20 || total > size || total < ihl + 20)
        goto not_tcp;
    const unsigned char *t = b + ihl;
    /* TCP header: ports at 0 and 2, seq at 4, ack at 8, data offset (in
     * 32-bit words) in the top half of byte 12, flags in byte 13, window at
     * 14, urgent pointer at 18, options from 20 to the data offset. */
    size_t doff = (size_t)(t[12] >> 4) * 4;
    if (doff < 20 || ihl + doff > total)
        goto not_tcp;
    ipv4_text(b + 12, seg->src, sizeof seg->src);
    ipv4_text(b + 16, seg->dst, sizeof seg->dst);
    seg->sport = get16(t);
    seg->dport = get16(t + 2);
    seg->seq = get32(t + 4);
    seg->ack = get32(t + 8);
    seg->flags = t[13] & 0x3f;
    seg->win = get16(t + 14);
    seg->urp = get16(t + 18);
    seg->len = (uint32_t)(total - ihl - doff);
    seg->mss = -1;
    seg->ws = -1;
    read_options(t + 20, doff - 20, seg);
    return 0;
not_tcp:
    errno = EINVAL;
    return -1;
}

void segment_flags_text(uint8_t flags, char *buf, size_t size)
{
    size_t used = 0;
    for (size_t i = 0; i < FLAG_COUNT && used + 1 < size; i++) {
        if (flags & FLAG_LETTERS[i].bit)
            buf[used++] = FLAG_LETTERS[i].letter;
    }
    if (used == 0 && size > 1)
        buf[used++] = '-';
    if (size > 0)
        buf[used] = '\0';
}

int segment_format(const struct wire_segment *s, char *buf, size_t size)
{
    char flags[8], opts[32] = "-";
    segment_flags_text(s->flags, flags, sizeof flags);
    if (s->mss >= 0 && s->ws >= 0)
        snprintf(opts, sizeof opts, "mss=%d,ws=%d", s->mss, s->ws);
    else if (s->mss >= 0)
        snprintf(opts, sizeof opts, "mss=%d", s->mss);
    else if (s->ws >= 0)
        snprintf(opts, sizeof opts, "ws=%d", s->ws);
    int n = snprintf(buf, size,
                     "%" PRIu64 "\t%s\t%s\t%s\t%u\t%s\t%u\t%" PRIu32 "\t%" PRIu32
                     "\t%s\t%u\t%u\t%" PRIu32 "\t%s\n",
                     s->mono_ns, s->iface, s->in ? "in" : "out", s->src, s->sport, s->dst, s->dport,
                     s->seq, s->ack, flags, s->win, s->urp, s->len, opts);
    if (n < 0 || (size_t)n >= size) {
        errno = EINVAL;
        return -1;
    }
    return n;
}

static int parse_flags(const char *text, uint8_t *flags)
{
    *flags = 0;
    if (strcmp(text, "-") == 0)
        return 0;
    for (const char *p = text; *p; p++) {
        size_t i = 0;
        while (i < FLAG_COUNT && FLAG_LETTERS[i].letter != *p)
            i++;
        if (i == FLAG_COUNT)
            return -1;
        *flags |= FLAG_LETTERS[i].bit;
    }
    return 0;
}

int segment_parse(const char *line, struct wire_segment *s)
{
    char dir[4], flags[8], opts[32];
    uint64_t mono;
    unsigned sport, dport, win, urp;
    uint32_t seq, ack, len;
    int n = sscanf(line,
                   "%" SCNu64 "\t%15s\t%3s\t%15s\t%u\t%15s\t%u\t%" SCNu32 "\t%" SCNu32
                   "\t%7s\t%u\t%u\t%" SCNu32 "\t%31s",
                   &mono, s->iface, dir, s->src, &sport, s->dst, &dport, &seq, &ack, flags, &win,
                   &urp, &len, opts);
    if (n != 14 || sport > 65535 || dport > 65535 || win > 65535 || urp > 65535 ||
        (strcmp(dir, "in") != 0 && strcmp(dir, "out") != 0) || parse_flags(flags, &s->flags))
        goto bad;
    s->mono_ns = mono;
    s->in = strcmp(dir, "in") == 0;
    s->sport = (uint16_t)sport;
    s->dport = (uint16_t)dport;
    s->seq = seq;
    s->ack = ack;
    s->win = (uint16_t)win;
    s->urp = (uint16_t)urp;
    s->len = len;
    s->mss = -1;
    s->ws = -1;
    const char *m = strstr(opts, "mss=");
    const char *w = strstr(opts, "ws=");
    if (m)
        s->mss = atoi(m + 4);
    if (w)
        s->ws = atoi(w + 3);
    return 0;
bad:
    errno = EINVAL;
    return -1;
}
