/* timeline.c - see timeline.h. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "timeline.h"

uint64_t timeline_call_start(const struct trace_event *ev)
{
    return ev->start_ns != 0 && ev->start_ns <= ev->mono_ns ? ev->start_ns : ev->mono_ns;
}

void timeline_flags_name(uint8_t flags, char *buf, size_t size)
{
    static const struct {
        uint8_t bit;
        const char *name;
    } NAMES[] = {{SEG_URG, "URG"}, {SEG_SYN, "SYN"}, {SEG_FIN, "FIN"},
                 {SEG_RST, "RST"}, {SEG_PSH, "PSH"}, {SEG_ACK, "ACK"}};
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof NAMES / sizeof NAMES[0]; i++) {
        if ((flags & NAMES[i].bit) == 0)
            continue;
        int n = snprintf(buf + used, size - used, "%s%s", used ? "," : "", NAMES[i].name);
        if (n < 0 || (size_t)n >= size - used)
            break;
        used += (size_t)n;
    }
    if (used == 0)
        snprintf(buf, size, "(none)");
}

static bool same_endpoints(const struct wire_segment *a, const struct wire_segment *b)
{
    return a->sport == b->sport && a->dport == b->dport && strcmp(a->src, b->src) == 0 &&
           strcmp(a->dst, b->dst) == 0;
}

static bool reversed_endpoints(const struct wire_segment *a, const struct wire_segment *b)
{
    return a->sport == b->dport && a->dport == b->sport && strcmp(a->src, b->dst) == 0 &&
           strcmp(a->dst, b->src) == 0;
}

/* The same packet seen twice: going in from its sender, going out to its receiver. */
static bool same_packet(const struct wire_segment *in, const struct wire_segment *out)
{
    return same_endpoints(in, out) && in->seq == out->seq && in->ack == out->ack &&
           in->flags == out->flags && in->len == out->len && in->win == out->win &&
           in->urp == out->urp;
}

/*
 * Gives each "out" line to its segment: the latest one that came in before
 * it, is the same packet and has no way out yet. A retransmission is the
 * same packet as the segment it repeats; with a constant delay the copy
 * that went out is the last one that came in before it did (an earlier
 * copy that found no way out was lost).
 */
static void match_arrivals(struct timeline *tl, const struct wire_segment *segs, size_t nsegs)
{
    for (size_t j = 0; j < nsegs; j++) {
        if (segs[j].in)
            continue;
        struct wire_item *best = NULL;
        for (size_t k = 0; k < tl->nitems; k++) {
            struct wire_item *it = &tl->items[k];
            if (it->lost && it->seg->mono_ns <= segs[j].mono_ns && same_packet(it->seg, &segs[j]))
                best = it; /* items are in time order: the last one wins */
        }
        if (best) {
            best->lost = false;
            best->arrive_ns = segs[j].mono_ns;
        }
    }
}

/* How much sequence space a segment uses: its bytes, plus one for SYN and one for FIN. */
static uint32_t seq_space(const struct wire_segment *s)
{
    return s->len + ((s->flags & SEG_SYN) ? 1u : 0u) + ((s->flags & SEG_FIN) ? 1u : 0u);
}

/* Marks retransmissions: sequence space below what this direction had already sent. */
static void mark_retransmissions(struct timeline *tl)
{
    bool any[2] = {false, false};
    uint32_t next[2] = {0, 0}; /* relative: one past the highest seq sent so far */
    for (size_t i = 0; i < tl->nitems; i++) {
        struct wire_item *it = &tl->items[i];
        uint32_t space = seq_space(it->seg);
        if (space == 0)
            continue; /* a bare ACK or RST: nothing to resend */
        int d = it->dir;
        /* Unsigned difference: correct across the 2^32 wrap of seq numbers. */
        if (any[d] && (int32_t)(it->rel_seq - next[d]) < 0) {
            it->retransmission = true;
            for (size_t j = 0; j < i; j++) { /* the first item that sent this seq */
                const struct wire_item *o = &tl->items[j];
                if (o->dir == it->dir && seq_space(o->seg) > 0 &&
                    (int32_t)(it->rel_seq - o->rel_seq) >= 0 &&
                    (int32_t)(it->rel_seq - (o->rel_seq + seq_space(o->seg))) < 0) {
                    it->first_sent = j;
                    break;
                }
            }
        }
        uint32_t end = it->rel_seq + space;
        if (!any[d] || (int32_t)(end - next[d]) > 0)
            next[d] = end;
        any[d] = true;
    }
}

