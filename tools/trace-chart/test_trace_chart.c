/*
 * test_trace_chart - unit tests of the trace-chart tool, on small traces.
 *
 * usage: test_trace_chart              run the tests (make test-slides does)
 *        test_trace_chart --xml FILE...  only check that each FILE is
 *                                        well-formed XML (where xmllint is
 *                                        not installed)
 *
 * Three layers, each on hand-made traces whose right answer is known:
 * reading trace lines (test_trace_read.c), building the chart: rows, order,
 * lanes and arrows (test_chart_build.c), and, here, writing SVG that is
 * well-formed whatever the traced programs printed (chart_svg.c). The small
 * traces are made by test_chart_fixtures.c. Whole files from real runs are
 * checked with xmllint by slides/scripts/test-slides.sh.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chart.h"
#include "chart_svg.h"
#include "test_chart_fixtures.h"
#include "trace_read.h"

/* ---- writing SVG --------------------------------------------------------- */

/* Enough of XML to catch what a careless writer gets wrong: unbalanced or
 * crossed tags, unquoted attributes, stray '<' or '&', text outside the
 * root. Returns NULL when well-formed, else what is wrong. */
static const char *xml_problem(const char *s)
{
    const char *stack[64];
    size_t stack_len[64];
    size_t depth = 0;
    int roots = 0;
    while (*s) {
        if (*s == '&') {
            const char *end = strchr(s, ';');
            if (!end || end - s > 8 ||
                !(strncmp(s, "&amp;", 5) == 0 || strncmp(s, "&lt;", 4) == 0 ||
                  strncmp(s, "&gt;", 4) == 0 || strncmp(s, "&quot;", 6) == 0 ||
                  strncmp(s, "&apos;", 6) == 0 || s[1] == '#'))
                return "a bare '&'";
            s = end + 1;
            continue;
        }
        if (*s != '<') {
            if (depth == 0 && *s != ' ' && *s != '\n')
                return "text outside the root element";
            s++;
            continue;
        }
        if (strncmp(s, "<!--", 4) == 0) {
            s = strstr(s + 4, "-->");
            if (!s)
                return "an unclosed comment";
            s += 3;
            continue;
        }
        if (strncmp(s, "<?", 2) == 0) {
            s = strstr(s, "?>");
            if (!s)
                return "an unclosed <?";
            s += 2;
            continue;
        }
        if (s[1] == '/') {
            size_t len = strcspn(s + 2, ">");
            if (depth == 0 || len != stack_len[depth - 1] || strncmp(s + 2, stack[depth - 1], len))
                return "a closing tag that does not match";
            depth--;
            s += 2 + len + 1;
            continue;
        }
        const char *name = s + 1;
        size_t len = strcspn(name, " />\n");
        if (len == 0)
            return "a '<' that starts no tag";
        s = name + len;
        for (;;) { /* attributes: name="value" */
            while (*s == ' ' || *s == '\n')
                s++;
            if (*s == '>' || (s[0] == '/' && s[1] == '>'))
                break;
            size_t alen = strcspn(s, "= >");
            if (alen == 0 || s[alen] != '=' || s[alen + 1] != '"')
                return "an attribute without a quoted value";
            const char *end = strchr(s + alen + 2, '"');
            if (!end || memchr(s, '<', (size_t)(end - s)))
                return "an unclosed attribute value";
            s = end + 1;
        }
        if (depth == 0 && ++roots > 1)
            return "more than one root element";
        if (*s == '/') {
            s += 2;
            continue;
        }
        if (depth == 64)
            return "nesting too deep";
        stack[depth] = name;
        stack_len[depth++] = len;
        s++;
    }
    return depth == 0 && roots == 1 ? NULL : "unclosed elements at the end";
}

/* The SVG for a chart, in memory. The caller frees it. */
static char *render(const struct chart *c, const char *title, bool legend)
{
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    ck_assert_ptr_nonnull(out);
    ck_assert_int_eq(chart_svg_write(out, c, title, legend), 0);
    ck_assert_int_eq(fclose(out), 0);
    return text;
}

