/* wire_check.c - see wire_check.h. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#include "wire_check.h"

struct checker {
    FILE *out;
    const struct timeline *tl;
    int failed;
};

/* Records one check's outcome; returns ok. */
static bool check(struct checker *c, bool ok, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static bool check(struct checker *c, bool ok, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs(ok ? "ok:   " : "FAIL: ", c->out);
    vfprintf(c->out, fmt, ap);
    fputc('\n', c->out);
    va_end(ap);
    if (!ok)
        c->failed++;
    return ok;
}

static double ms(const struct checker *c, uint64_t t)
{
    return (double)(int64_t)(t - c->tl->start_ns) / 1e6;
}

static const char *who(enum wire_dir d)
{
    return d == TO_SERVER ? "client" : "server";
}

/* The first item sent in direction d (not a retransmission) from index
 * `from` on, whose flags include all of `with` and none of `without`. */
static const struct wire_item *find_segment(const struct timeline *tl, size_t from, enum wire_dir d,
                                            uint8_t with, uint8_t without)
{
    for (size_t i = from; i < tl->nitems; i++) {
        const struct wire_item *it = &tl->items[i];
        if (it->dir == d && !it->retransmission && (it->seg->flags & with) == with &&
            (it->seg->flags & without) == 0)
            return it;
    }
    return NULL;
}

static size_t index_of(const struct timeline *tl, const struct wire_item *it)
{
    return (size_t)(it - tl->items);
}

/* The first call of side d named call, of lab 04's step (0: any). */
static const struct trace_event *find_call(const struct timeline *tl, enum wire_dir d,
                                           const char *call, int step)
{
    for (size_t i = 0; i < tl->ncalls[d]; i++) {
        const struct trace_event *ev = &tl->calls[d][i];
        if (strcmp(ev->call, call) == 0 && (step == 0 || ev->step == step))
            return ev;
    }
    return NULL;
}

/* The call that ends side d's byte stream, so sends a FIN: shutdown(SHUT_WR),
 * or close() of a connected socket that was not an abort (step 11). */
static const struct trace_event *find_fin_call(const struct timeline *tl, enum wire_dir d)
{
    for (size_t i = 0; i < tl->ncalls[d]; i++) {
        const struct trace_event *ev = &tl->calls[d][i];
        if (strcmp(ev->call, "shutdown") == 0 && trace_event_has_word(ev, "SHUT_WR"))
            return ev;
        if (strcmp(ev->call, "close") == 0 && ev->step != 11 &&
            (strcmp(ev->state_before, "ESTABLISHED") == 0 ||
             strcmp(ev->state_before, "CLOSE_WAIT") == 0))
            return ev;
    }
    return NULL;
}

/* The segment left after the call began. */
static void check_after(struct checker *c, const struct wire_item *it, const char *what,
                        const struct trace_event *ev)
{
    uint64_t begin = timeline_call_start(ev);
    check(c, it->seg->mono_ns >= begin, "%s at %.3f ms, after %s %s(%s) began at %.3f ms", what,
          ms(c, it->seg->mono_ns), who(it->dir), ev->call, ev->args, ms(c, begin));
}

static const struct wire_item *check_handshake(struct checker *c)
{
    const struct timeline *tl = c->tl;
    const struct wire_item *syn = find_segment(tl, 0, TO_SERVER, SEG_SYN, SEG_ACK);
    if (!check(c, syn != NULL, "the client sent a SYN"))
        return NULL;
    const struct wire_item *synack =
        find_segment(tl, index_of(tl, syn), TO_CLIENT, SEG_SYN | SEG_ACK, 0);
    if (!check(c, synack != NULL, "the server answered the SYN with SYN,ACK"))
        return NULL;
    check(c, synack->rel_ack == 1, "the SYN,ACK acknowledges the client's SYN (ack=%" PRIu32 ")",
          synack->rel_ack);
    const struct wire_item *ack =
        find_segment(tl, index_of(tl, synack), TO_SERVER, SEG_ACK, SEG_SYN);
    if (check(c, ack != NULL, "the client sent an ACK after the SYN,ACK"))
        check(c, ack->rel_ack == 1, "that ACK acknowledges the server's SYN (ack=%" PRIu32 ")",
              ack->rel_ack);
    const struct trace_event *connect = find_call(tl, TO_SERVER, "connect", 0);
    if (check(c, connect != NULL, "the client's trace has connect()"))
        check_after(c, syn, "the SYN", connect);
    const struct trace_event *listen = find_call(tl, TO_CLIENT, "listen", 0);
    if (check(c, listen != NULL, "the server's trace has listen()"))
        check_after(c, synack, "the SYN,ACK", listen);
    return ack;
}

/* Each data byte left after the send() that wrote it began. */
static void check_data(struct checker *c, enum wire_dir d)
{
    const struct timeline *tl = c->tl;
    size_t checked = 0;
    for (size_t i = 0; i < tl->nitems; i++) {
        const struct wire_item *it = &tl->items[i];
        if (it->dir != d || it->retransmission || it->seg->len == 0)
            continue;
        uint64_t first_byte = it->rel_seq - 1; /* the SYN took seq 0 */
        uint64_t sent = 0;
        const struct trace_event *writer = NULL;
        for (size_t k = 0; k < tl->ncalls[d] && writer == NULL; k++) {
            const struct trace_event *ev = &tl->calls[d][k];
            if (strcmp(ev->call, "send") != 0 || ev->ret <= 0)
                continue;
            if (first_byte < sent + (uint64_t)ev->ret)
                writer = ev;
            sent += (uint64_t)ev->ret;
        }
        char what[80];
        snprintf(what, sizeof what, "%s data seq=%" PRIu32 " len=%" PRIu32, who(d), it->rel_seq,
                 it->seg->len);
        if (check(c, writer != NULL, "%s: a traced send() wrote that byte", what))
            check_after(c, it, what, writer);
        checked++;
    }
    check(c, checked > 0, "the %s sent data", who(d));
}

/* The FIN of side d follows its shutdown/close, and the peer ACKs it. */
static void check_fin(struct checker *c, enum wire_dir d)
{
    const struct timeline *tl = c->tl;
    const struct trace_event *ev = find_fin_call(tl, d);
    if (ev == NULL)
        return;
    const struct wire_item *fin = find_segment(tl, 0, d, SEG_FIN, 0);
    if (!check(c, fin != NULL, "%s %s(%s): a FIN from the %s", who(d), ev->call, ev->args, who(d)))
        return;
    check_after(c, fin, "the FIN", ev);
    uint32_t want = fin->rel_seq + fin->seg->len + 1;
    const struct wire_item *ack = NULL;
    for (size_t i = index_of(tl, fin) + 1; i < tl->nitems && ack == NULL; i++) {
        const struct wire_item *it = &tl->items[i];
        if (it->dir != d && (it->seg->flags & SEG_ACK) && (int32_t)(it->rel_ack - want) >= 0)
            ack = &tl->items[i];
    }
    if (check(c, ack != NULL, "the %s ACKs the %s's FIN (ack=%" PRIu32 ") after it left",
              who(1 - d), who(d), want))
        check(c, ack->seg->mono_ns >= fin->seg->mono_ns,
              "that ACK at %.3f ms, after the FIN at %.3f ms", ms(c, ack->seg->mono_ns),
              ms(c, fin->seg->mono_ns));
}

static void check_oob(struct checker *c)
{
    const struct timeline *tl = c->tl;
    /* Where the urgent byte is: the bytes the client sent before it, after the SYN. */
    uint64_t before = 0;
    const struct trace_event *oob = NULL;
    for (size_t k = 0; k < tl->ncalls[TO_SERVER] && oob == NULL; k++) {
        const struct trace_event *ev = &tl->calls[TO_SERVER][k];
        if (strcmp(ev->call, "send") != 0 || ev->ret <= 0)
            continue;
        if (trace_event_has_word(ev, "MSG_OOB"))
            oob = ev;
        else
            before += (uint64_t)ev->ret;
    }
    if (!check(c, oob != NULL, "the client's trace has send(MSG_OOB)"))
        return;
    uint32_t urgent_seq = (uint32_t)(1 + before);
    size_t count = 0;
    const struct wire_item *urg = NULL;
    for (size_t i = 0; i < tl->nitems; i++) {
        const struct wire_item *it = &tl->items[i];
        if (it->dir == TO_SERVER && !it->retransmission && (it->seg->flags & SEG_URG)) {
            count++;
            if (urg == NULL)
                urg = it;
        }
    }
    if (!check(c, count == 1, "one segment with URG from the client (found %zu)", count) ||
        urg == NULL)
        return;
    check(c, urg->rel_seq + urg->seg->urp == urgent_seq + 1,
          "its urgent pointer points just past the urgent byte: seq %" PRIu32 " + urp %u = %" PRIu32
          " (the urgent byte is seq %" PRIu32 ")",
          urg->rel_seq, urg->seg->urp, urg->rel_seq + urg->seg->urp, urgent_seq);
    check(c, urg->rel_seq <= urgent_seq && urgent_seq < urg->rel_seq + urg->seg->len,
          "it carries the urgent byte (seq %" PRIu32 ")", urgent_seq);
    check_after(c, urg, "the URG segment", oob);
}

static void check_abort(struct checker *c)
{
    const struct timeline *tl = c->tl;
    const struct wire_item *rst = find_segment(tl, 0, TO_CLIENT, SEG_RST, 0);
    const struct trace_event *abort = find_call(tl, TO_CLIENT, "close", 11);
    if (check(c, rst != NULL, "the server sent an RST") &&
        check(c, abort != NULL, "the server's trace has close() [step 11]"))
        check_after(c, rst, "the RST", abort);
    check(c, find_segment(tl, 0, TO_CLIENT, SEG_FIN, 0) == NULL, "the server sent no FIN");
}

int wire_check(FILE *out, const struct timeline *tl, const char *mode)
{
    static const char *const MODES[] = {"echo", "halfclose", "oob", "abort", "poll"};
    bool known = false;
    for (size_t i = 0; i < sizeof MODES / sizeof MODES[0]; i++)
        known = known || strcmp(mode, MODES[i]) == 0;
    if (!known) {
        errno = EINVAL;
        return -1;
    }
    struct checker c = {out, tl, 0};
    if (!check(&c, tl->have_capture && tl->nitems > 0, "the capture holds the connection"))
        return c.failed;
    check_handshake(&c);
    check_data(&c, TO_SERVER);
    if (strcmp(mode, "abort") != 0)
        check_data(&c, TO_CLIENT);
    check_fin(&c, TO_SERVER);
    check_fin(&c, TO_CLIENT);
    if (strcmp(mode, "oob") == 0)
        check_oob(&c);
    if (strcmp(mode, "abort") == 0)
        check_abort(&c);
    return c.failed;
}
