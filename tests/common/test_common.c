/*
 * test_common.c - tests of the common module that every lab relies on:
 * errno names, message format and exit codes, the trace (text and JSON),
 * step mode without a terminal, colour rules, fault injection, and that
 * labs/ and solutions/ share their headers byte for byte.
 */
#define _GNU_SOURCE /* strerrorname_np(), the reference for errno names */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "err.h"
#include "fault.h"
#include "grow.h"
#include "grader.h"
#include "json.h"
#include "json_valid.h"
#include "term.h"
#include "trace.h"
#include "xml.h"

/* ---- helpers ---------------------------------------------------------- */

/* Runs fn in a child with stderr captured; returns the wait status. */
static int capture_stderr(void (*fn)(void), char *out, size_t size)
{
    int fds[2];
    ck_assert(pipe(fds) == 0);
    pid_t pid = fork();
    ck_assert(pid != -1);
    if (pid == 0) {
        close(fds[0]);
        dup2(fds[1], STDERR_FILENO);
        close(fds[1]);
        fn();
        _exit(0);
    }
    close(fds[1]);
    size_t used = 0;
    ssize_t n;
    while (used + 1 < size && (n = read(fds[0], out + used, size - used - 1)) > 0)
        used += (size_t)n;
    out[used] = '\0';
    close(fds[0]);
    int status = grade_wait_child(pid, 5000);
    ck_assert_msg(status != -1, "the child hung");
    return status;
}

/*
 * A stream whose bytes land in memory (open_memstream()), for the writers
 * that take a FILE *: memory_out_open() starts it, memory_out_close() closes
 * it and returns what was written (free() it).
 */
struct memory_out {
    FILE *out;
    char *text;
    size_t size;
};

static FILE *memory_out_open(struct memory_out *m)
{
    m->text = NULL;
    m->size = 0;
    m->out = open_memstream(&m->text, &m->size);
    ck_assert_ptr_nonnull(m->out);
    return m->out;
}

static char *memory_out_close(struct memory_out *m)
{
    ck_assert_int_eq(fclose(m->out), 0);
    return m->text;
}

/* ---- errno names ------------------------------------------------------ */

START_TEST(errno_names_cover_every_linux_errno)
{
    int checked = 0;
    for (int e = 1; e < 256; e++) {
        const char *reference = strerrorname_np(e);
        if (reference == NULL)
            continue;
        checked++;
        const char *ours = errno_name(e);
        /* Aliases share a value; glibc may name either one. */
        int alias = (e == EAGAIN && strcmp(reference, "EWOULDBLOCK") == 0) ||
                    (e == EDEADLK && strcmp(reference, "EDEADLOCK") == 0) ||
                    (e == EOPNOTSUPP && strcmp(reference, "ENOTSUP") == 0);
        ck_assert_msg(strcmp(ours, reference) == 0 || alias, "errno %d: we say %s, glibc says %s",
                      e, ours, reference);
    }
    ck_assert_msg(checked >= 130, "only %d errno values known; expected Linux's ~133", checked);
    ck_assert_str_eq(errno_name(EADDRINUSE), "EADDRINUSE");
    ck_assert_str_eq(errno_name(9999), "E9999");
}
END_TEST

/* ---- messages and exit statuses ----------------------------------------- */

static void fail_bind(void)
{
    err_set_progname("/usr/bin/tcp_server");
    errno = EADDRINUSE;
    die_errno("bind %s:%d", "127.0.0.1", 27015);
}

START_TEST(die_errno_names_program_pid_call_and_errno)
{
    char out[1024];
    int status = capture_stderr(fail_bind, out, sizeof out);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == EXIT_FATAL,
                  "die_errno must exit 1, got: %s", grade_describe_status(status));
    char expected[256];
    /* The pid is the child's; find it in the text. */
    long pid = 0;
    ck_assert_msg(sscanf(out, "tcp_server[%ld]:", &pid) == 1, "unexpected start: %s", out);
    snprintf(expected, sizeof expected,
             "tcp_server[%ld]: bind 127.0.0.1:27015: EADDRINUSE (Address already in use)\n", pid);
    ck_assert_msg(strncmp(out, expected, strlen(expected)) == 0, "got:\n%s\nexpected:\n%s", out,
                  expected);
    ck_assert_msg(strstr(out, "hint:") != NULL, "EADDRINUSE should come with a hint: %s", out);
}
END_TEST

