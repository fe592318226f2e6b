/* chart_svg.c - see chart_svg.h. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart_svg.h"
#include "xml.h"

#define FONT_MONO "DejaVu Sans Mono, Consolas, monospace"

/* Geometry in SVG units: one set for the full chart (read on a screen, with
 * its times and legend), one computed for a slide (chart_svg_write_slide). */
struct geometry {
    int width, client_x, server_x;
    int listener_x; /* the lane of the server's listening socket (its text on its left) */
    int head_top, head_height, head_width, first_row, row_height;
    int badge_width, badge_height, text_gap, dot_radius, legend_height, title_band;
    int call_chars;                                /* the widest call text, in characters */
    bool times;                                    /* the time and step column at each side */
    int font, small, label, head_font, badge_font; /* text sizes */
    bool quiet_badges; /* a state box only where the state changed; else a dot */
    bool short_args;   /* "fd=N, " left out, "bytes" as "B": a slide's row is short */
    bool share_lines;  /* a start row shares the next row's line when their texts
                          sit on opposite sides (a slide has few lines) */
    const char *call_font;
};

static const struct geometry FULL = {
    .width = 1280,
    .client_x = 500,
    .server_x = 780,
    .listener_x = 1120,
    .head_top = 62,
    .head_height = 54,
    .head_width = 220,
    .first_row = 160,
    .row_height = 34,
    .badge_width = 124,
    .badge_height = 24,
    .text_gap = 72,
    .dot_radius = 5,
    .legend_height = 124,
    .title_band = 50,
    .call_chars = CHART_SVG_CALL_CHARS,
    .times = true,
    .font = 14,
    .small = 12,
    .label = 15,
    .head_font = 22,
    .badge_font = 13,
    .call_font = FONT_MONO,
};

/* The geometry in use while one picture is written. */
static struct geometry G;

/* The line each row of that picture is drawn on (see assign_lines), and how
 * many lines there are. */
static size_t *LINE;
static size_t LINES;

static const char FONT_SANS[] = "DejaVu Sans, Verdana, Arial, sans-serif";
static const char INK[] = "#1f2328";
static const char QUIET[] = "#57606a";
static const char ERROR_INK[] = "#cf222e";

struct arrow_style {
    const char *color;
    const char *legend;
};

/* Indexed by enum chart_arrow_kind. */
static const struct arrow_style ARROW_STYLES[] = {
    [ARROW_SYN] = {"#0969da", "SYN: connect \u2192 accept"},
    [ARROW_DATA] = {"#424a53", "data: send \u2192 recv"},
    [ARROW_URGENT] = {"#bc4c00", "urgent: MSG_OOB"},
    [ARROW_FIN] = {"#1a7f37", "FIN: shutdown/close \u2192 EOF"},
    [ARROW_RST] = {"#cf222e", "RST: abort \u2192 ECONNRESET"},
};
#define ARROW_KINDS (sizeof ARROW_STYLES / sizeof ARROW_STYLES[0])

/* ---- text -------------------------------------------------------------- */

