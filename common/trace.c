/*
 * trace.c - text and JSON trace lines for each IPC step (see trace.h).
 */
#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "err.h"
#include "json.h"
#include "step.h"
#include "term.h"
#include "trace.h"

enum trace_mode { MODE_OFF, MODE_TEXT, MODE_JSON };

/* Settings read once from the environment; forked children inherit them. */
static struct {
    bool loaded;
    enum trace_mode mode;
    const char *file;
    const char *live; /* IPC_TRACE_LIVE: every line, starts too, for a live view */
    bool color;
    uint64_t epoch_ns;
    long repeat; /* IPC_TRACE_REPEAT: lines per call name between narrations; 0: all */
} settings;

/*
 * The calls held back by IPC_TRACE_REPEAT since the last narration line of
 * this process: their names and counts, told in one line before the next
 * line this process writes ("... 1994 more: pthread_cond_signal x1200").
 */
#define HELD_NAMES 32
static struct {
    const char *call;
    long shown, held;
} seen[HELD_NAMES];

static const char *current_role;

/* When the call being reported returned (trace_mark_return), or 0: now.
 * Per thread: two threads of one process (lab 01's threaded tests) each
 * report their own calls. */
static _Thread_local uint64_t pending_return_ns;

/* When the call traced next began (trace_call_starts), or 0: not marked.
 * Per thread, like the return. */
static _Thread_local uint64_t pending_start_ns;

/* A call announced by trace_call_begin() and not ended yet: its name and
 * when it was entered. The next trace_call*() of that name is its end. */
static _Thread_local char begun_call[32];
static _Thread_local uint64_t begun_ns;

/* How full the channel was after the next call line's call (trace_mark_fill);
 * capacity 0: not marked. */
static _Thread_local unsigned long long pending_fill_used, pending_fill_capacity;

/* The TCP states that trace_mark_states() gave for the next call line. */
static _Thread_local struct {
    const char *before, *after, *then;
} pending_states;

/* The epoch is handed to exec'd programs through the environment, so all
 * processes of one run share time zero. */
static uint64_t load_epoch(void)
{
    const char *text = getenv("IPC_TRACE_EPOCH_NS");
    if (text) {
        char *end;
        errno = 0;
        unsigned long long value = strtoull(text, &end, 10);
        if (errno == 0 && *end == '\0' && end != text)
            return value;
    }
    uint64_t now = clock_now_ns();
    char buf[32];
    snprintf(buf, sizeof buf, "%" PRIu64, now);
    setenv("IPC_TRACE_EPOCH_NS", buf, 1);
    return now;
}

static void load_settings(void)
{
    if (settings.loaded)
        return;
    const char *mode = getenv("IPC_TRACE");
    if (mode == NULL || strcmp(mode, "text") == 0 || mode[0] == '\0')
        settings.mode = MODE_TEXT;
    else if (strcmp(mode, "json") == 0)
        settings.mode = MODE_JSON;
    else
        settings.mode = MODE_OFF; /* "off", and anything unknown: stay quiet */
    const char *file = getenv("IPC_TRACE_FILE");
    settings.file = (file && file[0]) ? file : NULL;
    const char *live = getenv("IPC_TRACE_LIVE");
    settings.live = (live && live[0]) ? live : NULL;
    settings.color = term_use_color(STDERR_FILENO);
    settings.epoch_ns = load_epoch();
    const char *repeat = getenv("IPC_TRACE_REPEAT");
    settings.repeat = repeat ? strtol(repeat, NULL, 10) : 0;
    if (settings.repeat < 0)
        settings.repeat = 0;
    settings.loaded = true;
}

void trace_reset(void)
{
    settings.loaded = false;
}

void trace_mark_return(void)
{
    pending_return_ns = clock_now_ns();
}

void trace_set_role(const char *role)
{
    current_role = role;
    /* The settings (and time zero) are read now at the latest, so that the
     * children a program forks before its first trace line share them. */
    load_settings();
}

static const char *role_name(void)
{
    return current_role ? current_role : err_progname();
}

const char *trace_role(void)
{
    return role_name();
}

bool trace_enabled(void)
{
    load_settings();
    return settings.mode != MODE_OFF || settings.file != NULL || settings.live != NULL;
}

/* A call line is written once (PHASE_CALL), or, for a call announced with
 * trace_call_begin(), twice: when it is entered and when it returns. */
enum phase { PHASE_CALL, PHASE_START, PHASE_END };