static void bad_usage(void)
{
    err_set_progname("pipe_demo");
    die_usage("invalid port '%s'", "99999");
}

START_TEST(die_usage_exits_2_and_points_to_help)
{
    char out[512];
    int status = capture_stderr(bad_usage, out, sizeof out);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == EXIT_USAGE, "got %s",
                  grade_describe_status(status));
    ck_assert_str_eq(out, "pipe_demo: invalid port '99999'\nTry 'pipe_demo -h' for help.\n");
}
END_TEST

static void mark_atexit(void)
{
    write(STDERR_FILENO, "[atexit ran]", 12);
}

static void child_dies(void)
{
    err_set_progname("child");
    atexit(mark_atexit);
    fputs("[buffered]", stderr); /* stderr is unbuffered, so use a full buffer: */
    setvbuf(stdout, NULL, _IOFBF, 4096);
    errno = EPIPE;
    die_errno_child("write");
}

static void parent_dies(void)
{
    err_set_progname("parent");
    atexit(mark_atexit);
    errno = EPIPE;
    die_errno("write");
}

START_TEST(die_errno_child_skips_atexit_handlers)
{
    char out[1024];
    int status = capture_stderr(child_dies, out, sizeof out);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == EXIT_FATAL, "got %s",
                  grade_describe_status(status));
    ck_assert_msg(strstr(out, "EPIPE (Broken pipe)") != NULL, "message missing: %s", out);
    ck_assert_msg(strstr(out, "[atexit ran]") == NULL,
                  "die_errno_child must use _exit(): atexit handlers ran: %s", out);
    status = capture_stderr(parent_dies, out, sizeof out);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == EXIT_FATAL, "got %s",
                  grade_describe_status(status));
    ck_assert_msg(strstr(out, "[atexit ran]") != NULL, "die_errno should use exit(): %s", out);
}
END_TEST

/* ---- the trace -------------------------------------------------------- */

static void trace_one_bind(void)
{
    setenv("IPC_TRACE", "text", 1);
    setenv("NO_COLOR", "1", 1);
    trace_reset();
    trace_set_role("server");
    errno = 0;
    trace_call("bind", 0, "fd=%d, %s", 3, "127.0.0.1:27015");
    errno = EADDRINUSE;
    trace_call("bind", -1, "fd=%d, %s", 3, "127.0.0.1:27015");
    ck_assert_int_eq(errno, EADDRINUSE); /* preserved for the caller */
}

START_TEST(text_trace_line_has_time_role_pid_call_and_result)
{
    char out[1024];
    int status = capture_stderr(trace_one_bind, out, sizeof out);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child %s",
                  grade_describe_status(status));
    double t;
    long pid;
    char rest[256];
    ck_assert_msg(sscanf(out, "[+%lf server %ld] %255[^\n]", &t, &pid, rest) == 3,
                  "line format: %s", out);
    ck_assert_str_eq(rest, "bind(fd=3, 127.0.0.1:27015) = 0");
    ck_assert_msg(t >= 0 && t < 5, "relative time %f", t);
    const char *second = strchr(out, '\n') + 1;
    ck_assert_msg(strstr(second, "bind(fd=3, 127.0.0.1:27015) = -1 EADDRINUSE (Address already "
                                 "in use)") != NULL,
                  "failure line: %s", second);
    ck_assert_msg(strchr(out, '\033') == NULL, "NO_COLOR is set, yet there is colour");
}
END_TEST