/* Relative numbers and scaled windows, once the ISNs and scales are known. */
static void make_relative(struct timeline *tl)
{
    uint32_t isn[2] = {0, 0};
    int ws[2] = {-1, -1};
    bool have[2] = {false, false};
    for (size_t i = 0; i < tl->nitems; i++) {
        const struct wire_segment *s = tl->items[i].seg;
        int d = tl->items[i].dir;
        if ((s->flags & SEG_SYN) && !have[d]) {
            isn[d] = s->seq;
            ws[d] = s->ws;
            have[d] = true;
        }
    }
    /* Window scaling is on only when both SYNs offered it (RFC 7323). */
    bool scaled = ws[0] >= 0 && ws[1] >= 0;
    for (size_t i = 0; i < tl->nitems; i++) {
        struct wire_item *it = &tl->items[i];
        int d = it->dir;
        it->rel_seq = it->seg->seq - isn[d];
        it->rel_ack = it->seg->ack - isn[1 - d];
        it->window = it->seg->win;
        if (scaled && !(it->seg->flags & SEG_SYN)) /* a SYN's window is never scaled */
            it->window <<= ws[d];
    }
}

int timeline_build(struct timeline *tl, const struct trace_event *client, size_t nclient,
                   const struct trace_event *server, size_t nserver,
                   const struct wire_segment *segs, size_t nsegs)
{
    memset(tl, 0, sizeof *tl);
    tl->calls[TO_SERVER] = client;
    tl->ncalls[TO_SERVER] = nclient;
    tl->calls[TO_CLIENT] = server;
    tl->ncalls[TO_CLIENT] = nserver;
    tl->have_capture = segs != NULL;
    tl->start_ns = UINT64_MAX;
    for (size_t side = 0; side < 2; side++) {
        for (size_t i = 0; i < tl->ncalls[side]; i++) {
            uint64_t t = timeline_call_start(&tl->calls[side][i]);
            if (t < tl->start_ns)
                tl->start_ns = t;
        }
    }
    /* The connection is the one the first bare SYN opens; its sender is the client. */
    const struct wire_segment *syn = NULL;
    for (size_t i = 0; i < nsegs && syn == NULL; i++) {
        if (segs[i].in && (segs[i].flags & (SEG_SYN | SEG_ACK)) == SEG_SYN)
            syn = &segs[i];
    }
    if (syn) {
        tl->items = calloc(nsegs, sizeof *tl->items);
        if (tl->items == NULL) {
            errno = ENOMEM;
            return -1;
        }
    }
    for (size_t i = 0; syn && i < nsegs; i++) {
        const struct wire_segment *s = &segs[i];
        bool fwd = same_endpoints(s, syn);
        if (!s->in || (!fwd && !reversed_endpoints(s, syn)))
            continue;
        struct wire_item *it = &tl->items[tl->nitems++];
        it->seg = s;
        it->dir = fwd ? TO_SERVER : TO_CLIENT;
        it->lost = true; /* until its "out" line is found, below */
        if (s->mono_ns < tl->start_ns)
            tl->start_ns = s->mono_ns;
    }
    match_arrivals(tl, segs, nsegs);
    make_relative(tl);
    mark_retransmissions(tl);
    if (tl->start_ns == UINT64_MAX)
        tl->start_ns = 0;
    return 0;
}

void timeline_free(struct timeline *tl)
{
    free(tl->items);
    tl->items = NULL;
    tl->nitems = 0;
}

/* ---- printing ---------------------------------------------------------------- */

static int entry_order(const void *a, const void *b)
{
    const struct timeline_entry *x = a, *y = b;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    /* At the same nanosecond: a call begins before what it causes, ends after. */
    static const int rank[] = {[TL_CALL_BEGIN] = 0,
                               [TL_NARRATION] = 1,
                               [TL_SEGMENT] = 2,
                               [TL_ARRIVAL] = 3,
                               [TL_CALL_END] = 4};
    if (rank[x->kind] != rank[y->kind])
        return rank[x->kind] - rank[y->kind];
    return x->index < y->index ? -1 : x->index > y->index;
}

static const char *side_name(int side)
{
    return side == TO_SERVER ? "client" : "server";
}

static double ms(const struct timeline *tl, uint64_t t)
{
    return (double)(int64_t)(t - tl->start_ns) / 1e6;
}

static void print_result(FILE *out, const struct trace_event *ev)
{
    if (ev->ret == -1 && ev->err[0])
        fprintf(out, "-1 %s", ev->err);
    else
        fprintf(out, "%ld", ev->ret);
    if (ev->note[0])
        fprintf(out, "   %s", ev->note);
}

static void print_segment(FILE *out, const struct timeline *tl, const struct wire_item *it)
{
    char flags[40];
    timeline_flags_name(it->seg->flags, flags, sizeof flags);
    fprintf(out, "%10.3f  %s  %-12s seq=%-6" PRIu32, ms(tl, it->seg->mono_ns),
            it->dir == TO_SERVER ? "------->" : "<-------", flags, it->rel_seq);
    if (it->seg->flags & SEG_ACK)
        fprintf(out, " ack=%-6" PRIu32, it->rel_ack);
    else
        fprintf(out, " ack=-     ");
    fprintf(out, " win=%-7" PRIu64 " len=%" PRIu32, it->window, it->seg->len);
    if (it->seg->flags & SEG_URG)
        fprintf(out, " urp=%u", it->seg->urp);
    if (it->seg->mss >= 0)
        fprintf(out, " mss=%d", it->seg->mss);
    if (it->seg->ws >= 0)
        fprintf(out, " ws=%d", it->seg->ws);
    if (it->retransmission)
        fprintf(out, "   RETRANSMISSION (first sent at %.3f)",
                ms(tl, tl->items[it->first_sent].seg->mono_ns));
    if (it->lost)
        fprintf(out, "   LOST on the wire");
    fputc('\n', out);
}

