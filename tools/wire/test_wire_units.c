/*
 * test_wire_units - unit tests of make wire's parts that need no root:
 * reading a segment from packet bytes, the capture line both ways, and the
 * timeline's relative numbers, scaled windows, retransmissions and losses.
 *
 * usage: test_wire_units   (tests/wire/test_wire.sh runs it; exit 0 = all passed)
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "segment.h"
#include "timeline.h"

/* An IPv4 TCP packet: 20 bytes of IP, 20 of TCP plus opt_len of options, then len bytes. */
static size_t make_packet(unsigned char *p, unsigned flags, unsigned seq, unsigned ack,
                          unsigned win, unsigned urp, const unsigned char *opt, size_t opt_len,
                          size_t len)
{
    size_t tcp_len = 20 + opt_len;
    size_t total = 20 + tcp_len + len;
    memset(p, 0, total);
    p[0] = 0x45; /* IPv4, 5 words */
    p[2] = (unsigned char)(total >> 8);
    p[3] = (unsigned char)total;
    p[9] = 6; /* TCP */
    unsigned char src[] = {192, 0, 2, 10}, dst[] = {192, 0, 2, 20};
    memcpy(p + 12, src, 4);
    memcpy(p + 16, dst, 4);
    unsigned char *t = p + 20;
    t[0] = 0x9c; /* port 40000 */
    t[1] = 0x40;
    t[2] = 0x1f; /* port 8080 */
    t[3] = 0x90;
    for (int i = 0; i < 4; i++) {
        t[4 + i] = (unsigned char)(seq >> (24 - 8 * i));
        t[8 + i] = (unsigned char)(ack >> (24 - 8 * i));
    }
    t[12] = (unsigned char)((tcp_len / 4) << 4);
    t[13] = (unsigned char)flags;
    t[14] = (unsigned char)(win >> 8);
    t[15] = (unsigned char)win;
    t[18] = (unsigned char)(urp >> 8);
    t[19] = (unsigned char)urp;
    memcpy(t + 20, opt, opt_len);
    return total;
}

START_TEST(syn_with_options_is_read_field_by_field)
{
    /* MSS 1460, NOP, window scale 7, NOP padding to 4-byte words. */
    const unsigned char opt[] = {2, 4, 0x05, 0xb4, 1, 3, 3, 7};
    unsigned char p[128];
    size_t n = make_packet(p, SEG_SYN, 4000000000u, 0, 64240, 0, opt, sizeof opt, 0);
    struct wire_segment s;
    ck_assert_int_eq(segment_from_packet(p, n, &s), 0);
    ck_assert_str_eq(s.src, "192.0.2.10");
    ck_assert_str_eq(s.dst, "192.0.2.20");
    ck_assert_uint_eq(s.sport, 40000);
    ck_assert_uint_eq(s.dport, 8080);
    ck_assert_uint_eq(s.seq, 4000000000u);
    ck_assert_uint_eq(s.flags, SEG_SYN);
    ck_assert_uint_eq(s.win, 64240);
    ck_assert_uint_eq(s.len, 0);
    ck_assert_int_eq(s.mss, 1460);
    ck_assert_int_eq(s.ws, 7);
}
END_TEST

START_TEST(data_length_and_urgent_pointer_are_read)
{
    unsigned char p[128];
    size_t n = make_packet(p, SEG_URG | SEG_PSH | SEG_ACK, 12, 34, 502, 1, NULL, 0, 5);
    struct wire_segment s;
    ck_assert_int_eq(segment_from_packet(p, n, &s), 0);
    ck_assert_uint_eq(s.len, 5);
    ck_assert_uint_eq(s.urp, 1);
    ck_assert_uint_eq(s.ack, 34);
    ck_assert_int_eq(s.mss, -1);
    ck_assert_int_eq(s.ws, -1);
}
END_TEST

START_TEST(not_tcp_or_cut_short_is_refused)
{
    unsigned char p[128];
    size_t n = make_packet(p, SEG_ACK, 1, 1, 1, 0, NULL, 0, 0);
    struct wire_segment s;
    ck_assert_int_eq(segment_from_packet(p, 30, &s), -1); /* cut inside the TCP header */
    p[9] = 17;                                            /* UDP */
    ck_assert_int_eq(segment_from_packet(p, n, &s), -1);
}
END_TEST