START_TEST(json_trace_lines_are_valid_and_escaped)
{
    setenv("IPC_TRACE", "off", 1);
    setenv("IPC_TRACE_FILE", "t.jsonl", 1);
    trace_reset();
    trace_set_role("weird \"role\"");
    trace_call("write", 5, "text=\"%s\", path=%s", "quote\" back\\slash\nnew\ttab\x01", "C:\\x");
    errno = ECONNRESET;
    trace_call_note("recv", -1, "state ESTABLISHED -> CLOSE", "fd=%d", 4);
    trace_note("a note with \"quotes\"");
    unsetenv("IPC_TRACE_FILE");
    trace_reset();

    FILE *in = fopen("t.jsonl", "r");
    ck_assert_msg(in != NULL, "IPC_TRACE_FILE was not written");
    char line[2048];
    int lines = 0;
    while (fgets(line, sizeof line, in)) {
        lines++;
        line[strcspn(line, "\n")] = '\0';
        ck_assert_msg(json_valid(line), "line %d is not valid JSON: %s", lines, line);
        ck_assert_msg(strstr(line, "\"pid\":") && strstr(line, "\"t\":") &&
                          strstr(line, "\"role\":") && strstr(line, "\"call\":") &&
                          strstr(line, "\"ret\":") && strstr(line, "\"errno\":"),
                      "line %d lacks a field: %s", lines, line);
    }
    fclose(in);
    struct trace_log log;
    ck_assert_int_eq(trace_log_load(&log, "t.jsonl"), 0);
    unlink("t.jsonl");
    ck_assert_int_eq(lines, 3);
    ck_assert_uint_eq(log.count, 3);
    ck_assert_str_eq(log.steps[0].call, "write");
    ck_assert_int_eq(log.steps[0].ret, 5);
    ck_assert_str_eq(log.steps[1].err, "ECONNRESET");
    ck_assert_int_eq(log.steps[1].ret, -1);
    ck_assert_int_eq(log.steps[0].pid, getpid());
    trace_log_free(&log);
}
END_TEST

/* trace_call_starts(): the next call's line carries start_ns <= mono_ns; only that one. */
START_TEST(call_start_is_carried_by_the_next_call_only)
{
    setenv("IPC_TRACE", "off", 1);
    setenv("IPC_TRACE_FILE", "s.jsonl", 1);
    trace_reset();
    trace_call_starts();
    trace_note("a note does not take the start");
    trace_call("connect", -1, "fd=%d", 3);
    trace_call("poll", 1, "fd=%d", 3);
    unsetenv("IPC_TRACE_FILE");
    trace_reset();

    FILE *in = fopen("s.jsonl", "r");
    ck_assert_msg(in != NULL, "IPC_TRACE_FILE was not written");
    char line[3][2048];
    int n = 0;
    while (n < 3 && fgets(line[n], sizeof line[n], in))
        n++;
    fclose(in);
    unlink("s.jsonl");
    ck_assert_int_eq(n, 3);
    ck_assert_msg(strstr(line[0], "start_ns") == NULL, "a note carried the start: %s", line[0]);
    const char *start = strstr(line[1], "\"start_ns\":");
    const char *mono = strstr(line[1], "\"mono_ns\":");
    ck_assert_msg(start && mono, "the call after trace_call_starts() has no start_ns: %s", line[1]);
    ck_assert_msg(json_valid(line[1]), "not valid JSON: %s", line[1]);
    unsigned long long s = strtoull(start + 11, NULL, 10), m = strtoull(mono + 10, NULL, 10);
    ck_assert_msg(s > 0 && s <= m, "start_ns %llu is not before mono_ns %llu", s, m);
    ck_assert_msg(strstr(line[2], "start_ns") == NULL, "a start was used twice: %s", line[2]);
}
END_TEST

static void trace_one_begun_recv(void)
{
    setenv("IPC_TRACE", "text", 1);
    setenv("NO_COLOR", "1", 1);
    setenv("IPC_TRACE_FILE", "b.jsonl", 1);
    trace_reset();
    trace_set_role("server");
    trace_call_begin("recv", "fd=%d [step 5]", 4);
    trace_mark_states("ESTABLISHED", "CLOSE_WAIT", NULL);
    trace_call_note("recv", 0, "state ESTABLISHED -> CLOSE_WAIT", "fd=%d, 10 bytes [step 5]", 4);
}

/* trace_call_begin(): a start line on stderr at once, and one record in the file with the
 * start, the phase and the facts as fields. */
