/* wire_chart.c - see wire_chart.h. */
#ifndef M_PI /* POSIX has it in <math.h>, but C11 alone does not */
#define M_PI 3.14159265358979323846
#endif
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "wire_chart.h"
#include "xml.h"

/* Geometry in SVG units: a slide's width. */
enum {
    WIDTH = 1280,
    TIME_RIGHT = 100,      /* the time column ends here */
    LIFELINE_CLIENT = 470, /* calls of the client end left of it */
    LIFELINE_SERVER = 810, /* calls of the server start right of it */
    TEXT_GAP = 12,
    TOP = 40,         /* below the title */
    HEAD_HEIGHT = 40, /* the lifelines' names */
    ROW_HEIGHT = 30,
    FONT = 20,         /* 18 px and more on a slide that shows the chart at 0.9x */
    CLIENT_CHARS = 29, /* what fits left of the client's lifeline at 20 px mono */
    SERVER_CHARS = 37,
};

static const char FONT_MONO[] = "DejaVu Sans Mono, Consolas, monospace";
static const char INK[] = "#1f2328";
static const char QUIET[] = "#57606a"; /* 6.4:1 on white */

/* A row of the chart: one timeline entry that is drawn. */
struct row {
    const struct timeline_entry *e;
    int y;
};

/* Calls a slide can do without: they set up or look, but send nothing. */
static bool is_helper(const struct trace_event *ev)
{
    static const char *const HELPERS[] = {"getaddrinfo", "getsockname", "getpeername",
                                          "getsockopt",  "fcntl",       "bind",
                                          "socket",      "sockatmark"};
    for (size_t i = 0; i < sizeof HELPERS / sizeof HELPERS[0]; i++) {
        if (strcmp(ev->call, HELPERS[i]) == 0)
            return true;
    }
    return (strcmp(ev->call, "setsockopt") == 0 && !trace_event_has_word(ev, "SO_LINGER")) ||
           (strcmp(ev->call, "poll") == 0 && trace_event_has_word(ev, "POLLOUT")) ||
           (strcmp(ev->call, "close") == 0 && strcmp(ev->state_before, "LISTEN") == 0);
}

/* "connect(192.0.2.20:41234)" from "fd=3, 192.0.2.20:41234": the descriptor
 * goes (the lifeline is the socket), as the step does (a field, drawn apart). The name and the
 * result always show whole ("... recv = -1 ECONNRESET", never "ECON..."): when the text is longer
 * than max characters, the arguments are cut, at a space or comma when there is one, and end with
 * "..". */
static void call_text(const struct trace_event *ev, bool begin, bool end, char *buf, size_t size,
                      size_t max)
{
    char args[256];
    const char *a = ev->args;
    if (ev->fd >= 0 && strncmp(a, "fd=", 3) == 0) { /* the lifeline is the socket */
        const char *comma = strchr(a, ',');
        a = comma ? comma + 2 : a + strlen(a);
    }
    snprintf(args, sizeof args, "%s", a); /* the step is drawn apart: it is not in args */
    char result[48] = "";
    if (end && ev->ret == -1 && ev->err[0])
        snprintf(result, sizeof result, " = -1 %s", ev->err);
    else if (end)
        snprintf(result, sizeof result, " = %ld", ev->ret);
    if (!begin) {
        snprintf(buf, size, "... %s%s", ev->call, result);
        return;
    }
    size_t fixed = strlen(ev->call) + 2 + strlen(result) + (end ? 0 : 4); /* "()" and " ..." */
    size_t room = max > fixed ? max - fixed : 0;
    if (strlen(args) > room) { /* cut the arguments, never the name or the result */
        size_t keep = room > 2 ? room - 2 : 0;
        args[keep] = '\0';
        char *edge = strrchr(args, ' ');
        if (edge && (size_t)(edge - args) >= keep / 2)
            *edge = '\0';
        size_t len = strlen(args);
        while (len > 0 && (args[len - 1] == ',' || args[len - 1] == ' '))
            args[--len] = '\0';
        snprintf(args + len, sizeof args - len, "..");
    }
    snprintf(buf, size, end ? "%s(%s)%s" : "%s(%s) ...", ev->call, args, result);
}