START_TEST(capture_line_round_trip)
{
    struct wire_segment a = {.mono_ns = 123456789012ULL,
                             .iface = "rc",
                             .in = true,
                             .src = "192.0.2.10",
                             .dst = "192.0.2.20",
                             .sport = 40000,
                             .dport = 8080,
                             .seq = 4294967295u,
                             .ack = 7,
                             .flags = SEG_FIN | SEG_ACK,
                             .win = 502,
                             .urp = 0,
                             .len = 0,
                             .mss = -1,
                             .ws = 7};
    char line[256];
    ck_assert_int_gt(segment_format(&a, line, sizeof line), 0);
    struct wire_segment b;
    ck_assert_int_eq(segment_parse(line, &b), 0);
    ck_assert_uint_eq(b.mono_ns, a.mono_ns);
    ck_assert_str_eq(b.iface, "rc");
    ck_assert(b.in);
    ck_assert_uint_eq(b.seq, a.seq);
    ck_assert_uint_eq(b.flags, a.flags);
    ck_assert_int_eq(b.ws, 7);
    ck_assert_int_eq(segment_parse("# mono_ns iface ...", &b), -1);
    ck_assert_int_eq(segment_parse("1\trc\tsideways\t", &b), -1);
}
END_TEST

/* One segment of a synthetic run: time in ms, direction, raw seq/ack, flags, len. */
static struct wire_segment seg(unsigned ms, bool to_server, bool in, unsigned seq, unsigned ack,
                               unsigned flags, unsigned len, int ws)
{
    struct wire_segment s = {.mono_ns = (uint64_t)ms * 1000000,
                             .in = in,
                             .seq = seq,
                             .ack = ack,
                             .flags = (uint8_t)flags,
                             .win = 100,
                             .len = len,
                             .mss = -1,
                             .ws = ws};
    snprintf(s.iface, sizeof s.iface, "%s", to_server == in ? "rc" : "rs");
    snprintf(s.src, sizeof s.src, "%s", to_server ? "192.0.2.10" : "192.0.2.20");
    snprintf(s.dst, sizeof s.dst, "%s", to_server ? "192.0.2.20" : "192.0.2.10");
    s.sport = to_server ? 40000 : 8080;
    s.dport = to_server ? 8080 : 40000;
    return s;
}

START_TEST(timeline_marks_the_lost_copy_and_its_retransmission)
{
    /* Client ISN 1000, server ISN 5000; the client's 10 data bytes are lost
     * once and sent again at 300 ms; everything else gets through. */
    struct wire_segment s[] = {
        seg(0, true, true, 1000, 0, SEG_SYN, 0, 7),
        seg(1, true, false, 1000, 0, SEG_SYN, 0, 7),
        seg(1, false, true, 5000, 1001, SEG_SYN | SEG_ACK, 0, 3),
        seg(2, false, false, 5000, 1001, SEG_SYN | SEG_ACK, 0, 3),
        seg(2, true, true, 1001, 5001, SEG_ACK, 0, -1),
        seg(3, true, false, 1001, 5001, SEG_ACK, 0, -1),
        seg(10, true, true, 1001, 5001, SEG_PSH | SEG_ACK, 10, -1), /* lost */
        seg(300, true, true, 1001, 5001, SEG_PSH | SEG_ACK, 10, -1),
        seg(301, true, false, 1001, 5001, SEG_PSH | SEG_ACK, 10, -1),
        seg(302, false, true, 5001, 1011, SEG_ACK, 0, -1),
    };
    struct timeline tl;
    ck_assert_int_eq(timeline_build(&tl, NULL, 0, NULL, 0, s, sizeof s / sizeof s[0]), 0);
    ck_assert_uint_eq(tl.nitems, 6); /* the "in" lines: one item per sending */
    ck_assert_uint_eq(tl.items[0].rel_seq, 0);
    ck_assert_uint_eq(tl.items[1].rel_ack, 1);
    ck_assert_uint_eq(tl.items[3].rel_seq, 1);
    ck_assert(tl.items[3].lost);
    ck_assert(!tl.items[3].retransmission);
    ck_assert(tl.items[4].retransmission);
    ck_assert_uint_eq(tl.items[4].first_sent, 3);
    ck_assert(!tl.items[4].lost);
    ck_assert_uint_eq(tl.items[4].arrive_ns, 301000000);
    ck_assert_uint_eq(tl.items[5].rel_ack, 11);
    /* After the handshake a window is scaled by the sender's ws: 100 << 7. */
    ck_assert_uint_eq(tl.items[4].window, 100u << 7);
    ck_assert_uint_eq(tl.items[5].window, 100u << 3);
    ck_assert_uint_eq(tl.items[0].window, 100); /* never in a SYN */
    for (size_t i = 0; i < tl.nitems; i++)
        ck_assert_msg(i == 4 || !tl.items[i].retransmission, "item %zu marked", i);
    timeline_free(&tl);
}
END_TEST

int main(void)
{
    Suite *suite = suite_create("wire");
    TCase *tc = tcase_create("units");
    tcase_add_test(tc, syn_with_options_is_read_field_by_field);
    tcase_add_test(tc, data_length_and_urgent_pointer_are_read);
    tcase_add_test(tc, not_tcp_or_cut_short_is_refused);
    tcase_add_test(tc, capture_line_round_trip);
    tcase_add_test(tc, timeline_marks_the_lost_copy_and_its_retransmission);
    suite_add_tcase(suite, tc);
    SRunner *runner = srunner_create(suite);
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