START_TEST(begun_call_shows_start_and_end_and_keeps_its_fields)
{
    char out[1024];
    unlink("b.jsonl");
    int status = capture_stderr(trace_one_begun_recv, out, sizeof out);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child %s",
                  grade_describe_status(status));
    const char *start = strstr(out, "] recv(fd=4 [step 5]) ...\n");
    const char *end = strstr(out, "] recv(fd=4, 10 bytes [step 5]) = 0   state");
    ck_assert_msg(start && end && start < end, "expected a start line, then the end: %s", out);
    FILE *in = fopen("b.jsonl", "r");
    ck_assert_msg(in != NULL, "IPC_TRACE_FILE was not written");
    char line[2048], second[2048];
    ck_assert_msg(fgets(line, sizeof line, in) != NULL, "the file is empty");
    ck_assert_msg(fgets(second, sizeof second, in) == NULL,
                  "the file must hold one record per call, not the start line too: %s", second);
    fclose(in);
    unlink("b.jsonl");
    ck_assert_msg(json_valid(line), "not valid JSON: %s", line);
    static const char *const FIELDS[] = {
        "\"args\":\"fd=4, 10 bytes\",", /* the step is a field, not in the args */
        "\"phase\":\"end\"",
        "\"fd\":4",
        "\"step\":5",
        "\"state_before\":\"ESTABLISHED\"",
        "\"state_after\":\"CLOSE_WAIT\"",
        "\"state_then\":null",
        "\"start_ns\":",
        "\"ret\":0",
    };
    for (size_t i = 0; i < sizeof FIELDS / sizeof FIELDS[0]; i++)
        ck_assert_msg(strstr(line, FIELDS[i]) != NULL, "the record lacks %s: %s", FIELDS[i], line);
}
END_TEST

START_TEST(json_string_cut_short_stays_valid)
{
    char buf[16];
    size_t used = 0;
    int rc = json_append_string(buf, sizeof buf, &used, "\"\"\"\"\"\"\"\"\"\"");
    ck_assert_int_eq(rc, -1);
    ck_assert_msg(json_valid(buf), "cut string is not valid JSON: %s", buf);
}
END_TEST

START_TEST(json_string_is_valid_utf8_whatever_the_bytes)
{
    char buf[128];
    size_t used = 0;
    /* é (valid), a lone 0xff, a cut sequence, an overlong '/', escape and CR */
    json_append_string(buf, sizeof buf, &used, "\xc3\xa9 \xff \xe2\x82 \xc0\xaf \x1b\r");
    ck_assert_str_eq(buf, "\"\xc3\xa9 \\ufffd \\ufffd\\ufffd \\ufffd\\ufffd \\u001b\\r\"");
    ck_assert_msg(json_valid(buf), "not valid JSON: %s", buf);
}
END_TEST

START_TEST(xml_text_is_well_formed_whatever_the_bytes)
{
    struct memory_out m;
    FILE *out = memory_out_open(&m);
    /* markup, é and a tab and newline (kept), a lone 0xff, escape, CR, DEL,
     * a C1 control (U+0085) and U+FFFE */
    xml_write_text(out, "<a href=\"x\">&'</a> \xc3\xa9\t\n\xff\x1b\r\x7f \xc2\x85 \xef\xbf\xbe");
    char *xml = memory_out_close(&m);
    ck_assert_str_eq(xml, "&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt; \xc3\xa9\t\n"
                          "\\xff\\x1b\\x0d\\x7f \\xc2\\x85 \\xef\\xbf\\xbe");
    free(xml);
}
END_TEST

START_TEST(terminal_text_shows_controls_and_indents_every_line)
{
    struct memory_out m;
    FILE *out = memory_out_open(&m);
    const char in[] = "ok \xc3\xa9\n\rTOTAL 83/83\x1b[2K\xc2\x9b\xff";
    ck_assert_int_eq(term_write_text(out, "  | ", in, sizeof in - 1), 0);
    char *text = memory_out_close(&m);
    /* A carriage return cannot bring a line back to column 0; no escape sequence survives. */
    ck_assert_str_eq(text, "  | ok \xc3\xa9\n  | \\x0dTOTAL 83/83\\x1b[2K\\xc2\\x9b\\xff");
    free(text);
}
END_TEST

static void step_without_terminal(void)
{
    /* setsid(): a new session has no controlling terminal, as in CI. */
    if (setsid() == -1)
        _exit(3);
    setenv("IPC_STEP", "1", 1);
    setenv("IPC_TRACE", "text", 1);
    trace_reset();
    trace_call("listen", 0, "fd=%d, backlog=%d", 3, 16);
    trace_note("still here");
}

START_TEST(step_mode_never_blocks_without_terminal)
{
    char out[1024];
    uint64_t start = clock_now_ns();
    int status = capture_stderr(step_without_terminal, out, sizeof out);
    double seconds = (double)(clock_now_ns() - start) / 1e9;
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child %s",
                  grade_describe_status(status));
    ck_assert_msg(strstr(out, "still here") != NULL, "the step after the pause did not run");
    ck_assert_msg(seconds < 3, "step mode waited %.1f s with no terminal", seconds);
}
END_TEST

