/*
 * judge_channel.h - the records a test process sends to the judge, and back.
 *
 * The judge (judge.c) starts one test process per test and talks to it
 * over a socket it created. Each record is one line of text:
 *
 *   test -> judge   READY                  the harness is set up; student code has not run
 *   judge -> test   GO <nonce>             run the test now
 *   test -> judge   WAIT <nonce> <text>    what the test is waiting for now (for a timeout)
 *   test -> judge   CALLED <nonce> <fn>    lab function fn just returned
 *   test -> judge   NOTE <nonce> <text>    a line for every report (grade_note)
 *   test -> judge   UNAVAILABLE <nonce> <text>  the test cannot run here, for a reason
 *                                          that is the kit's (grade_unavailable): a grader error
 *   test -> judge   PASS <nonce>           the test reached its very end
 *   test -> judge   FAIL <nonce> <text>    a check failed, with its message
 *   test -> judge   LEAKED <nonce> <n> <text>  every check held, but the student's
 *                                          processes kept n resources (the text names them)
 *   judge -> test   BYE                    the audit is done; exit now
 *
 * Only the judge decides a score: a test passes when, and only when, the
 * judge reads PASS with the nonce it sent. The nonce is why code that
 * merely writes "PASS" or "NOTE" to the socket (or to every descriptor it
 * finds) can neither fake an ending nor put text in a report. Newlines and
 * backslashes inside <text> are escaped, so a record is always one line.
 */
#ifndef IPC_KIT_JUDGE_CHANNEL_H
#define IPC_KIT_JUDGE_CHANNEL_H

#include <stddef.h>

enum { JUDGE_CHANNEL_LINE_MAX = 4096 };

/* Writes one record "KIND[ text]\n"; text may be NULL. Returns 0 or -1 with errno. */
int judge_channel_send(int fd, const char *kind, const char *text);

/*
 * Line reader over a descriptor: call judge_channel_fill() when the descriptor is
 * readable, then judge_channel_next() until it returns NULL. A line longer than
 * JUDGE_CHANNEL_LINE_MAX is cut there.
 */
struct judge_channel_reader {
    char buf[2 * JUDGE_CHANNEL_LINE_MAX];
    size_t used;
};

/* Reads what is available: >0 bytes read, 0 at end of file, -1 with errno. */
long judge_channel_fill(int fd, struct judge_channel_reader *r);

/* The next complete line, without its newline and unescaped, in line; NULL if none yet. */
const char *judge_channel_next(struct judge_channel_reader *r, char *line, size_t size);

#endif