/* Characters (not bytes) in a UTF-8 string: continuation bytes do not count. */
static size_t char_count(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* Copies at most max_chars characters of src, ending with "…" when cut. */
static void cut_chars(const char *src, size_t max_chars, char *dst, size_t size)
{
    if (char_count(src) <= max_chars) {
        snprintf(dst, size, "%s", src);
        return;
    }
    size_t keep = max_chars > 0 ? max_chars - 1 : 0; /* one is the ellipsis */
    size_t bytes = 0;
    for (size_t chars = 0; src[bytes]; bytes++) {
        if (((unsigned char)src[bytes] & 0xC0) != 0x80 && chars++ == keep)
            break;
    }
    if (max_chars == 0)
        snprintf(dst, size, "%s", "");
    else
        snprintf(dst, size, "%.*s\u2026", (int)bytes, src);
}

void chart_svg_call_text(const struct trace_event *ev, size_t max_chars, char *buf, size_t size)
{
    char result[48] = "";
    if (ev->has_ret && ev->ret == -1 && ev->err[0])
        snprintf(result, sizeof result, " = -1 %s", ev->err);
    else if (ev->has_ret)
        snprintf(result, sizeof result, " = %ld", ev->ret);
    size_t fixed = char_count(ev->call) + 2 + char_count(result); /* 2: the parentheses */
    char args[sizeof ev->args + 4]; /* the step is not in args: it is drawn apart (ev->step) */
    cut_chars(ev->args, max_chars > fixed ? max_chars - fixed : 0, args, sizeof args);
    snprintf(buf, size, "%s(%s)%s", ev->call, args, result);
}

/* ---- pieces of the picture --------------------------------------------- */

static int lifeline_x(enum chart_side side)
{
    return side == CHART_CLIENT ? G.client_x : G.server_x;
}

/* The lane a row is drawn in: its side's, or the listening socket's. */
static int row_x(const struct chart *chart, size_t row, enum chart_side side)
{
    if (row != CHART_NO_ROW && chart->rows[row].listener)
        return G.listener_x;
    return lifeline_x(side);
}

/* Whose text goes on the left of its lane: the client's and the listener's. */
static bool text_on_left(const struct chart_row *row)
{
    return row->side == CHART_CLIENT || row->listener;
}

static int row_y(size_t row)
{
    return G.first_row + (int)(LINE ? LINE[row] : row) * G.row_height;
}

/*
 * One line per row, except that on a slide the start of a call that waits
 * (a ring and "recv(...) ...") shares the line of the row after it when
 * that row's text is on the other side of the picture: the two cannot
 * touch, and a chart with its starts still fits a slide in large type.
 * Returns the lines, or NULL without memory (then one line per row).
 */
static size_t *assign_lines(const struct chart *chart, size_t *count)
{
    size_t *line = malloc((chart->nrows ? chart->nrows : 1) * sizeof *line);
    *count = chart->nrows ? chart->nrows : 1;
    if (line == NULL)
        return NULL;
    size_t next = 0;
    for (size_t i = 0; i < chart->nrows; i++) {
        line[i] = next;
        const struct chart_row *r = &chart->rows[i];
        bool shares =
            G.share_lines && r->start && i + 1 < chart->nrows && !chart->rows[i + 1].start &&
            text_on_left(r) != text_on_left(&chart->rows[i + 1]) && !chart->rows[i + 1].listener;
        if (!shares)
            next++;
    }
    *count = next ? next : 1;
    return line;
}

/* Fill and border of a state box: one colour per phase of the connection. */
static void state_colors(const char *state, const char **fill, const char **stroke)
{
    static const struct {
        const char *states;
        const char *fill;
        const char *stroke;
    } phases[] = {
        {" LISTEN ", "#ddf4ff", "#0969da"},
        {" SYN_SENT SYN_RECV ", "#fff8c5", "#9a6700"},
        {" ESTABLISHED ", "#dafbe1", "#1a7f37"},
        {" FIN_WAIT1 FIN_WAIT2 CLOSING TIME_WAIT ", "#ffebe9", "#cf222e"},
        {" CLOSE_WAIT LAST_ACK ", "#fbefff", "#8250df"},
    };
    char word[32];
    snprintf(word, sizeof word, " %s ", state);
    for (size_t i = 0; i < sizeof phases / sizeof phases[0]; i++) {
        if (strstr(phases[i].states, word)) {
            *fill = phases[i].fill;
            *stroke = phases[i].stroke;
            return;
        }
    }
    *fill = "#f6f8fa"; /* CLOSED, and anything unexpected */
    *stroke = QUIET;
}

/* A state box on a lifeline: coloured when the call changed the state,
 * pale when the socket stayed where it was. */
static void put_badge(FILE *out, int x, int y, const char *state, bool changed)
{
    const char *fill = "#ffffff", *stroke = "#afb8c1", *ink = QUIET;
    if (!changed && G.quiet_badges) {
        fprintf(out, "  <circle cx=\"%d\" cy=\"%d\" r=\"%d\" fill=\"%s\"/>\n", x, y, G.dot_radius,
                QUIET);
        return;
    }
    if (changed) {
        state_colors(state, &fill, &stroke);
        ink = stroke;
    }
    fprintf(out,
            "  <rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"6\" fill=\"%s\" "
            "stroke=\"%s\" stroke-width=\"1.5\"/>\n",
            x - G.badge_width / 2, y - G.badge_height / 2, G.badge_width, G.badge_height, fill,
            stroke);
    fprintf(out,
            "  <text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-size=\"%d\" "
            "font-weight=\"%s\" fill=\"%s\">",
            x, y + G.badge_font * 36 / 100, G.badge_font, changed ? "bold" : "normal", ink);
    xml_write_text(out, state);
    fputs("</text>\n", out);
}

static void put_defs(FILE *out)
{
    fputs("<defs>\n", out);
    for (size_t k = 0; k < ARROW_KINDS; k++)
        fprintf(out,
                "  <marker id=\"head-%zu\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" "
                "markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\">"
                "<path d=\"M0,0 L10,5 L0,10 z\" fill=\"%s\"/></marker>\n",
                k, ARROW_STYLES[k].color);
    fputs("</defs>\n", out);
}

/* A lane's head (name and pid) and its dashed lifeline from top to bottom. */
static void put_head(FILE *out, int x, const char *name, long pid, int bottom)
{
    fprintf(out,
            "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\" "
            "stroke-dasharray=\"6 5\"/>\n",
            x, G.head_top + G.head_height, x, bottom, QUIET);
    fprintf(out,
            "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"8\" fill=\"#f6f8fa\" "
            "stroke=\"%s\" stroke-width=\"2\"/>\n",
            x - G.head_width / 2, G.head_top, G.head_width, G.head_height, INK);
    fprintf(out,
            "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-size=\"%d\" "
            "font-weight=\"bold\" fill=\"%s\">%s</text>\n",
            x, G.head_top + G.head_height * 46 / 100, G.head_font, INK, name);
    if (pid > 0)
        fprintf(out,
                "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-size=\"%d\" "
                "fill=\"%s\">pid %ld</text>\n",
                x, G.head_top + G.head_height * 84 / 100, G.font, QUIET, pid);
}

/* The listening socket's lane ends with its last call (its close). */
static int listener_bottom(const struct chart *chart)
{
    size_t last = 0;
    for (size_t i = 0; i < chart->nrows; i++)
        if (chart->rows[i].listener)
            last = i;
    return row_y(last);
}

/* Where an arrow meets a lifeline: at the edge of the row's state box or
 * dot, on the side that faces the other lifeline. */
static int arrow_end_x(const struct chart *chart, size_t row, enum chart_side side)
{
    int reach = G.dot_radius + 3;
    if (row != CHART_NO_ROW && chart->rows[row].state[0] &&
        (chart->rows[row].state_changed || !G.quiet_badges))
        reach = G.badge_width / 2 + 2;
    int x = row_x(chart, row, side);
    return x < G.width / 2 ? x + reach : x - reach; /* the side facing the middle */
}

static void put_arrow(FILE *out, const struct chart *chart, const struct chart_arrow *a)
{
    enum chart_side to_side = a->from_side == CHART_CLIENT ? CHART_SERVER : CHART_CLIENT;
    size_t known = a->from_row != CHART_NO_ROW ? a->from_row : a->to_row;
    if (known == CHART_NO_ROW)
        return; /* nothing to anchor it to */
    int y1 = row_y(a->from_row != CHART_NO_ROW ? a->from_row : known);
    int y2 = row_y(a->to_row != CHART_NO_ROW ? a->to_row : known);
    int x1 = arrow_end_x(chart, a->from_row, a->from_side);
    int x2 = arrow_end_x(chart, a->to_row, to_side);
    const struct arrow_style *style = &ARROW_STYLES[a->kind];
    bool partial = a->from_row == CHART_NO_ROW || a->to_row == CHART_NO_ROW;
    fprintf(out,
            "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2.5\"%s "
            "marker-end=\"url(#head-%d)\"/>\n",
            x1, y1, x2, y2, style->color, partial ? " stroke-dasharray=\"9 6\"" : "", (int)a->kind);
    /* The label sits near the sending end, so that the labels of arrows
     * leaving neighbouring rows do not collide where the arrows cross. */
    fprintf(out,
            "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-size=\"%d\" font-weight=\"bold\" "
            "fill=\"%s\" stroke=\"#ffffff\" stroke-width=\"5\" paint-order=\"stroke\">",
            x1 + (x2 - x1) * 3 / 10, y1 + (y2 - y1) * 3 / 10 - G.label / 2, G.label, style->color);
    xml_write_text(out, a->label);
    fputs("</text>\n", out);
}

/* A call that failed; a non-blocking connect under way (EINPROGRESS) has
 * not failed, it has only not finished yet. */
static bool failed(const struct trace_event *ev)
{
    return ev->has_ret && ev->ret == -1 && strcmp(ev->err, "EINPROGRESS") != 0;
}

/*
 * For a slide: the arguments without a leading "fd=N, " (the lifeline is
 * the socket; a call with no other argument keeps it, so the listener's
 * close(fd=3) and the connection's close(fd=4) stay apart) and with "bytes"
 * as "B", so "setsockopt(SO_LINGER {1, 0})" and "recv(4 B)" fit beside a
 * lifeline in large type.
 */
static void shorten_args(const char *args, char *out, size_t size)
{
    const char *p = args;
    if (strncmp(p, "fd=", 3) == 0) {
        const char *q = p + 3;
        while (*q >= '0' && *q <= '9')
            q++;
        if (*q == ',') { /* more arguments follow: they say more than the number */
            q++;
            while (*q == ' ')
                q++;
            p = q;
        }
    }
    size_t used = 0;
    while (*p && used + 2 < size) {
        if (strncmp(p, " bytes", 6) == 0) {
            out[used++] = ' ';
            out[used++] = 'B';
            p += 6;
        } else {
            out[used++] = *p++;
        }
    }
    out[used] = '\0';
}

static void put_row(FILE *out, const struct chart *chart, size_t i)
{
    const struct chart_row *row = &chart->rows[i];
    const struct trace_event *ev = row->ev;
    bool client = text_on_left(row);
    bool time_left = row->side == CHART_CLIENT;
    int x = row_x(chart, i, row->side);
    int y = row_y(i);
    char text[512];
    struct trace_event shown = *ev;
    if (G.short_args)
        shorten_args(ev->args, shown.args, sizeof shown.args);
    if (row->start) { /* "recv(4096 B) ...": begun, not returned yet */
        shown.has_ret = false;
        chart_svg_call_text(&shown, (size_t)G.call_chars - 4, text, sizeof text - 4);
        strcat(text, " ...");
    } else {
        chart_svg_call_text(&shown, (size_t)G.call_chars, text, sizeof text);
    }
    uint64_t at = row->start ? ev->start_ns : ev->mono_ns;
    double ms = at >= chart->start_ns ? (double)(at - chart->start_ns) / 1e6 : 0.0;

    fputs("<g>\n  <title>", out);
    char full[sizeof ev->args + sizeof ev->call + 64];
    chart_svg_call_text(ev, sizeof full, full, sizeof full);
    xml_write_text(out, full);
    if (ev->note[0]) {
        fputs("   ", out);
        xml_write_text(out, ev->note);
    }
    fputs("</title>\n", out);
    int step = ev->step;
    if (G.times) {
        fprintf(out,
                "  <text x=\"%d\" y=\"%d\" text-anchor=\"%s\" font-size=\"%d\" "
                "fill=\"%s\">+%.3f ms</text>\n",
                time_left ? 12 : G.width - 12, step ? y - 3 : y + 4, time_left ? "start" : "end",
                G.small, QUIET, ms);
        if (step)
            fprintf(out,
                    "  <text x=\"%d\" y=\"%d\" text-anchor=\"%s\" font-size=\"%d\" "
                    "font-weight=\"bold\" fill=\"%s\">step %d</text>\n",
                    time_left ? 12 : G.width - 12, y + 11, time_left ? "start" : "end", G.small,
                    QUIET, step);
    }
    /* Beside a dot the text may come closer than beside a state box. */
    bool boxed = row->state[0] && (row->state_changed || !G.quiet_badges);
    int gap = boxed ? G.text_gap : G.dot_radius + 12;
    /* The listener's text may lie across the server's lifeline, and the
     * server's across the listener's: a white halo keeps the dashes out of
     * the letters. */
    bool halo = chart->has_listener && row->side == CHART_SERVER;
    fprintf(out,
            "  <text x=\"%d\" y=\"%d\" text-anchor=\"%s\" font-family=\"%s\" font-size=\"%d\" "
            "fill=\"%s\"%s>",
            client ? x - gap : x + gap, y + G.font * 36 / 100, client ? "end" : "start",
            G.call_font, G.font, failed(ev) ? ERROR_INK : INK,
            halo ? " stroke=\"#ffffff\" stroke-width=\"5\" paint-order=\"stroke\"" : "");
    xml_write_text(out, text);
    fputs("</text>\n", out);
    if (row->state[0])
        put_badge(out, x, y, row->state, row->state_changed);
    else if (row->start) /* a ring: the call is under way */
        fprintf(out,
                "  <circle cx=\"%d\" cy=\"%d\" r=\"%d\" fill=\"#ffffff\" stroke=\"%s\" "
                "stroke-width=\"2.5\"/>\n",
                x, y, G.dot_radius, INK);
    else
        fprintf(out, "  <circle cx=\"%d\" cy=\"%d\" r=\"%d\" fill=\"%s\"/>\n", x, y, G.dot_radius,
                INK);
    fputs("</g>\n", out);
}

static void put_legend(FILE *out, int top)
{
    fprintf(out, "<line x1=\"12\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#d0d7de\"/>\n", top,
            G.width - 12, top);
    int x = 16;
    int y = top + 30;
    for (size_t k = 0; k < ARROW_KINDS; k++) {
        const struct arrow_style *style = &ARROW_STYLES[k];
        fprintf(out,
                "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2.5\" "
                "marker-end=\"url(#head-%zu)\"/>\n",
                x, y - 5, x + 30, y - 5, style->color, k);
        fprintf(out, "<text x=\"%d\" y=\"%d\" font-size=\"14\" fill=\"%s\">", x + 38, y, INK);
        xml_write_text(out, style->legend);
        fputs("</text>\n", out);
        x += 38 + 9 * (int)char_count(style->legend) + 30;
    }
    y += 34;
    put_badge(out, 16 + G.badge_width / 2, y - 5, "ESTABLISHED", true);
    put_badge(out, 24 + G.badge_width * 3 / 2, y - 5, "ESTABLISHED", false);
    fprintf(
        out,
        "<text x=\"%d\" y=\"%d\" font-size=\"14\" fill=\"%s\">the TCP state after the call: "
        "changed, unchanged   \u00b7   dashed arrow: the other end is not in the trace</text>\n",
        36 + G.badge_width * 2, y, INK);
    fprintf(out,
            "<text x=\"16\" y=\"%d\" font-size=\"14\" fill=\"%s\">Rows are in time order, "
            "except that a message is never drawn arriving before it was sent.</text>\n",
            y + 30, QUIET);
}

static int write_picture(FILE *out, const struct chart *chart, const char *title, bool legend)
{
    int last_row = G.first_row + (int)(LINES - 1) * G.row_height;
    int legend_top = last_row + G.row_height;
    int height = legend_top + (legend ? G.legend_height : 0);

    errno = 0;
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", out);
    /* Without a title the picture starts below the title's band. */
    int top = title[0] ? 0 : G.title_band;
    fprintf(out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
            "viewBox=\"0 %d %d %d\" font-family=\"%s\">\n",
            G.width, height - top, top, G.width, height - top, FONT_SANS);
    fputs("<title>", out);
    xml_write_text(out, title);
    fputs("</title>\n", out);
    put_defs(out);
    fprintf(out, "<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n", G.width, height);
    fprintf(out,
            "<text x=\"%d\" y=\"38\" text-anchor=\"middle\" font-size=\"26\" font-weight=\"bold\" "
            "fill=\"%s\">",
            G.width / 2, INK);
    xml_write_text(out, title);
    fputs("</text>\n", out);
    put_head(out, G.client_x, "client", chart->pid[CHART_CLIENT], last_row + G.row_height / 2);
    put_head(out, G.server_x, "server", chart->pid[CHART_SERVER], last_row + G.row_height / 2);
    if (chart->has_listener)
        put_head(out, G.listener_x, "listener", chart->pid[CHART_SERVER], listener_bottom(chart));
    /* A call that waited: a bar on its lifeline from its start to its end. */
    for (size_t i = 0; i < chart->nrows; i++) {
        size_t end = chart->rows[i].start ? chart_end_of(chart, i) : CHART_NO_ROW;
        if (end == CHART_NO_ROW)
            continue;
        int x = row_x(chart, i, chart->rows[i].side);
        fprintf(out, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#d0d7de\"/>\n",
                x - G.dot_radius, row_y(i), 2 * G.dot_radius, row_y(end) - row_y(i));
    }
    /* Arrows first, so that state boxes and text are drawn over their ends. */
    for (size_t i = 0; i < chart->narrows; i++)
        put_arrow(out, chart, &chart->arrows[i]);
    for (size_t i = 0; i < chart->nrows; i++)
        put_row(out, chart, i);
    if (legend)
        put_legend(out, legend_top);
    fputs("</svg>\n", out);
    if (ferror(out)) {
        if (errno == 0)
            errno = EIO;
        return -1;
    }
    return 0;
}

/* Writes the picture in geometry g, its rows on the lines assign_lines gives. */
static int write_in(FILE *out, const struct chart *chart, const char *title, bool legend)
{
    LINE = assign_lines(chart, &LINES);
    int rc = write_picture(out, chart, title, legend);
    int saved = errno;
    free(LINE);
    LINE = NULL;
    errno = saved;
    return rc;
}

int chart_svg_write(FILE *out, const struct chart *chart, const char *title, bool legend)
{
    G = FULL;
    return write_in(out, chart, title, legend);
}

/*
 * The slide's geometry: text of SLIDE_FONT units, rows SLIDE_ROW apart, no
 * time column, no title, no legend. Shown `shown_height` pixels tall, the
 * picture scales by shown_height / its height; with few rows the rows
 * spread out, so that the picture never grows wider than a slide.
 */
enum { SLIDE_FONT = 20, SLIDE_ROW = 28, SLIDE_MIN_PX = 18, SLIDE_MAX_WIDTH = 1220 };

static const struct geometry SLIDE = {
    .width = 1280,
    .client_x = 520,
    .server_x = 760,
    .listener_x = 1170,
    .head_top = 8,
    .head_height = 54,
    .head_width = 200,
    .row_height = SLIDE_ROW,
    .badge_width = 166,
    .badge_height = 26,
    .text_gap = 95,
    .dot_radius = 6,
    .call_chars = 35,
    .times = false,
    .font = SLIDE_FONT,
    .small = SLIDE_FONT,
    .label = SLIDE_FONT,
    .head_font = 24,
    .badge_font = SLIDE_FONT,
    .quiet_badges = true,
    .short_args = true,
    .share_lines = true,
    .call_font = FONT_SANS,
};

static int slide_height(const struct geometry *g, size_t rows)
{
    return g->first_row + (int)(rows ? rows - 1 : 0) * g->row_height + g->row_height;
}

int chart_svg_write_slide(FILE *out, const struct chart *chart, int shown_height)
{
    G = SLIDE;
    G.first_row = G.head_top + G.head_height + G.row_height;
    size_t rows;
    free(assign_lines(chart, &rows)); /* how many lines, for the sizes below */
    /* Shown shown_height tall, the width is 1280 * shown_height / height:
     * at most SLIDE_MAX_WIDTH, so few rows spread out. */
    int min_height = G.width * shown_height / SLIDE_MAX_WIDTH;
    while (slide_height(&G, rows) < min_height && rows > 1)
        G.row_height++;
    int height = slide_height(&G, rows);
    if (SLIDE_FONT * shown_height < SLIDE_MIN_PX * height)
        fprintf(stderr,
                "trace_chart: %zu rows are too many for one slide: shown %d px tall, its text "
                "would be %.1f px (under %d px)\n",
                rows, shown_height, (double)SLIDE_FONT * shown_height / height, SLIDE_MIN_PX);
    return write_in(out, chart, "", false);
}
