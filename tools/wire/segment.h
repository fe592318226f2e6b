/*
 * segment.h - one TCP segment as the capture saw it: read from the bytes of
 * an IPv4 packet, written to and read back from one line of a capture file.
 *
 * A capture file (wire_capture writes it) is text, one segment a line, with
 * tab-separated columns under a "#" header line, so that awk can read it too:
 *
 *   # mono_ns iface dir src sport dst dport seq ack flags win urp len opts
 *   5012345678  rc  in  192.0.2.2  40512  198.51.100.2  33017  3111... 0  S  64240  0  0
 * mss=1460,ws=7
 *
 *   mono_ns  when the packet passed, on CLOCK_MONOTONIC (the traces' clock)
 *   iface    the wire's interface: rc faces the client, rs the server
 *   dir      in: the host on iface sent it (the segment leaves that host);
 *            out: the wire hands it to the host on iface (it arrives there)
 *   seq ack  the raw 32-bit numbers (the viewer makes them relative)
 *   flags    letters of the flags set, in this order: S A F R P U ("-": none)
 *   win      the raw 16-bit window field (scaled by 2^ws after the handshake)
 *   urp      the urgent pointer field (meaningful only with U)
 *   len      payload bytes
 *   opts     options of a SYN that matter here: mss=N, ws=N; "-" otherwise
 *
 * Functions return 0, or -1 with errno = EINVAL; they never exit.
 */
#ifndef IPC_KIT_WIRE_SEGMENT_H
#define IPC_KIT_WIRE_SEGMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
    SEG_FIN = 0x01,
    SEG_SYN = 0x02,
    SEG_RST = 0x04,
    SEG_PSH = 0x08,
    SEG_ACK = 0x10,
    SEG_URG = 0x20,
};

struct wire_segment {
    uint64_t mono_ns;
    char iface[16];
    bool in; /* true: dir "in" (sent by the host on iface) */
    char src[16], dst[16];
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t flags; /* SEG_* bits */
    uint16_t win, urp;
    uint32_t len;
    int mss; /* from a SYN's options, or -1 */
    int ws;  /* window scale from a SYN's options, or -1 */
};

/* The header line of a capture file, with its newline. */
extern const char WIRE_HEADER[];

/*
 * Reads the IPv4 packet in bytes[0..size) (as a packet socket of type
 * SOCK_DGRAM hands it over: no link-layer header). Fills every field but
 * mono_ns, iface and in. Returns 0, or -1 with errno = EINVAL when it is
 * not a whole IPv4 TCP segment (the caller then skips it).
 */
int segment_from_packet(const unsigned char *bytes, size_t size, struct wire_segment *seg);

/* Writes seg as one capture line (with its newline) into buf; returns the
 * length, or -1 (EINVAL) when buf is too small. */
int segment_format(const struct wire_segment *seg, char *buf, size_t size);

/* Parses one capture line; "#" lines and blank lines are EINVAL too (the
 * caller skips them). */
int segment_parse(const char *line, struct wire_segment *seg);

/* "SA", "FA", "R", "PAU", ... the flags in the file's letter order. */
void segment_flags_text(uint8_t flags, char *buf, size_t size);

#endif