/*
 * The state a socket is in after a call (its state_after field) when the
 * call changed it, "" when not. When the peer moved it on before it was
 * read (state_then), the row shows that state, where the socket is now (the
 * captured segments show what moved it).
 */
static void new_state(const struct trace_event *ev, char *buf, size_t size)
{
    buf[0] = '\0';
    if (ev->state_then[0])
        snprintf(buf, size, "%s", ev->state_then);
    else if (ev->state_after[0] && strcmp(ev->state_after, ev->state_before) != 0)
        snprintf(buf, size, "%s", ev->state_after);
}

static const char *segment_color(const struct wire_item *it)
{
    uint8_t f = it->seg->flags;
    if (f & SEG_RST)
        return "#cf222e"; /* red */
    if (f & SEG_SYN)
        return "#0969da"; /* blue */
    if (f & SEG_FIN)
        return "#1a7f37"; /* green */
    if (f & SEG_URG)
        return "#bc4c00"; /* orange */
    if (it->seg->len > 0)
        return INK;
    return QUIET; /* a bare ACK */
}

static bool in_window(const struct timeline *tl, const struct wire_chart_options *opt, uint64_t t)
{
    double ms = (double)(int64_t)(t - tl->start_ns) / 1e6;
    return ms >= opt->from_ms && (opt->to_ms < 0 || ms <= opt->to_ms);
}

/* Where time t falls between the rows: linear between the two around it. */
static double y_of_time(const struct row *rows, size_t n, uint64_t t)
{
    if (n == 0)
        return TOP + HEAD_HEIGHT;
    if (t <= rows[0].e->t)
        return rows[0].y;
    for (size_t i = 0; i + 1 < n; i++) {
        uint64_t a = rows[i].e->t, b = rows[i + 1].e->t;
        if (t <= b) {
            double f = b > a ? (double)(t - a) / (double)(b - a) : 1.0;
            return rows[i].y + f * (rows[i + 1].y - rows[i].y);
        }
    }
    return rows[n - 1].y + ROW_HEIGHT / 2.0;
}

/* A call on its lifeline's outer side: "... shutdown = 0  FIN_WAIT1", the
 * state it moved to (if it moved) in quiet italics after the result. */
static void put_call(FILE *out, const struct timeline *tl, const struct row *r)
{
    const struct trace_event *ev = &tl->calls[r->e->side][r->e->index];
    bool begin = r->e->kind == TL_CALL_BEGIN, end = r->e->kind == TL_CALL_END || r->e->merged;
    bool client = r->e->side == TO_SERVER;
    char text[320], state[160] = "";
    if (end)
        new_state(ev, state, sizeof state);
    size_t room = client ? CLIENT_CHARS : SERVER_CHARS;
    call_text(ev, begin, end, text, sizeof text, room);
    /* The new state follows when it fits; the call itself always comes first. */
    if (state[0] && strlen(text) + 2 + strlen(state) > room)
        state[0] = '\0';
    int x = client ? LIFELINE_CLIENT - TEXT_GAP : LIFELINE_SERVER + TEXT_GAP;
    bool failed = end && ev->ret == -1 && ev->err[0] && strcmp(ev->err, "EINPROGRESS") != 0;
    fprintf(out,
            "<text x=\"%d\" y=\"%d\" font-family=\"%s\" font-size=\"%d\" fill=\"%s\" "
            "text-anchor=\"%s\" xml:space=\"preserve\">",
            x, r->y + 6, FONT_MONO, FONT, failed ? "#cf222e" : INK, client ? "end" : "start");
    xml_write_text(out, text);
    if (state[0]) {
        fprintf(out, "<tspan fill=\"%s\" font-style=\"italic\">  ", QUIET);
        xml_write_text(out, state);
        fputs("</tspan>", out);
    }
    fputs("</text>\n", out);
    fprintf(out, "<circle cx=\"%d\" cy=\"%d\" r=\"4\" fill=\"%s\"/>\n",
            client ? LIFELINE_CLIENT : LIFELINE_SERVER, r->y, INK);
}