START_TEST(colour_only_on_terminal_and_never_with_no_color)
{
    int fds[2];
    ck_assert(pipe(fds) == 0);
    unsetenv("NO_COLOR");
    ck_assert_msg(!term_use_color(fds[1]), "a pipe is not a terminal: no colour");
    close(fds[0]);
    close(fds[1]);
    setenv("NO_COLOR", "1", 1);
    ck_assert_msg(!term_use_color(STDOUT_FILENO), "NO_COLOR set: no colour");
    ck_assert_str_eq(term_color(false, TERM_RED), "");
}
END_TEST

/* ---- fault injection -------------------------------------------------- */

START_TEST(fault_plan_shortens_and_fails_deterministically)
{
    int fds[2];
    ck_assert(pipe(fds) == 0);
    fault_set(FAULT_OUT,
              (struct fault_plan){.fd = -1, .max_bytes = 3, .fail_every = 2, .fail_errno = EINTR});
    ssize_t first = write(fds[1], "abcdef", 6);
    errno = 0;
    ssize_t second = write(fds[1], "abcdef", 6);
    int second_errno = errno;
    ssize_t to_stderr = write(STDERR_FILENO, "", 0); /* fds < 3 are never touched */
    fault_reset();
    ssize_t after_reset = write(fds[1], "abcdef", 6);
    close(fds[0]);
    close(fds[1]);
    ck_assert_int_eq(first, 3);
    ck_assert_int_eq(second, -1);
    ck_assert_int_eq(second_errno, EINTR);
    ck_assert_int_eq(to_stderr, 0);
    ck_assert_int_eq(after_reset, 6);
}
END_TEST

START_TEST(fault_plan_covers_vector_and_message_calls)
{
    int fds[2];
    ck_assert(socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0);
    fault_set(FAULT_OUT, (struct fault_plan){.fd = fds[0], .max_bytes = 3});
    fault_set(FAULT_IN, (struct fault_plan){.fd = fds[1], .max_bytes = 2});
    struct iovec out[2] = {{.iov_base = "ab", .iov_len = 2}, {.iov_base = "cdef", .iov_len = 4}};
    ssize_t wrote = writev(fds[0], out, 2);
    struct msghdr msg = {.msg_iov = out, .msg_iovlen = 2};
    ssize_t sent = sendmsg(fds[0], &msg, 0);
    char a[8] = "", b[8] = "";
    struct iovec in[2] = {{.iov_base = a, .iov_len = 1}, {.iov_base = b, .iov_len = 7}};
    ssize_t got = readv(fds[1], in, 2);
    int spread_right = a[0] == 'a' && b[0] == 'b';
    struct msghdr rmsg = {.msg_iov = in, .msg_iovlen = 2};
    ssize_t received = recvmsg(fds[1], &rmsg, 0);
    int iov_kept = rmsg.msg_iov == in && rmsg.msg_iovlen == 2;
    unsigned long out_faults = fault_injected(FAULT_OUT), in_faults = fault_injected(FAULT_IN);
    unsigned long out_calls = fault_calls(FAULT_OUT);
    char described[256];
    snprintf(described, sizeof described, "%s", fault_describe(FAULT_OUT));
    fault_reset();
    close(fds[0]);
    close(fds[1]);
    ck_assert_int_eq(wrote, 3);
    ck_assert_int_eq(sent, 3);
    ck_assert_int_eq(got, 2);
    ck_assert_int_eq(received, 2);
    ck_assert_msg(iov_kept, "recvmsg() must give the caller its own iovec back");
    ck_assert_msg(spread_right, "readv() spread the cut bytes wrongly");
    ck_assert_int_eq(out_faults, 2);
    ck_assert_int_eq(in_faults, 2);
    ck_assert_int_eq(out_calls, 2);
    ck_assert_msg(strstr(described, "writev x1") && strstr(described, "sendmsg x1"),
                  "fault_describe() should count each call: %s", described);
}
END_TEST

/* glibc's checked forms, which -D_FORTIFY_SOURCE -O2 puts in place of read()
 * and recv() when the compiler knows the buffer's size (Ubuntu's gcc does so
 * by default). Declared here: the headers declare them only for that case. */
ssize_t __read_chk(int fd, void *buf, size_t count, size_t buflen);
ssize_t __recv_chk(int fd, void *buf, size_t len, size_t buflen, int flags);
ssize_t __recvfrom_chk(int fd, void *buf, size_t len, size_t buflen, int flags,
                       struct sockaddr *from, socklen_t *fromlen);