struct event {
    uint64_t mono_ns;
    uint64_t start_ns; /* when the call began, or 0 when not marked */
    enum phase phase;
    const char *call;      /* NULL for a narration line */
    const char *args;      /* as the program wrote them: the text line shows these */
    const char *data_args; /* the same without the step tag: the JSON "args" */
    long result;
    int err; /* errno when result == -1 */
    const char *note;
    int fd;   /* the descriptor the call acted on ("fd=N" leads its args), or -1 */
    int step; /* lab 04's step ("[step N]" ends its args, and leaves data_args), or 0 */
    int read_fd, write_fd; /* the ends a pipe() made ("read=R, write=W" leads its args), or -1 */
    const char *state_before, *state_after, *state_then; /* TCP states, or NULL */
    unsigned long long fill_used, fill_capacity;         /* trace_mark_fill; capacity 0: none */
};

/*
 * The labs write a call's arguments by three conventions (trace.h): a call
 * on a descriptor starts with "fd=N", a pipe() with "read=R, write=W" (lab
 * 02), and a lab 04 step ends with "[step N]".
 * They are read here, once, where the line is made, and written as fields
 * of their own: no reader ever has to find them in the text again. The step
 * tag is a field only: it is cut out of the JSON "args" (into plain, of
 * size bytes), while the text line a person reads keeps it where the
 * program wrote it.
 */
static void lift_fields(struct event *ev, char *plain, size_t size)
{
    ev->fd = ev->read_fd = ev->write_fd = -1;
    ev->step = 0;
    ev->data_args = ev->args;
    const char *a = ev->args;
    if (a == NULL)
        return;
    if (strncmp(a, "fd=", 3) == 0 && a[3] >= '0' && a[3] <= '9') {
        long fd = strtol(a + 3, NULL, 10);
        ev->fd = fd < 1 << 20 ? (int)fd : -1;
    }
    int read_fd, write_fd;
    if (sscanf(a, "read=%d, write=%d", &read_fd, &write_fd) == 2 && read_fd >= 0 && write_fd >= 0) {
        ev->read_fd = read_fd;
        ev->write_fd = write_fd;
    }
    const char *tag = strstr(a, "[step ");
    if (tag == NULL)
        return;
    char *end;
    long step = strtol(tag + strlen("[step "), &end, 10);
    ev->step = step > 0 && step < 1000 ? (int)step : 0;
    if (ev->step == 0)
        return; /* not a step tag after all: the args stay as written */
    if (*end == ']')
        end++;
    const char *cut = tag; /* the spaces before the tag go with it */
    while (cut > a && cut[-1] == ' ')
        cut--;
    snprintf(plain, size, "%.*s%s", (int)(cut - a), a, cut == a ? end + strspn(end, " ") : end);
    ev->data_args = plain;
}

static size_t format_text(char *buf, size_t size, const struct event *ev)
{
    double t = (double)(ev->mono_ns - settings.epoch_ns) / 1e9;
    bool c = settings.color;
    int n;
    if (ev->call == NULL) {
        n = snprintf(buf, size, "%s[+%.6f %s %ld]%s -- %s\n", term_color(c, TERM_DIM), t,
                     role_name(), (long)getpid(), term_color(c, TERM_RESET), ev->note);
    } else if (ev->phase == PHASE_START) {
        /* Entered, not returned yet: "recv(fd=4) ..." (strace says <unfinished ...>). */
        n = snprintf(buf, size, "%s[+%.6f %s %ld]%s %s%s%s(%s) %s...%s\n", term_color(c, TERM_DIM),
                     t, role_name(), (long)getpid(), term_color(c, TERM_RESET),
                     term_color(c, TERM_CYAN), ev->call, term_color(c, TERM_RESET), ev->args,
                     term_color(c, TERM_DIM), term_color(c, TERM_RESET));
    } else {
        char result[160];
        if (ev->result == -1)
            snprintf(result, sizeof result, "%s-1 %s (%s)%s", term_color(c, TERM_RED),
                     errno_name(ev->err), strerror(ev->err), term_color(c, TERM_RESET));
        else
            snprintf(result, sizeof result, "%ld", ev->result);
        n = snprintf(buf, size, "%s[+%.6f %s %ld]%s %s%s%s(%s) = %s%s%s\n", term_color(c, TERM_DIM),
                     t, role_name(), (long)getpid(), term_color(c, TERM_RESET),
                     term_color(c, TERM_CYAN), ev->call, term_color(c, TERM_RESET), ev->args,
                     result, ev->note ? "   " : "", ev->note ? ev->note : "");
    }
    if (n < 0)
        return 0;
    if ((size_t)n >= size) { /* cut, but keep the newline */
        buf[size - 2] = '\n';
        return size - 1;
    }
    return (size_t)n;
}