/* Where the arrow of row r ends. */
static double arrival_y(const struct timeline *tl, const struct row *rows, size_t n,
                        const struct row *r)
{
    const struct wire_item *it = &tl->items[r->e->index];
    double y = it->lost ? r->y + ROW_HEIGHT / 2.0 : y_of_time(rows, n, it->arrive_ns);
    return y < r->y + 4 ? r->y + 4 : y; /* never drawn arriving before it left */
}

static bool bare_ack(const struct wire_item *it)
{
    return it->seg->flags == SEG_ACK && it->seg->len == 0 && !it->lost && !it->retransmission;
}

/*
 * True when row i and the next are bare ACKs of the same side that travel
 * together (they leave on neighbouring rows and arrive within half a row):
 * their arrows run side by side, so one label tells both.
 */
static bool travels_with_next(const struct timeline *tl, const struct row *rows, size_t n, size_t i)
{
    if (i + 1 >= n || rows[i + 1].e->kind != TL_SEGMENT)
        return false;
    const struct wire_item *a = &tl->items[rows[i].e->index];
    const struct wire_item *b = &tl->items[rows[i + 1].e->index];
    double gap = arrival_y(tl, rows, n, &rows[i + 1]) - arrival_y(tl, rows, n, &rows[i]);
    return bare_ack(a) && bare_ack(b) && a->dir == b->dir && a->rel_seq == b->rel_seq &&
           gap < ROW_HEIGHT / 2.0;
}

/* Draws the arrow of row i; acks holds the acks of the ACKs that travel with
 * it ("12, 13, ") and are told in its label. */
static void put_segment(FILE *out, const struct timeline *tl, const struct row *rows, size_t n,
                        size_t i, char *acks, size_t acks_size)
{
    const struct row *r = &rows[i];
    const struct wire_item *it = &tl->items[r->e->index];
    bool to_server = it->dir == TO_SERVER;
    int x1 = to_server ? LIFELINE_CLIENT : LIFELINE_SERVER;
    int x2 = to_server ? LIFELINE_SERVER : LIFELINE_CLIENT;
    double y1 = r->y;
    double y2 = arrival_y(tl, rows, n, r);
    if (it->lost) { /* half way, then a cross */
        x2 = (x1 + x2) / 2;
    }
    const char *color = segment_color(it);
    fprintf(out,
            "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"2.5\"%s"
            "%s/>\n",
            x1, y1, x2, y2, color, it->retransmission ? " stroke-dasharray=\"8 5\"" : "",
            it->lost ? "" : " marker-end=\"url(#head)\"");
    if (it->lost)
        fprintf(out,
                "<path d=\"M%d %.1f l-8 -8 m0 16 l16 -16 m-16 0 l16 16\" stroke=\"#cf222e\" "
                "stroke-width=\"3\" fill=\"none\"/>\n",
                x2 - 8 + 8, y2 + 8 - 8);
    if (travels_with_next(tl, rows, n, i)) { /* told in the next one's label */
        size_t used = strlen(acks);
        snprintf(acks + used, acks_size - used, "%" PRIu32 ", ", it->rel_ack);
        return;
    }
    char flags[40], label[200];
    timeline_flags_name(it->seg->flags, flags, sizeof flags);
    int used = snprintf(label, sizeof label, "%s %" PRIu32, flags, it->rel_seq);
    if (it->seg->flags & SEG_ACK)
        used += snprintf(label + used, sizeof label - (size_t)used, " ack %s%" PRIu32, acks,
                         it->rel_ack);
    acks[0] = '\0';
    if (it->seg->len)
        used += snprintf(label + used, sizeof label - (size_t)used, " [%" PRIu32 "]", it->seg->len);
    if (it->seg->flags & SEG_URG)
        snprintf(label + used, sizeof label - (size_t)used, " urp %u", it->seg->urp);
    /* The label rides on the arrow, turned to its slope (never upside down),
     * as TCP's sequence charts are drawn in books: two fifths of the way from
     * its sender, since arrows that leave apart often arrive together, and
     * with a white halo, so that an arrow crossing it never runs through
     * its letters. */
    double mx = x1 + (x2 - x1) * 0.4, my = y1 + (y2 - y1) * 0.4;
    double angle = atan2(y2 - y1, (double)(x2 - x1)) * 180.0 / M_PI;
    if (x2 < x1)
        angle = atan2(y1 - y2, (double)(x1 - x2)) * 180.0 / M_PI;
    fprintf(out,
            "<text x=\"%.1f\" y=\"%.1f\" font-family=\"%s\" font-size=\"%d\" fill=\"%s\" "
            "text-anchor=\"middle\" stroke=\"#ffffff\" stroke-width=\"6\" paint-order=\"stroke\" "
            "transform=\"rotate(%.2f %.1f %.1f)\">",
            mx, my - 6, FONT_MONO, FONT, color, angle, mx, my);
    xml_write_text(out, label);
    if (it->retransmission)
        fputs(" again", out);
    fputs("</text>\n", out);
}