START_TEST(fault_plan_covers_fortified_calls)
{
    int fds[2];
    ck_assert(socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0);
    ck_assert(send(fds[0], "abcdefgh", 8, 0) == 8);
    fault_set(FAULT_IN, (struct fault_plan){.fd = fds[1], .max_bytes = 2});
    char buf[8];
    ssize_t r1 = __read_chk(fds[1], buf, 8, sizeof buf);
    ssize_t r2 = __recv_chk(fds[1], buf, 8, sizeof buf, 0);
    ssize_t r3 = __recvfrom_chk(fds[1], buf, 8, sizeof buf, 0, NULL, NULL);
    unsigned long in_faults = fault_injected(FAULT_IN);
    fault_reset();
    close(fds[0]);
    close(fds[1]);
    ck_assert_msg(r1 == 2 && r2 == 2 && r3 == 2,
                  "__read_chk, __recv_chk and __recvfrom_chk must be cut to 2 bytes like read() "
                  "and recv(): got %zd, %zd, %zd (is each in FAULT_WRAP?)",
                  r1, r2, r3);
    ck_assert_int_eq(in_faults, 3);
}
END_TEST

/* ---- the grader's helpers (tests/grader) ------------------------------- */

/* One call traced with these args, as the grader's tests read it back. */
static struct trace_event traced_as(const char *args)
{
    setenv("IPC_TRACE", "off", 1);
    setenv("IPC_TRACE_FILE", "f.jsonl", 1);
    trace_reset();
    unlink("f.jsonl");
    trace_call("close", 0, "%s", args);
    unsetenv("IPC_TRACE_FILE");
    trace_reset();
    struct trace_log log;
    ck_assert_msg(trace_log_load(&log, "f.jsonl") == 0 && log.count == 1,
                  "the trace of close(%s) could not be read back", args);
    unlink("f.jsonl");
    struct trace_event ev = log.steps[0];
    trace_log_free(&log);
    return ev;
}

START_TEST(trace_matching_reads_facts_not_spellings)
{
    ck_assert(trace_call_is("pipe2", "pipe") && trace_call_is("pipe", "pipe"));
    ck_assert(trace_call_is("read", "recv") && trace_call_is("readv", "read"));
    ck_assert(trace_call_is("sendmsg", "send") && trace_call_is("accept4", "accept"));
    ck_assert_msg(!trace_call_is("write", "read") && !trace_call_is("recv", "pipe"),
                  "a call of another job must not match");
    /* The writer lifts the conventions of the args into fields (common/trace.c). */
    ck_assert_int_eq(traced_as("fd=5").fd, 5);
    struct trace_event tagged = traced_as("fd=5, SHUT_WR [step 9]");
    ck_assert(tagged.fd == 5 && tagged.step == 9 && trace_event_has_word(&tagged, "SHUT_WR"));
    ck_assert_msg(strcmp(tagged.args, "fd=5, SHUT_WR") == 0, "the step stays out of args: %s",
                  tagged.args);
    ck_assert_int_eq(traced_as("fd=5 (the child's copy of the write end)").fd, 5);
    ck_assert_msg(traced_as("fd=51").fd == 51 && traced_as("x fd=5").fd == -1,
                  "fd=51 is not fd 5, and the fields come first");
    struct trace_event made = traced_as("read=3, write=4 (O_CLOEXEC)");
    ck_assert(made.read_fd == 3 && made.write_fd == 4 && made.fd == -1);
    ck_assert_int_eq(traced_as("fd=3").write_fd, -1);
}
END_TEST

START_TEST(watch_names_a_stall_and_unblocks_the_test)
{
    int fds[2];
    ck_assert(pipe(fds) == 0);
    pid_t pid = fork();
    ck_assert(pid != -1);
    if (pid == 0) { /* reads a pipe whose write end it holds itself: for ever */
        char byte;
        _exit(read(fds[0], &byte, 1) == 1 ? 0 : 1);
    }
    close(fds[0]);
    grade_watch_start(grade_progress_of_processes, grade_describe_processes, NULL, 500, NULL);
    int status;
    pid_t got;
    while ((got = waitpid(pid, &status, 0)) == -1 && errno == EINTR)
        ;
    const char *stalled = grade_watch_stop();
    close(fds[1]);
    ck_assert_msg(got == pid && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
                  "the watch must kill the stuck child so the test's wait returns");
    ck_assert_msg(stalled != NULL && strstr(stalled, "nothing moved") &&
                      strstr(stalled, "asleep in read()") && strstr(stalled, "waitpid()"),
                  "the watch must say who slept in which call: %s", stalled ? stalled : "(null)");
}
END_TEST

