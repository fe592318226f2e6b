/*
 * test_trace_read.c - reading trace lines (common/trace_read.c): the
 * trace-chart tool's unit tests, first part (test_trace_chart.c runs them).
 */
#include <check.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chart.h"
#include "chart_svg.h"
#include "test_chart_fixtures.h"
#include "trace_read.h"

/* ---- reading trace lines ------------------------------------------------- */

/* The event a line that must parse stands for; the test fails, naming the
 * line, when trace_event_parse() rejects it. */
static struct trace_event parsed(const char *line)
{
    struct trace_event ev;
    int rc = trace_event_parse(line, &ev);
    ck_assert_msg(rc == 0, "trace_event_parse() rejected a valid line: %s", line);
    return ev;
}

START_TEST(parses_a_call_line_as_trace_c_writes_it)
{
    const char *line = "{\"t\":0.000153,\"mono_ns\":123456789012,\"pid\":4242,\"role\":\"server\","
                       "\"call\":\"bind\",\"args\":\"fd=3, 127.0.0.1:27015\",\"ret\":-1,"
                       "\"errno\":\"EADDRINUSE\",\"note\":\"state CLOSE\"}\n";
    struct trace_event ev = parsed(line);
    ck_assert_uint_eq(ev.mono_ns, 123456789012u);
    ck_assert_int_eq(ev.pid, 4242);
    ck_assert_str_eq(ev.role, "server");
    ck_assert_str_eq(ev.call, "bind");
    ck_assert_str_eq(ev.args, "fd=3, 127.0.0.1:27015");
    ck_assert(ev.has_ret);
    ck_assert_int_eq(ev.ret, -1);
    ck_assert_str_eq(ev.err, "EADDRINUSE");
    ck_assert_str_eq(ev.note, "state CLOSE");
}
END_TEST

START_TEST(parses_a_narration_line_as_a_line_without_a_call)
{
    const char *line = "{\"t\":1.5,\"mono_ns\":9,\"pid\":7,\"role\":\"client\",\"call\":null,"
                       "\"args\":null,\"ret\":null,\"errno\":null,\"note\":\"-- hello\"}";
    struct trace_event ev = parsed(line);
    ck_assert_str_eq(ev.call, "");
    ck_assert_msg(!ev.has_ret, "a narration line has no result");
    ck_assert_str_eq(ev.note, "-- hello");
}
END_TEST

START_TEST(decodes_json_escapes_and_unicode)
{
    /* Each JSON escape in "args", and the text it stands for. */
    static const struct {
        const char *json, *text;
    } escapes[] = {
        {"q\\\"b", "q\"b"},
        {"\\\\n", "\\n"},
        {"\\/", "/"},
        {"\\b\\f\\n\\r\\t", "\b\f\n\r\t"},
        {"\\u0041\\u00e9", "A\xc3\xa9"},
        {"\\ud83d\\ude00", "\xf0\x9f\x98\x80"}, /* a surrogate pair: U+1F600 */
        {"\\ud83d!", "\xef\xbf\xbd!"},          /* a lone surrogate: U+FFFD */
    };
    for (size_t i = 0; i < sizeof escapes / sizeof escapes[0]; i++) {
        char line[128];
        snprintf(line, sizeof line, "{\"mono_ns\":1,\"call\":\"send\",\"args\":\"%s\"}",
                 escapes[i].json);
        struct trace_event ev = parsed(line);
        ck_assert_msg(strcmp(ev.args, escapes[i].text) == 0, "\"%s\" was read as \"%s\"",
                      escapes[i].json, ev.args);
    }
}
END_TEST

START_TEST(rejects_lines_that_are_not_trace_objects)
{
    static const char *const bad[] = {
        "",
        "[]",
        "{",
        "{\"mono_ns\":1",
        "{\"call\":\"bind\"}",                /* no time */
        "{\"mono_ns\":-1}",                   /* negative time */
        "{\"mono_ns\":1.5}",                  /* not a whole number */
        "{\"mono_ns\":1,\"args\":{}}",        /* nested object */
        "{\"mono_ns\":1} trailing",           /* text after the object */
        "{\"mono_ns\":1,\"args\":\"a\tb\"}",  /* raw control character */
        "{\"mono_ns\":1,\"args\":\"\\x41\"}", /* not a JSON escape */
        "{\"mono_ns\":1,,\"pid\":2}",
        "{\"mono_ns\":1,\"pid\":nul}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct trace_event ev;
        errno = 0;
        ck_assert_msg(trace_event_parse(bad[i], &ev) == -1 && errno == EINVAL,
                      "trace_event_parse accepted a bad line: %s", bad[i]);
    }
}
END_TEST

START_TEST(cuts_long_text_at_a_character_boundary)
{
    /* 300 two-byte characters: far more than the 256-byte args field. */
    char line[1024] = "{\"mono_ns\":1,\"call\":\"send\",\"args\":\"";
    for (int i = 0; i < 300; i++)
        strcat(line, "\xc3\xa9");
    strcat(line, "\"}");
    struct trace_event ev = parsed(line);
    size_t len = strlen(ev.args);
    ck_assert_uint_lt(len, sizeof ev.args);
    ck_assert_uint_gt(len, 200);
    ck_assert_msg(len % 2 == 0 && (unsigned char)ev.args[len - 1] == 0xa9,
                  "the cut split a character (field_put in common/trace_read.c)");
}
END_TEST

/* A private directory for the files tests write, made and emptied by main():
 * a test that fails half-way (its forked process ends at once) leaves its
 * file to main(), which removes it. */

START_TEST(loads_a_file_and_names_the_bad_line)
{
    char path[sizeof scratch_dir + 16];
    snprintf(path, sizeof path, "%s/trace-XXXXXX", scratch_dir);
    int fd = mkstemp(path);
    ck_assert_int_ne(fd, -1);
    FILE *f = fdopen(fd, "w");
    ck_assert_ptr_nonnull(f);
    fputs("{\"mono_ns\":2,\"call\":\"socket\",\"args\":\"\",\"ret\":3}\n"
          "\n"
          "{\"mono_ns\":1,\"call\":null,\"note\":\"narration\"}\n",
          f);
    ck_assert_int_eq(fflush(f), 0);

    struct trace_event *events;
    size_t count, bad_line;
    ck_assert_int_eq(trace_events_load(path, &events, &count, &bad_line), 0);
    ck_assert_uint_eq(count, 2);
    ck_assert_str_eq(events[0].call, "socket");
    free(events);

    fputs("this is not json\n", f);
    ck_assert_int_eq(fclose(f), 0);
    errno = 0;
    ck_assert_int_eq(trace_events_load(path, &events, &count, &bad_line), -1);
    ck_assert_int_eq(errno, EINVAL);
    ck_assert_uint_eq(bad_line, 4);
    ck_assert_ptr_null(events);
    unlink(path);

    ck_assert_int_eq(trace_events_load(path, &events, &count, &bad_line), -1);
    ck_assert_int_eq(errno, ENOENT);
}
END_TEST

void add_read_tests(TCase *tc)
{
    tcase_add_test(tc, parses_a_call_line_as_trace_c_writes_it);
    tcase_add_test(tc, parses_a_narration_line_as_a_line_without_a_call);
    tcase_add_test(tc, decodes_json_escapes_and_unicode);
    tcase_add_test(tc, rejects_lines_that_are_not_trace_objects);
    tcase_add_test(tc, cuts_long_text_at_a_character_boundary);
    tcase_add_test(tc, loads_a_file_and_names_the_bad_line);
}