int wire_chart_svg(FILE *out, const struct timeline *tl, const struct wire_chart_options *opt)
{
    struct timeline_entry *e;
    size_t n;
    if (timeline_entries(tl, false, &e, &n) == -1)
        return -1;
    struct row *rows = malloc((n + 1) * sizeof *rows);
    if (rows == NULL) {
        free(e);
        errno = ENOMEM;
        return -1;
    }
    bool title = opt->title && opt->title[0];
    int top = (title ? TOP : 8) + HEAD_HEIGHT;
    size_t nrows = 0;
    for (size_t i = 0; i < n; i++) {
        if (e[i].kind == TL_NARRATION || e[i].kind == TL_ARRIVAL ||
            (e[i].kind == TL_CALL_END && e[i].merged) || !in_window(tl, opt, e[i].t))
            continue;
        if ((e[i].kind == TL_CALL_BEGIN || e[i].kind == TL_CALL_END) && opt->compact &&
            is_helper(&tl->calls[e[i].side][e[i].index]))
            continue;
        rows[nrows].e = &e[i];
        rows[nrows].y = top + ROW_HEIGHT / 2 + 6 + (int)nrows * ROW_HEIGHT;
        nrows++;
    }
    int height = top + (int)(nrows + 1) * ROW_HEIGHT + 10;
    char acks[120] = ""; /* see put_segment() */

    fprintf(out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" "
            "height=\"%d\" font-family=\"%s\">\n",
            WIDTH, height, WIDTH, height, FONT_MONO);
    fprintf(out, "<defs><marker id=\"head\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" "
                 "markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\">"
                 "<path d=\"M0 0 L10 5 L0 10 z\" fill=\"context-stroke\"/></marker></defs>\n");
    fprintf(out, "<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n", WIDTH, height);
    if (title) {
        fprintf(out, "<text x=\"%d\" y=\"28\" font-size=\"22\" fill=\"%s\" text-anchor=\"middle\">",
                WIDTH / 2, INK);
        xml_write_text(out, opt->title);
        fputs("</text>\n", out);
    }
    int head_y = top - HEAD_HEIGHT + 26;
    fprintf(out,
            "<text x=\"%d\" y=\"%d\" font-size=\"%d\" font-weight=\"bold\" fill=\"%s\" "
            "text-anchor=\"middle\">client</text>\n"
            "<text x=\"%d\" y=\"%d\" font-size=\"%d\" font-weight=\"bold\" fill=\"%s\" "
            "text-anchor=\"middle\">server</text>\n"
            "<text x=\"%d\" y=\"%d\" font-size=\"%d\" fill=\"%s\" text-anchor=\"end\">ms</text>\n",
            LIFELINE_CLIENT, head_y, FONT + 2, INK, LIFELINE_SERVER, head_y, FONT + 2, INK,
            TIME_RIGHT - 10, head_y, FONT, QUIET);
    for (int x = LIFELINE_CLIENT; x <= LIFELINE_SERVER; x += LIFELINE_SERVER - LIFELINE_CLIENT)
        fprintf(
            out,
            "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"/>\n", x,
            top - 8, x, height - 10, QUIET);
    for (size_t i = 0; i < nrows; i++) {
        fprintf(out,
                "<text x=\"%d\" y=\"%d\" font-size=\"%d\" fill=\"%s\" text-anchor=\"end\">%.3f"
                "</text>\n",
                TIME_RIGHT - 10, rows[i].y + 6, FONT, QUIET,
                (double)(int64_t)(rows[i].e->t - tl->start_ns) / 1e6);
        if (rows[i].e->kind == TL_SEGMENT)
            put_segment(out, tl, rows, nrows, i, acks, sizeof acks);
        else
            put_call(out, tl, &rows[i]);
    }
    fputs("</svg>\n", out);
    free(rows);
    free(e);
    return ferror(out) ? -1 : 0;
}