/* ---- labs/ and solutions/ share headers -------------------------------- */

static int same_file(const char *a, const char *b)
{
    FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
    int same = fa && fb;
    while (same) {
        int ca = fgetc(fa), cb = fgetc(fb);
        if (ca != cb)
            same = 0;
        if (ca == EOF || cb == EOF)
            break;
    }
    if (fa)
        fclose(fa);
    if (fb)
        fclose(fb);
    return same;
}

/* Counts the .h files in dir; 0 when it cannot be read. */
static int count_headers(const char *dir)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return 0;
    int n = 0;
    struct dirent *f;
    while ((f = readdir(d)) != NULL) {
        size_t len = strlen(f->d_name);
        n += len > 2 && strcmp(f->d_name + len - 2, ".h") == 0;
    }
    closedir(d);
    return n;
}

/*
 * One contract per lab: the solutions build uses the headers in labs/NN
 * (solutions/NN holds only the files that differ from the skeleton). A
 * header that does appear in solutions/NN must be the labs/ one, byte for
 * byte, and must exist there: a second, different contract never builds.
 */
START_TEST(lab_headers_identical_in_labs_and_solutions)
{
    char solutions[600];
    snprintf(solutions, sizeof solutions, "%s/solutions", IPC_KIT_ROOT);
    DIR *labs_dir = opendir(solutions);
    if (labs_dir == NULL)
        return; /* the student tarball has no solutions/: nothing to compare */
    int labs_with_headers = 0, lab_count = 0;
    struct dirent *lab;
    while ((lab = readdir(labs_dir)) != NULL) {
        if (lab->d_name[0] == '.')
            continue;
        char sol_dir[1200], lab_dir[1200];
        snprintf(sol_dir, sizeof sol_dir, "%s/%s", solutions, lab->d_name);
        snprintf(lab_dir, sizeof lab_dir, "%s/labs/%s", IPC_KIT_ROOT, lab->d_name);
        lab_count++;
        labs_with_headers += count_headers(lab_dir) > 0;
        DIR *files = opendir(sol_dir);
        if (files == NULL)
            continue;
        struct dirent *f;
        while ((f = readdir(files)) != NULL) {
            size_t len = strlen(f->d_name);
            if (len < 3 || strcmp(f->d_name + len - 2, ".h") != 0)
                continue;
            char ref[2000], student[2000];
            snprintf(ref, sizeof ref, "%s/%s", sol_dir, f->d_name);
            snprintf(student, sizeof student, "%s/%s", lab_dir, f->d_name);
            ck_assert_msg(same_file(ref, student),
                          "%s differs from %s (or the latter is missing); a lab has one contract",
                          ref, student);
        }
        closedir(files);
    }
    closedir(labs_dir);
    ck_assert_msg(lab_count > 0, "no labs under %s", solutions);
    ck_assert_msg(labs_with_headers == lab_count,
                  "%d of %d labs have their headers in labs/NN; the contract lives there",
                  labs_with_headers, lab_count);
}
END_TEST

/* ---- growing arrays (common/grow.c) -------------------------------------- */

START_TEST(growing_array_doubles_and_keeps_the_old_on_failure)
{
    int *items = NULL;
    size_t capacity = 0;
    for (size_t count = 0; count < 100; count++) {
        int *room = grow_array(items, count, &capacity, sizeof *room);
        ck_assert_msg(room != NULL, "no room for item %zu: %s", count, errno_name(errno));
        items = room;
        items[count] = (int)count;
        ck_assert_uint_gt(capacity, count);
    }
    ck_assert_msg(capacity == 128, "capacity %zu after 100 items: 32, 64, then 128 (doubled)",
                  capacity);
    for (int i = 0; i < 100; i++)
        ck_assert_int_eq(items[i], i); /* realloc kept what was there */
    /* 256 items of this size are 2^N + 256 bytes, N the bits of a size_t,
     * which a size_t holds as 256. ENOMEM, and nothing is changed. */
    size_t huge = SIZE_MAX / 256 + 2;
    size_t full = capacity;
    errno = 0;
    ck_assert_ptr_null(grow_array(items, full, &capacity, huge));
    ck_assert_int_eq(errno, ENOMEM);
    ck_assert_uint_eq(capacity, full);
    ck_assert_int_eq(items[99], 99);
    free(items);
}
END_TEST