/* Appends text at *used when it fits whole; returns false (and appends
 * nothing) when it does not. */
static bool append_raw(char *buf, size_t size, size_t *used, const char *text)
{
    size_t n = strlen(text);
    if (*used + n + 1 > size)
        return false;
    memcpy(buf + *used, text, n + 1);
    *used += n;
    return true;
}

/* Appends ,"key":"value" (or ,"key":null); false when it did not fit. A
 * value too long is cut, and still a valid string (json_append_string). */
static bool append_text_field(char *buf, size_t size, size_t *used, const char *key,
                              const char *value)
{
    char head[40];
    snprintf(head, sizeof head, ",\"%s\":", key);
    if (!append_raw(buf, size, used, head))
        return false;
    if (value == NULL)
        return append_raw(buf, size, used, "null");
    if (*used + 3 > size)
        return false; /* not even "" fits */
    json_append_string(buf, size, used, value);
    return true;
}

/* Appends ,"key":N, or ,"key":null when the number is absent. */
static bool append_number_field(char *buf, size_t size, size_t *used, const char *key,
                                long long value, bool present)
{
    char text[80];
    if (present)
        snprintf(text, sizeof text, ",\"%s\":%lld", key, value);
    else
        snprintf(text, sizeof text, ",\"%s\":null", key);
    return append_raw(buf, size, used, text);
}

/*
 * One JSON object. The first keys are the ones every reader has always
 * read (t, mono_ns, start_ns, pid, role, call, args, ret, errno, note);
 * the fields after them were added later, so an old reader that skips
 * keys it does not know reads a new trace as before. Returns its length,
 * or 0 when it did not fit: never a cut, invalid object.
 */
static size_t format_json(char *buf, size_t size, const struct event *ev)
{
    char start[40] = ""; /* ,"start_ns":N when the call's start was marked */
    if (ev->start_ns != 0)
        snprintf(start, sizeof start, ",\"start_ns\":%" PRIu64, ev->start_ns);
    size_t used = 0;
    int n = snprintf(buf, size, "{\"t\":%.6f,\"mono_ns\":%" PRIu64 "%s,\"pid\":%ld,\"role\":",
                     (double)(ev->mono_ns - settings.epoch_ns) / 1e9, ev->mono_ns, start,
                     (long)getpid());
    if (n < 0 || (size_t)n + 3 > size)
        return 0;
    used = (size_t)n;
    json_append_string(buf, size, &used, role_name());
    bool ended = ev->call && ev->phase != PHASE_START; /* a result exists */
    static const char *const PHASES[] = {NULL, "start", "end"};
    bool fits = append_text_field(buf, size, &used, "call", ev->call) &&
                append_text_field(buf, size, &used, "args", ev->call ? ev->data_args : NULL) &&
                append_number_field(buf, size, &used, "ret", ev->result, ended) &&
                append_text_field(buf, size, &used, "errno",
                                  ended && ev->result == -1 ? errno_name(ev->err) : NULL) &&
                append_text_field(buf, size, &used, "note", ev->note) &&
                append_text_field(buf, size, &used, "phase", ev->call ? PHASES[ev->phase] : NULL) &&
                append_number_field(buf, size, &used, "fd", ev->fd, ev->call && ev->fd >= 0) &&
                append_number_field(buf, size, &used, "step", ev->step, ev->call && ev->step > 0) &&
                append_text_field(buf, size, &used, "state_before", ev->state_before) &&
                append_text_field(buf, size, &used, "state_after", ev->state_after) &&
                append_text_field(buf, size, &used, "state_then", ev->state_then);
    /* Only the lines that carry them say what a pipe() made (lab 02) and how
     * full the channel is (lab 01's ring). */
    if (fits && ev->call && ev->read_fd >= 0)
        fits = append_number_field(buf, size, &used, "read_fd", ev->read_fd, true) &&
               append_number_field(buf, size, &used, "write_fd", ev->write_fd, true);
    if (fits && ev->fill_capacity > 0)
        fits = append_number_field(buf, size, &used, "fill_used", (long long)ev->fill_used, true) &&
               append_number_field(buf, size, &used, "fill_capacity", (long long)ev->fill_capacity,
                                   true);
    if (!fits || !append_raw(buf, size, &used, "}\n"))
        return 0;
    return used;
}

static void append_to_file(const char *path, const char *line, size_t len)
{
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd == -1)
        return;
    err_write_all(fd, line, len);
    close(fd);
}