/* ---- parts of the story -------------------------------------------------------- */

/* The first call of side whose name is call (NULL: any), whose args name
 * the flag word (NULL: any) and whose errno is err (NULL: any). */
static const struct trace_event *find(const struct timeline *tl, int side, const char *call,
                                      const char *part, const char *err)
{
    for (size_t i = 0; i < tl->ncalls[side]; i++) {
        const struct trace_event *ev = &tl->calls[side][i];
        if (ev->call[0] == '\0' || (call && strcmp(ev->call, call) != 0) ||
            (part && !trace_event_has_word(ev, part)) || (err && strcmp(ev->err, err) != 0))
            continue;
        return ev;
    }
    return NULL;
}

static double ms_at(const struct timeline *tl, uint64_t t)
{
    return (double)(int64_t)(t - tl->start_ns) / 1e6;
}

int wire_chart_part(const struct timeline *tl, const char *part, struct wire_chart_options *opt)
{
    const struct trace_event *from = NULL, *to = NULL;
    bool to_end = false;
    if (strcmp(part, "handshake") == 0) {
        from = find(tl, TO_SERVER, "connect", NULL, NULL);
        to = find(tl, TO_CLIENT, "accept", NULL, NULL);
    } else if (strcmp(part, "halfclose") == 0) {
        from = find(tl, TO_SERVER, "shutdown", "SHUT_WR", NULL);
        for (size_t i = 0; from && i < tl->ncalls[TO_SERVER]; i++) {
            const struct trace_event *ev = &tl->calls[TO_SERVER][i];
            if (ev->mono_ns > from->mono_ns && strcmp(ev->call, "recv") == 0 && ev->ret == 0) {
                to = ev; /* the client's end of stream: the server's FIN was read */
                break;
            }
        }
        to_end = to == NULL;
    } else if (strcmp(part, "urgent") == 0) {
        from = find(tl, TO_SERVER, "send", "MSG_OOB", NULL);
        to = find(tl, TO_CLIENT, "recv", "MSG_OOB", NULL);
    } else if (strcmp(part, "abort") == 0) {
        from = find(tl, TO_CLIENT, "setsockopt", "SO_LINGER", NULL);
        to = find(tl, TO_SERVER, NULL, NULL, "ECONNRESET");
    }
    if (from == NULL || (to == NULL && !to_end)) {
        errno = EINVAL;
        return -1;
    }
    opt->from_ms = ms_at(tl, timeline_call_start(from));
    opt->to_ms = to_end ? -1 : ms_at(tl, to->mono_ns);
    return 0;
}