int main(int argc, char **argv)
{
    const struct grade_test tests[] = {
        {"errno_names_cover_every_linux_errno", errno_names_cover_every_linux_errno, 1, 5,
         "common/errno_names.c"},
        {"die_errno_names_program_pid_call_and_errno", die_errno_names_program_pid_call_and_errno,
         1, 5, "common/err.c: report()"},
        {"die_usage_exits_2_and_points_to_help", die_usage_exits_2_and_points_to_help, 1, 5,
         "common/err.c: die_usage()"},
        {"die_errno_child_skips_atexit_handlers", die_errno_child_skips_atexit_handlers, 1, 5,
         "common/err.c: die_errno_child() must _exit()"},
        {"text_trace_line_has_time_role_pid_call_and_result",
         text_trace_line_has_time_role_pid_call_and_result, 1, 5, "common/trace.c: format_text()"},
        {"json_trace_lines_are_valid_and_escaped", json_trace_lines_are_valid_and_escaped, 1, 5,
         "common/trace.c: format_json(), common/json.c"},
        {"json_string_cut_short_stays_valid", json_string_cut_short_stays_valid, 1, 5,
         "common/json.c: json_append_string()"},
        {"json_string_is_valid_utf8_whatever_the_bytes",
         json_string_is_valid_utf8_whatever_the_bytes, 1, 5,
         "common/json.c: escape_char(), common/utf8.c: utf8_decode()"},
        {"xml_text_is_well_formed_whatever_the_bytes", xml_text_is_well_formed_whatever_the_bytes,
         1, 5, "common/xml.c: xml_write_text(), common/utf8.c: utf8_decode()"},
        {"terminal_text_shows_controls_and_indents_every_line",
         terminal_text_shows_controls_and_indents_every_line, 1, 5,
         "common/term.c: term_write_text()"},
        {"call_start_is_carried_by_the_next_call_only", call_start_is_carried_by_the_next_call_only,
         1, 5, "common/trace.c: trace_call_starts(), format_json()"},
        {"begun_call_shows_start_and_end_and_keeps_its_fields",
         begun_call_shows_start_and_end_and_keeps_its_fields, 1, 5,
         "common/trace.c: trace_call_begin(), lift_fields(), format_json()"},
        {"step_mode_never_blocks_without_terminal", step_mode_never_blocks_without_terminal, 1, 10,
         "common/step.c: open /dev/tty, and give up when it fails"},
        {"colour_only_on_terminal_and_never_with_no_color",
         colour_only_on_terminal_and_never_with_no_color, 1, 5, "common/term.c"},
        {"fault_plan_shortens_and_fails_deterministically",
         fault_plan_shortens_and_fails_deterministically, 1, 5, "tests/grader/fault.c"},
        {"fault_plan_covers_vector_and_message_calls", fault_plan_covers_vector_and_message_calls,
         1, 5, "tests/grader/fault.c: the --wrap of readv, writev, sendmsg and recvmsg"},
        {"fault_plan_covers_fortified_calls", fault_plan_covers_fortified_calls, 1, 5,
         "tests/grader/fault.c and FAULT_WRAP: the checked forms of _FORTIFY_SOURCE"},
        {"trace_matching_reads_facts_not_spellings", trace_matching_reads_facts_not_spellings, 1, 5,
         "tests/grader/helpers.c: trace_call_is(); common/trace.c: lift_fields()"},
        {"watch_names_a_stall_and_unblocks_the_test", watch_names_a_stall_and_unblocks_the_test, 1,
         10, "tests/grader/watch.c"},
        {"lab_headers_identical_in_labs_and_solutions", lab_headers_identical_in_labs_and_solutions,
         1, 5, "keep each lab's headers in labs/NN only; delete copies from solutions/NN"},
        {"growing_array_doubles_and_keeps_the_old_on_failure",
         growing_array_doubles_and_keeps_the_old_on_failure, 1, 5, "common/grow.c: grow_array()"},
    };
    return grade_main(argc, argv, "common", tests, GRADE_COUNT(tests));
}