static void print_entry(FILE *out, const struct timeline *tl, const struct timeline_entry *e,
                        bool whole_call)
{
    const struct trace_event *ev =
        e->kind == TL_SEGMENT || e->kind == TL_ARRIVAL ? NULL : &tl->calls[e->side][e->index];
    switch (e->kind) {
    case TL_CALL_BEGIN:
        /* The step is a field of its own; the text shows it where the
         * program wrote it, at the end of the arguments. */
        fprintf(out, "%10.3f  %s  %s(%s", ms(tl, e->t), side_name(e->side), ev->call, ev->args);
        if (ev->step > 0)
            fprintf(out, " [step %d]", ev->step);
        fputs(") ", out);
        if (whole_call) {
            fputs("= ", out);
            print_result(out, ev);
        } else {
            fputs("...", out);
        }
        fputc('\n', out);
        break;
    case TL_CALL_END:
        fprintf(out, "%10.3f  %s  ... %s = ", ms(tl, e->t), side_name(e->side), ev->call);
        print_result(out, ev);
        fputc('\n', out);
        break;
    case TL_NARRATION:
        fprintf(out, "%10.3f  %s  -- %s\n", ms(tl, e->t), side_name(e->side), ev->note);
        break;
    case TL_SEGMENT:
        print_segment(out, tl, &tl->items[e->index]);
        break;
    case TL_ARRIVAL: {
        const struct wire_item *it = &tl->items[e->index];
        char flags[40];
        timeline_flags_name(it->seg->flags, flags, sizeof flags);
        fprintf(out, "%10.3f  %s  %s seq=%" PRIu32 " arrives at the %s, %.3f ms after it left\n",
                ms(tl, e->t), it->dir == TO_SERVER ? "      ->" : "<-      ", flags, it->rel_seq,
                side_name(1 - it->dir), (double)(it->arrive_ns - it->seg->mono_ns) / 1e6);
        break;
    }
    }
}

int timeline_entries(const struct timeline *tl, bool arrivals, struct timeline_entry **entries,
                     size_t *count)
{
    size_t cap = 2 * (tl->ncalls[0] + tl->ncalls[1]) + 2 * tl->nitems + 1;
    struct timeline_entry *e = malloc(cap * sizeof *e);
    if (e == NULL) {
        errno = ENOMEM;
        return -1;
    }
    size_t n = 0;
    for (int side = 0; side < 2; side++) {
        for (size_t i = 0; i < tl->ncalls[side]; i++) {
            const struct trace_event *ev = &tl->calls[side][i];
            if (ev->call[0] == '\0') {
                e[n++] = (struct timeline_entry){ev->mono_ns, TL_NARRATION, side, i, false};
                continue;
            }
            e[n++] =
                (struct timeline_entry){timeline_call_start(ev), TL_CALL_BEGIN, side, i, false};
            e[n++] = (struct timeline_entry){ev->mono_ns, TL_CALL_END, side, i, false};
        }
    }
    for (size_t i = 0; i < tl->nitems; i++) {
        e[n++] = (struct timeline_entry){tl->items[i].seg->mono_ns, TL_SEGMENT, 0, i, false};
        if (arrivals && !tl->items[i].lost)
            e[n++] = (struct timeline_entry){tl->items[i].arrive_ns, TL_ARRIVAL, 0, i, false};
    }
    qsort(e, n, sizeof *e, entry_order);
    /* A call whose end comes right after its beginning is one line. */
    for (size_t i = 0; i + 1 < n; i++) {
        if (e[i].kind == TL_CALL_BEGIN && e[i + 1].kind == TL_CALL_END &&
            e[i + 1].side == e[i].side && e[i + 1].index == e[i].index)
            e[i].merged = e[i + 1].merged = true;
    }
    *entries = e;
    *count = n;
    return 0;
}

int timeline_print(FILE *out, const struct timeline *tl, bool arrivals)
{
    struct timeline_entry *e;
    size_t n;
    if (timeline_entries(tl, arrivals, &e, &n) == -1)
        return -1;
    fprintf(out, "   time ms  who     what   (------> client to server, <------- server to "
                 "client;\n");
    fprintf(out, "                   seq and ack relative to each side's first sequence "
                 "number)\n");
    for (size_t i = 0; i < n; i++) {
        if (e[i].kind == TL_CALL_END && e[i].merged)
            continue; /* printed with its beginning */
        print_entry(out, tl, &e[i], e[i].merged);
    }
    free(e);
    return ferror(out) ? -1 : 0;
}