static size_t count_substrings(const char *text, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(text, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

START_TEST(the_xml_checker_catches_broken_xml)
{
    ck_assert_ptr_null(
        xml_problem("<?xml version=\"1.0\"?>\n<a x=\"1\"><!-- <c> --><b/>t &amp; u</a>\n"));
    ck_assert_ptr_nonnull(xml_problem("<a><b></a></b>"));
    ck_assert_ptr_nonnull(xml_problem("<a>x < y</a>"));
    ck_assert_ptr_nonnull(xml_problem("<a>fish & chips</a>"));
    ck_assert_ptr_nonnull(xml_problem("<a x=1></a>"));
    ck_assert_ptr_nonnull(xml_problem("<a></a><b></b>"));
    ck_assert_ptr_nonnull(xml_problem("<a>"));
}
END_TEST

START_TEST(svg_is_well_formed_with_one_line_per_arrow)
{
    struct echo e;
    make_echo(&e);
    struct chart c;
    build(&c, &e.client, &e.server);
    char *svg = render(&c, "echo & <friends>", true);
    const char *problem = xml_problem(svg);
    ck_assert_msg(problem == NULL, "the SVG is not well-formed: %s", problem);
    ck_assert_msg(strstr(svg, "echo &amp; &lt;friends&gt;") != NULL, "the title is not escaped");
    /* One marker line per arrow, plus one per legend entry. */
    ck_assert_uint_eq(count_substrings(svg, "marker-end="), c.narrows + 5);
    ck_assert_msg(strstr(svg, ">client<") && strstr(svg, ">server<"), "two lifelines, named");
    ck_assert_msg(strstr(svg, ">FIN_WAIT2<") != NULL, "the state after shutdown() is drawn");
    free(svg);
    /* Without the legend: only the arrows' own marker lines remain. */
    svg = render(&c, "", false);
    ck_assert_uint_eq(count_substrings(svg, "marker-end="), c.narrows);
    ck_assert_msg(xml_problem(svg) == NULL, "the SVG without legend or title is not well-formed");
    free(svg);
    chart_free(&c);
}
END_TEST

START_TEST(svg_escapes_trace_text_and_replaces_invalid_utf8)
{
    struct trace client = {0}, server = {0};
    add(&client, 10, "send", "fd=3, \"<b>&'\" \xff\xfe \x01 caf\xc3\xa9", 5, "", NULL);
    add(&server, 20, "recv", "fd=4, \xed\xa0\x80 \xc0\xaf", 5, "", NULL); /* surrogate, overlong */
    struct chart c;
    build(&c, &client, &server);
    char *svg = render(&c, "t", false);
    const char *problem = xml_problem(svg);
    ck_assert_msg(problem == NULL, "the SVG is not well-formed: %s", problem);
    ck_assert_msg(strstr(svg, "&quot;&lt;b&gt;&amp;&apos;&quot;") != NULL, "markup is escaped");
    ck_assert_msg(strstr(svg, "caf\xc3\xa9") != NULL, "valid UTF-8 is kept");
    ck_assert_msg(strstr(svg, "\xff") == NULL && strstr(svg, "\x01") == NULL &&
                      strstr(svg, "\xed\xa0\x80") == NULL && strstr(svg, "\xc0\xaf") == NULL,
                  "bytes XML cannot carry must become \\xNN text (common/xml.c)");
    free(svg);
    chart_free(&c);
}
END_TEST

START_TEST(call_text_is_cut_but_keeps_name_and_result)
{
    struct trace t = {0};
    /* The step is a field, drawn apart: never part of the call's text. */
    with_step(&t,
              add(&t, 1, "setsockopt",
                  "fd=3, SOL_SOCKET, SO_REUSEADDR, 1, \xc3\xa9\xc3\xa9\xc3\xa9", -1, "EINVAL",
                  NULL),
              2);
    char text[256];
    chart_svg_call_text(&t.ev[0], 36, text, sizeof text);
    ck_assert_msg(strncmp(text, "setsockopt(fd=3", 15) == 0, "starts with the call: %s", text);
    const char *tail = ") = -1 EINVAL";
    ck_assert_msg(strlen(text) > strlen(tail) &&
                      strcmp(text + strlen(text) - strlen(tail), tail) == 0,
                  "ends with the result: %s", text);
    ck_assert_msg(strstr(text, "\xe2\x80\xa6") != NULL, "a cut is shown with an ellipsis");
    size_t chars = 0;
    for (const char *p = text; *p; p++)
        chars += ((unsigned char)*p & 0xC0) != 0x80;
    ck_assert_uint_eq(chars, 36);

    chart_svg_call_text(&t.ev[0], 200, text, sizeof text);
    ck_assert_str_eq(text,
                     "setsockopt(fd=3, SOL_SOCKET, SO_REUSEADDR, 1, \xc3\xa9\xc3\xa9\xc3\xa9) = "
                     "-1 EINVAL");
}
END_TEST

/* --xml FILE...: the small checker above, on whole files. */
static int check_xml_files(int count, char **paths)
{
    int bad = 0;
    for (int i = 0; i < count; i++) {
        FILE *in = fopen(paths[i], "r");
        char *text = NULL;
        size_t size = 0;
        if (in == NULL || getdelim(&text, &size, '\0', in) == -1) {
            fprintf(stderr, "%s: cannot read: %s\n", paths[i], strerror(errno));
            bad = 1;
        } else {
            const char *problem = xml_problem(text);
            if (problem) {
                fprintf(stderr, "%s: not well-formed XML: %s\n", paths[i], problem);
                bad = 1;
            }
        }
        free(text);
        if (in)
            fclose(in);
    }
    return bad ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* Removes scratch_dir and whatever the tests left in it. */
static void remove_scratch_dir(void)
{
    DIR *dir = opendir(scratch_dir);
    if (dir) {
        struct dirent *entry;
        while ((entry = readdir(dir)) != NULL) {
            if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
                continue;
            char path[sizeof scratch_dir + 256];
            snprintf(path, sizeof path, "%s/%s", scratch_dir, entry->d_name);
            unlink(path);
        }
        closedir(dir);
    }
    rmdir(scratch_dir);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--xml") == 0)
        return check_xml_files(argc - 2, argv + 2);

    const char *tmp = getenv("TMPDIR");
    snprintf(scratch_dir, sizeof scratch_dir, "%s/test_trace_chart-XXXXXX",
             tmp && tmp[0] ? tmp : "/tmp");
    if (mkdtemp(scratch_dir) == NULL) {
        perror("test_trace_chart: mkdtemp");
        return EXIT_FAILURE;
    }

    const TTest *tests[] = {
        the_xml_checker_catches_broken_xml,
        svg_is_well_formed_with_one_line_per_arrow,
        svg_escapes_trace_text_and_replaces_invalid_utf8,
        call_text_is_cut_but_keeps_name_and_result,
    };
    Suite *suite = suite_create("trace-chart");
    TCase *tc = tcase_create("trace-chart");
    tcase_set_timeout(tc, 10);
    add_read_tests(tc);
    add_build_tests(tc);
    for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++)
        tcase_add_test(tc, tests[i]);
    suite_add_tcase(suite, tc);
    SRunner *runner = srunner_create(suite);
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    remove_scratch_dir();
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
