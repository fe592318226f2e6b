/*
 * trace.h - make every IPC step visible, and gradable.
 *
 * Call the system call first, then report it:
 *
 *     int rc = bind(fd, sa, len);
 *     trace_call("bind", rc, "fd=%d, %s", fd, addr_text);
 *
 * which prints (text mode, to stderr)
 *
 *     [+0.000153 server 4242] bind(fd=3, 127.0.0.1:27015) = 0
 *     [+0.000171 server 4242] bind(fd=3, 127.0.0.1:27015) = -1 EADDRINUSE (Address already in use)
 *
 * args_fmt may be NULL for a call without arguments ("fork() = 4243").
 * A result of -1 is shown with errno; trace_call() saves and restores errno,
 * so the caller can still inspect it afterwards.
 *
 * Environment (read once, on first use):
 *   IPC_TRACE=off|text|json  where stderr lines go (default text; json = JSON Lines)
 *   IPC_TRACE_FILE=path      also append JSON Lines to path (any IPC_TRACE mode)
 *   IPC_TRACE_LIVE=path      also append every line to path as it happens, the
 *                            start lines of trace_call_begin() too: what a live
 *                            view (tools/live) reads while the programs run
 *   IPC_STEP=1               pause after each traced step until Enter is pressed
 *                            on the controlling terminal (never blocks without
 *                            one); one process prompts at a time (step.h)
 *   IPC_STEP=notes           pause at the narration lines (trace_note) only, as
 *                            IPC_STEP=1 make demo does
 *   IPC_TRACE_REPEAT=N       on stderr, show each call name at most N times
 *                            between two narration lines, then count the rest
 *                            in one line ("... 1994 more like these, not
 *                            shown: ..."); IPC_TRACE_FILE still gets them all
 *   NO_COLOR                 no colour even on a terminal
 *
 * Each JSON line is one object:
 *   {"t":0.000153,"mono_ns":123,"pid":4242,"role":"server","call":"bind",
 *    "args":"fd=3, 127.0.0.1:27015","ret":0,"errno":null,"note":null,
 *    "phase":null,"fd":3,"step":null,"state_before":null,"state_after":null,
 *    "state_then":null}
 * "t" is seconds since the trace epoch, shared with children (fork or exec),
 * so lines from several processes sort into one timeline by mono_ns.
 * A call marked with trace_call_starts() or trace_call_begin() also carries
 * "start_ns" (right after "mono_ns"): when the call began, on the same clock.
 * The keys after "note" are the call's facts as fields of their own, so no
 * reader parses them out of "args" or "note" (read them with
 * common/trace_read.h):
 *   phase          null: one line for the whole call; "end": the call was
 *                  announced by trace_call_begin() ("start" lines appear on
 *                  stderr only: the file has one record per call)
 *   fd             the descriptor the call acted on: args that start with
 *                  "fd=N" give it (the convention every lab follows)
 *   step           lab 04's step number, from args that end with "[step N]";
 *                  the tag is cut out of "args" (the text line keeps it)
 *   state_before, state_after, state_then
 *                  the TCP state before and after the call, and what was seen
 *                  when the peer moved it further at once (trace_mark_states,
 *                  which lab 04's tcp_watch_end() calls); null when unknown
 *   read_fd, write_fd
 *                  the two descriptors a pipe() made, from args that start
 *                  with "read=R, write=W" (lab 02's convention); absent
 *                  elsewhere
 *   fill_used, fill_capacity
 *                  how full the channel was after the call, in bytes, on the
 *                  lines that say it (trace_mark_fill: lab 01's ring); absent
 *                  elsewhere
 *
 * Every line is written with one write(2), and the file is opened with
 * O_APPEND for each line and closed again, so processes can share one file
 * and tracing never holds a descriptor of its own.
 */
#ifndef IPC_KIT_TRACE_H
#define IPC_KIT_TRACE_H

#include <stdbool.h>

/* The line every traced program's -h shows about the variables above: the
 * .environment of its cli_spec (cli.h). */
#define TRACE_ENVIRONMENT_HELP                                                                     \
    "Environment: IPC_TRACE=off|text|json, IPC_TRACE_FILE=path, IPC_STEP=1, NO_COLOR.\n"

/* Names this process in trace lines ("server", "child", ...). Call in main()
 * and again in a child after fork(). The role string must stay valid. */
void trace_set_role(const char *role);

/* Reports one step. Returns result unchanged; errno is preserved. */
long trace_call(const char *call, long result, const char *args_fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The same with a note after the result, e.g. "state ESTABLISHED -> FIN_WAIT2". */
long trace_call_note(const char *call, long result, const char *note, const char *args_fmt, ...)
    __attribute__((format(printf, 4, 5)));

/*
 * Marks "the call traced next begins now": the next trace_call() or
 * trace_call_note() of this process carries the moment as "start_ns" in its
 * JSON line. A call stamped only when it returns looks later than what it
 * did: connect() has sent its SYN before it returns. With the start, a
 * timeline (tools/wire) can place each packet after the call that sent it.
 * Lab 04's tcp_watch_begin() calls it; one thread's calls at a time.
 */
void trace_call_starts(void);

/*
 * Announces a call that may wait, or whose effect another process waits
 * for, before it is made:
 *
 *     trace_call_begin("recvmsg", "fd=%d", sock);
 *     ssize_t n = recvmsg(sock, &msg, 0);
 *     trace_call("recvmsg", n, "fd=%d, 1 byte + SCM_RIGHTS", sock);
 *
 * prints "[+0.1 parent 42] recvmsg(fd=4) ..." at once, and the usual line
 * when the call returns. Because the start line is written before the call
 * is made, a send is always on the screen before the receive it completes,
 * even when the receiver's end line is written first. The next trace_call*()
 * of the same name, in this thread, is the end: its JSON record carries
 * "phase":"end" and the start as "start_ns". A program may announce a lab
 * function the same way ("us_recv_fd"), ending it with trace_call() itself.
 */
void trace_call_begin(const char *call, const char *args_fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * Gives the TCP states of the call traced next as fields: before the call,
 * after it, and what was seen when the peer had already moved the state on
 * (then; NULL when not). The strings must stay valid (state names).
 * Lab 04's tcp_watch_end() calls it; the note keeps the same facts as text.
 */
void trace_mark_states(const char *before, const char *after, const char *then);

/* Gives how full the channel the next traced call used was after it, in
 * bytes (lab 01's demo: the ring's head - tail, of its capacity). */
void trace_mark_fill(unsigned long long used, unsigned long long capacity);

/* A narration line with no call: "[+0.000200 parent 42] -- closing the read end". */
void trace_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* True when any trace output (stderr or file) is on; lets callers skip
 * formatting work on hot paths. */
bool trace_enabled(void);

/*
 * Stamps "the call I am about to report returned now". A trace line's time is
 * normally taken when it is written; when work comes between the call and
 * its report (reading the TCP state for the note, say), call this right after
 * the call returns, and the next trace_call*() line carries this time
 * instead. So a line's time is when its call returned, and lines of two
 * processes sort in the order their calls really happened.
 */
void trace_mark_return(void);

/* Forgets the settings read from the environment (tests use this after setenv). */
void trace_reset(void);

/* The role this process traces under ("server", or the program's name). */
const char *trace_role(void);

#endif