/* Writes one line to stderr (unless held back by IPC_TRACE_REPEAT, which
 * only spares a person's eyes) and to the trace file (always complete). */
static void emit_line(const struct event *ev, bool held)
{
    char line[2048];
    size_t len;
    /* In step mode a line waits while another process of the run prompts. */
    uint64_t asked_ns = clock_now_ns();
    int tty_lock = held ? -1 : step_lock();
    if (held) {
        /* nothing on stderr */
    } else if (settings.mode == MODE_TEXT) {
        len = format_text(line, sizeof line, ev);
        /* A line that waited for another process's prompt comes after lines
         * of calls that returned later: its time is still when its call
         * returned, and it says why it is out of order. */
        static const char LATE[] = "   (shown late: it waited for another process's prompt)\n";
        if (tty_lock != -1 && clock_now_ns() - asked_ns > 100000000 && len > 0 &&
            len + sizeof LATE <= sizeof line) {
            memcpy(line + len - 1, LATE, sizeof LATE);
            len += sizeof LATE - 2;
        }
        err_write_all(STDERR_FILENO, line, len);
    } else if (settings.mode == MODE_JSON) {
        len = format_json(line, sizeof line, ev);
        err_write_all(STDERR_FILENO, line, len);
    }
    /* The file holds one record per call: an ended call carries its start
     * as start_ns, so the file is never read with a call counted twice. */
    if (settings.file && ev->phase != PHASE_START) {
        len = format_json(line, sizeof line, ev);
        append_to_file(settings.file, line, len);
    }
    /* A live view draws a call when it starts: it gets the start lines too. */
    if (settings.live) {
        len = format_json(line, sizeof line, ev);
        append_to_file(settings.live, line, len);
    }
    step_unlock(tty_lock);
}

static void emit(const struct event *ev)
{
    emit_line(ev, false);
}

static void tell_held(uint64_t mono_ns);
static bool told_at_exit;
static void tell_held_at_exit(void)
{
    tell_held(clock_now_ns());
}

/* With IPC_TRACE_REPEAT=N: true when this call's line is to be held back
 * (its name was shown N times since the last narration), and counted. */
static bool hold_back(const char *call)
{
    if (settings.repeat == 0)
        return false;
    size_t free_slot = HELD_NAMES;
    for (size_t i = 0; i < HELD_NAMES; i++) {
        if (seen[i].call && strcmp(seen[i].call, call) == 0) {
            if (seen[i].shown < settings.repeat) {
                seen[i].shown++;
                return false;
            }
            if (!told_at_exit) /* a process that ends without narrating still tells */
                told_at_exit = atexit(tell_held_at_exit) == 0;
            seen[i].held++;
            return true;
        }
        if (seen[i].call == NULL && free_slot == HELD_NAMES)
            free_slot = i;
    }
    if (free_slot < HELD_NAMES) {
        seen[free_slot].call = call;
        seen[free_slot].shown = 1;
        seen[free_slot].held = 0;
    }
    return false; /* a new name, or no room to count it: show it */
}

/* With IPC_TRACE_REPEAT=N: true when the end of this call will be held
 * back, so its start line is held back too. Counts nothing. */
static bool would_hold_back(const char *call)
{
    if (settings.repeat == 0)
        return false;
    for (size_t i = 0; i < HELD_NAMES; i++)
        if (seen[i].call && strcmp(seen[i].call, call) == 0)
            return seen[i].shown >= settings.repeat;
    return false;
}

/* Tells what was held back, in one narration line, and starts counting anew. */
static void tell_held(uint64_t mono_ns)
{
    char text[512];
    size_t used = 0;
    long total = 0;
    for (size_t i = 0; i < HELD_NAMES; i++) {
        if (seen[i].held == 0)
            continue;
        total += seen[i].held;
        int n = snprintf(text + used, sizeof text - used, "%s%s x%ld", used ? ", " : "",
                         seen[i].call, seen[i].held);
        if (n > 0 && (size_t)n < sizeof text - used)
            used += (size_t)n;
    }
    memset(seen, 0, sizeof seen);
    if (total == 0)
        return;
    char line[600];
    snprintf(line, sizeof line, "... %ld more like these, not shown: %s", total, text);
    struct event ev = {.mono_ns = mono_ns, .note = line};
    emit(&ev);
}

/* One line at a time: a program's threads may trace at once (the tests'
 * readers do, in the checker), and the state above is the process's. */
static pthread_mutex_t trace_lock = PTHREAD_MUTEX_INITIALIZER;

static long vtrace_locked(const char *call, long result, const char *note, const char *fmt,
                          va_list ap);

