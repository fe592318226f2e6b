/* trace_read.c - see trace_read.h. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "lines.h"
#include "trace_read.h"

/* Where the parser is in the line. */
struct cursor {
    const char *p;
};

static void skip_space(struct cursor *c)
{
    while (*c->p == ' ' || *c->p == '\t' || *c->p == '\r' || *c->p == '\n')
        c->p++;
}

/* Consumes ch (after any spaces) and says whether it was there. */
static bool take(struct cursor *c, char ch)
{
    skip_space(c);
    if (*c->p != ch)
        return false;
    c->p++;
    return true;
}

/* A field being filled: text that does not fit is dropped whole, a
 * character at a time, so a cut never splits a UTF-8 sequence. */
struct field {
    char *out; /* NULL: parse and throw away */
    size_t size;
    size_t used;
    bool full;
};

static void field_put(struct field *f, const char *bytes, size_t n)
{
    if (f->out == NULL || f->full)
        return;
    if (f->used + n >= f->size) {
        f->full = true;
        return;
    }
    memcpy(f->out + f->used, bytes, n);
    f->used += n;
    f->out[f->used] = '\0';
}

static void field_put_code_point(struct field *f, unsigned long cp)
{
    char b[4];
    size_t n;
    if (cp < 0x80) {
        b[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        b[0] = (char)(0xC0 | (cp >> 6));
        b[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        b[0] = (char)(0xE0 | (cp >> 12));
        b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        b[0] = (char)(0xF0 | (cp >> 18));
        b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        b[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    field_put(f, b, n);
}

/* Reads the four hex digits of a \u escape. */
static bool parse_hex4(struct cursor *c, unsigned long *value)
{
    *value = 0;
    for (int i = 0; i < 4; i++) {
        char ch = *c->p++;
        int digit;
        if (ch >= '0' && ch <= '9')
            digit = ch - '0';
        else if (ch >= 'a' && ch <= 'f')
            digit = ch - 'a' + 10;
        else if (ch >= 'A' && ch <= 'F')
            digit = ch - 'A' + 10;
        else
            return false;
        *value = *value * 16 + (unsigned long)digit;
    }
    return true;
}

/* The escape after a backslash; the cursor is on the letter. */
static bool parse_escape(struct cursor *c, struct field *f)
{
    static const char from[] = "\"\\/bfnrt";
    static const char to[] = "\"\\/\b\f\n\r\t";
    char ch = *c->p;
    const char *hit = ch ? strchr(from, ch) : NULL;
    if (hit) {
        c->p++;
        field_put(f, &to[hit - from], 1);
        return true;
    }
    if (ch != 'u')
        return false;
    c->p++;
    unsigned long cp;
    if (!parse_hex4(c, &cp))
        return false;
    /* A character outside the BMP comes as a surrogate pair. */
    if (cp >= 0xD800 && cp <= 0xDBFF && c->p[0] == '\\' && c->p[1] == 'u') {
        struct cursor low_at = {c->p + 2};
        unsigned long low;
        if (parse_hex4(&low_at, &low) && low >= 0xDC00 && low <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            c->p = low_at.p;
        }
    }
    if (cp >= 0xD800 && cp <= 0xDFFF)
        cp = 0xFFFD; /* a lone surrogate: the replacement character */
    field_put_code_point(f, cp);
    return true;
}

/* How many bytes the UTF-8 sequence starting with lead byte b claims. */
static size_t utf8_length(unsigned char b)
{
    if (b >= 0xF0 && b <= 0xF7)
        return 4;
    if (b >= 0xE0)
        return 3;
    if (b >= 0xC0)
        return 2;
    return 1;
}

/* A JSON string; the cursor is on the opening quote. */
static bool parse_string(struct cursor *c, struct field *f)
{
    if (f->out && f->size > 0)
        f->out[0] = '\0';
    if (!take(c, '"'))
        return false;
    for (;;) {
        unsigned char ch = (unsigned char)*c->p;
        if (ch == '"') {
            c->p++;
            return true;
        }
        if (ch < 0x20)
            return false; /* the end of the line, or a raw control character */
        if (ch == '\\') {
            c->p++;
            if (!parse_escape(c, f))
                return false;
            continue;
        }
        /* Copy one whole character; its continuation bytes are never '"'. */
        size_t n = utf8_length(ch);
        size_t have = 1;
        while (have < n && ((unsigned char)c->p[have] & 0xC0) == 0x80)
            have++;
        field_put(f, c->p, have);
        c->p += have;
    }
}

/* The text of a JSON number, checked against the grammar, into buf. */
static bool scan_number(struct cursor *c, char *buf, size_t size)
{
    const char *start = c->p;
    const char *p = c->p;
    if (*p == '-')
        p++;
    if (*p < '0' || *p > '9')
        return false;
    while (*p >= '0' && *p <= '9')
        p++;
    if (*p == '.') {
        p++;
        if (*p < '0' || *p > '9')
            return false;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        if (*p < '0' || *p > '9')
            return false;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    size_t len = (size_t)(p - start);
    if (len >= size)
        return false;
    memcpy(buf, start, len);
    buf[len] = '\0';
    c->p = p;
    return true;
}

/* A whole number in [min, max]; trace numbers other than "t" are integers. */
static bool to_long(const char *text, long min, long max, long *value)
{
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (errno != 0 || *end != '\0' || v < min || v > max)
        return false;
    *value = v;
    return true;
}

static bool to_u64(const char *text, uint64_t *value)
{
    char *end;
    if (text[0] == '-')
        return false;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno != 0 || *end != '\0')
        return false;
    *value = v;
    return true;
}

/* What the parser has seen so far in one line. */
struct seen {
    bool mono_ns;
};

/* Where a key's string value goes, or NULL for a key the chart ignores. */
static struct field string_field_for(const char *key, struct trace_event *ev)
{
    struct field f = {0};
    if (strcmp(key, "role") == 0)
        f = (struct field){ev->role, sizeof ev->role, 0, false};
    else if (strcmp(key, "call") == 0)
        f = (struct field){ev->call, sizeof ev->call, 0, false};
    else if (strcmp(key, "args") == 0)
        f = (struct field){ev->args, sizeof ev->args, 0, false};
    else if (strcmp(key, "errno") == 0)
        f = (struct field){ev->err, sizeof ev->err, 0, false};
    else if (strcmp(key, "note") == 0)
        f = (struct field){ev->note, sizeof ev->note, 0, false};
    else if (strcmp(key, "state_before") == 0)
        f = (struct field){ev->state_before, sizeof ev->state_before, 0, false};
    else if (strcmp(key, "state_after") == 0)
        f = (struct field){ev->state_after, sizeof ev->state_after, 0, false};
    else if (strcmp(key, "state_then") == 0)
        f = (struct field){ev->state_then, sizeof ev->state_then, 0, false};
    return f;
}

static bool parse_number_value(struct cursor *c, const char *key, struct trace_event *ev,
                               struct seen *seen)
{
    char text[40];
    if (!scan_number(c, text, sizeof text))
        return false;
    if (strcmp(key, "mono_ns") == 0) {
        seen->mono_ns = true;
        return to_u64(text, &ev->mono_ns);
    }
    if (strcmp(key, "start_ns") == 0)
        return to_u64(text, &ev->start_ns);
    if (strcmp(key, "pid") == 0)
        return to_long(text, 0, LONG_MAX, &ev->pid);
    if (strcmp(key, "ret") == 0) {
        ev->has_ret = true;
        return to_long(text, LONG_MIN, LONG_MAX, &ev->ret);
    }
    int *small_field = strcmp(key, "fd") == 0         ? &ev->fd
                       : strcmp(key, "step") == 0     ? &ev->step
                       : strcmp(key, "read_fd") == 0  ? &ev->read_fd
                       : strcmp(key, "write_fd") == 0 ? &ev->write_fd
                                                      : NULL;
    long small;
    if (small_field) {
        if (!to_long(text, 0, INT_MAX, &small))
            return false;
        *small_field = (int)small;
    }
    return true; /* "t" and any key added later */
}

/* One "key": value pair. */
static bool parse_member(struct cursor *c, struct trace_event *ev, struct seen *seen)
{
    char key[32];
    struct field key_field = {key, sizeof key, 0, false};
    skip_space(c);
    if (!parse_string(c, &key_field) || !take(c, ':'))
        return false;
    skip_space(c);
    char ch = *c->p;
    if (ch == '"' && strcmp(key, "phase") == 0) {
        char phase[8];
        struct field f = {phase, sizeof phase, 0, false};
        if (!parse_string(c, &f))
            return false;
        ev->phase = strcmp(phase, "start") == 0 ? TRACE_PHASE_START
                    : strcmp(phase, "end") == 0 ? TRACE_PHASE_END
                                                : TRACE_PHASE_CALL;
        return true;
    }
    if (ch == '"') {
        struct field f = string_field_for(key, ev);
        return parse_string(c, &f);
    }
    if (ch == '-' || (ch >= '0' && ch <= '9'))
        return parse_number_value(c, key, ev, seen);
    static const char *const words[] = {"null", "true", "false"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        size_t n = strlen(words[i]);
        if (strncmp(c->p, words[i], n) == 0) {
            c->p += n;
            if (strcmp(key, "ret") == 0)
                ev->has_ret = false;
            return true;
        }
    }
    return false; /* objects and arrays never appear in a trace line */
}

int trace_event_parse(const char *line, struct trace_event *ev)
{
    memset(ev, 0, sizeof *ev);
    ev->fd = ev->read_fd = ev->write_fd = -1; /* absent or null: no descriptor */
    struct cursor c = {line};
    struct seen seen = {false};
    bool ok = take(&c, '{');
    if (ok && !take(&c, '}')) {
        do {
            ok = parse_member(&c, ev, &seen);
        } while (ok && take(&c, ','));
        ok = ok && take(&c, '}');
    }
    skip_space(&c);
    if (!ok || *c.p != '\0' || !seen.mono_ns) {
        errno = EINVAL;
        return -1;
    }
    if (ev->call[0] == '\0')
        ev->has_ret = false; /* a narration line has no result */
    return 0;
}

/* A letter, digit or '_': part of a name, so not a word's edge. */
static bool is_name_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '_';
}

bool trace_event_has_word(const struct trace_event *ev, const char *word)
{
    size_t n = strlen(word);
    if (n == 0)
        return false;
    for (const char *p = strstr(ev->args, word); p; p = strstr(p + 1, word)) {
        bool starts = p == ev->args || !is_name_char(p[-1]) || !is_name_char(word[0]);
        bool ends = !is_name_char(p[n]) || !is_name_char(word[n - 1]);
        if (starts && ends)
            return true;
    }
    return false;
}

/* The growing array trace_events_load() fills, one line at a time. */
struct loading {
    struct trace_event *events;
    size_t count;
    size_t capacity;
    size_t *bad_line;
};

/* Appends ev to the growing array. */
static int push_event(struct loading *l, const struct trace_event *ev)
{
    struct trace_event *events = grow_array(l->events, l->count, &l->capacity, sizeof *events);
    if (events == NULL)
        return -1;
    l->events = events;
    l->events[l->count++] = *ev;
    return 0;
}

/* lines_read()'s reader: one event a line; a bad line is named and stops. */
static int load_line(char *line, size_t number, void *arg)
{
    struct loading *l = arg;
    struct trace_event ev;
    if (trace_event_parse(line, &ev) == -1) {
        *l->bad_line = number;
        return -1;
    }
    return push_event(l, &ev);
}

int trace_events_load(const char *path, struct trace_event **events, size_t *count,
                      size_t *bad_line)
{
    *bad_line = 0;
    struct loading l = {.events = NULL, .count = 0, .capacity = 0, .bad_line = bad_line};
    if (lines_read(path, load_line, &l) == -1) {
        int saved = errno;
        free(l.events);
        *events = NULL;
        *count = 0;
        errno = saved;
        return -1;
    }
    *events = l.events;
    *count = l.count;
    return 0;
}