static long vtrace(const char *call, long result, const char *note, const char *fmt, va_list ap)
{
    int saved = errno;
    pthread_mutex_lock(&trace_lock);
    errno = saved;
    long r = vtrace_locked(call, result, note, fmt, ap);
    saved = errno;
    pthread_mutex_unlock(&trace_lock);
    errno = saved;
    return r;
}

static long vtrace_locked(const char *call, long result, const char *note, const char *fmt,
                          va_list ap)
{
    int saved = errno;
    /* The stamp is taken first: formatting must not make a call look later. */
    uint64_t returned_ns = pending_return_ns ? pending_return_ns : clock_now_ns();
    pending_return_ns = 0;
    load_settings();
    if (returned_ns < settings.epoch_ns)
        returned_ns = settings.epoch_ns; /* the very first line of a process */
    /* The end of a call announced by trace_call_begin(), or a call of its own. */
    bool ends_begun = begun_call[0] != '\0' && strcmp(begun_call, call) == 0;
    uint64_t start_ns = ends_begun ? begun_ns : pending_start_ns;
    if (settings.mode != MODE_OFF || settings.file || settings.live) {
        bool held = settings.mode != MODE_OFF && hold_back(call);
        char args[1024] = "";
        if (fmt)
            vsnprintf(args, sizeof args, fmt, ap);
        struct event ev = {
            .mono_ns = returned_ns,
            .start_ns = start_ns,
            .phase = ends_begun ? PHASE_END : PHASE_CALL,
            .call = call,
            .args = args,
            .result = result,
            .err = saved,
            .note = note,
            .state_before = pending_states.before,
            .state_after = pending_states.after,
            .state_then = pending_states.then,
            .fill_used = pending_fill_used,
            .fill_capacity = pending_fill_capacity,
        };
        char plain[sizeof args];
        lift_fields(&ev, plain, sizeof plain);
        emit_line(&ev, held);
        if (!held)
            step_pause(trace_role(), false);
    }
    pending_start_ns = 0; /* a start belongs to one call only */
    memset(&pending_states, 0, sizeof pending_states);
    pending_fill_used = pending_fill_capacity = 0;
    if (ends_begun)
        begun_call[0] = '\0';
    errno = saved;
    return result;
}

void trace_call_begin(const char *call, const char *fmt, ...)
{
    int saved = errno;
    load_settings();
    uint64_t now = clock_now_ns();
    if (now < settings.epoch_ns)
        now = settings.epoch_ns;
    snprintf(begun_call, sizeof begun_call, "%s", call);
    begun_ns = now;
    /* A person reads start lines (stderr), and a live view (IPC_TRACE_LIVE);
     * the file gets the start as the ended call's start_ns. Written before
     * the call is made, this line is on the screen before anything the call
     * causes in another process. */
    bool held = settings.mode != MODE_OFF && would_hold_back(call);
    if (settings.mode != MODE_OFF || settings.live) {
        char args[1024] = "";
        va_list ap;
        va_start(ap, fmt);
        if (fmt)
            vsnprintf(args, sizeof args, fmt, ap);
        va_end(ap);
        struct event ev = {.mono_ns = now, .phase = PHASE_START, .call = call, .args = args};
        char plain[sizeof args];
        lift_fields(&ev, plain, sizeof plain);
        emit_line(&ev, held || settings.mode == MODE_OFF);
    }
    errno = saved;
}

void trace_mark_fill(unsigned long long used, unsigned long long capacity)
{
    pending_fill_used = used;
    pending_fill_capacity = capacity;
}

void trace_mark_states(const char *before, const char *after, const char *then)
{
    pending_states.before = before;
    pending_states.after = after;
    pending_states.then = then;
}

void trace_call_starts(void)
{
    pending_start_ns = clock_now_ns();
}

long trace_call(const char *call, long result, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vtrace(call, result, NULL, fmt, ap);
    va_end(ap);
    return result;
}

long trace_call_note(const char *call, long result, const char *note, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vtrace(call, result, note, fmt, ap);
    va_end(ap);
    return result;
}

void trace_note(const char *fmt, ...)
{
    int saved = errno;
    load_settings();
    if (settings.mode != MODE_OFF || settings.file || settings.live) {
        char text[1024];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(text, sizeof text, fmt, ap);
        va_end(ap);
        uint64_t now = clock_now_ns();
        tell_held(now);
        struct event ev = {.mono_ns = now, .note = text};
        emit(&ev);
        step_pause(trace_role(), true); /* IPC_STEP=notes stops here only */
    }
    errno = saved;
}
