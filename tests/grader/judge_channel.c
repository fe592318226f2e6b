/*
 * judge_channel.c - one-line records between a test process and the judge (see judge_channel.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "judge_channel.h"

/* Escapes '\\' and '\n' so the record stays on one line. */
static size_t escape(const char *text, char *out, size_t size)
{
    size_t used = 0;
    for (; text && *text && used + 3 < size; text++) {
        if (*text == '\n') {
            out[used++] = '\\';
            out[used++] = 'n';
        } else if (*text == '\\') {
            out[used++] = '\\';
            out[used++] = '\\';
        } else {
            out[used++] = *text;
        }
    }
    out[used] = '\0';
    return used;
}

int judge_channel_send(int fd, const char *kind, const char *text)
{
    char line[JUDGE_CHANNEL_LINE_MAX];
    size_t used = (size_t)snprintf(line, sizeof line, "%s", kind);
    if (text) {
        line[used++] = ' ';
        used += escape(text, line + used, sizeof line - used - 1);
    }
    line[used++] = '\n';
    /* One record is well under PIPE_BUF-sized socket writes, but loop anyway. */
    size_t done = 0;
    while (done < used) {
        ssize_t n = write(fd, line + done, used - done);
        if (n == -1 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        done += (size_t)n;
    }
    return 0;
}

long judge_channel_fill(int fd, struct judge_channel_reader *r)
{
    if (r->used == sizeof r->buf) /* a line with no end: drop what we have */
        r->used = 0;
    ssize_t n;
    do {
        n = read(fd, r->buf + r->used, sizeof r->buf - r->used);
    } while (n == -1 && errno == EINTR);
    if (n > 0)
        r->used += (size_t)n;
    return (long)n;
}

const char *judge_channel_next(struct judge_channel_reader *r, char *line, size_t size)
{
    char *end = memchr(r->buf, '\n', r->used);
    if (end == NULL)
        return NULL;
    size_t len = (size_t)(end - r->buf), out = 0;
    for (size_t i = 0; i < len && out + 1 < size; i++) {
        if (r->buf[i] == '\\' && i + 1 < len) {
            i++;
            line[out++] = r->buf[i] == 'n' ? '\n' : r->buf[i];
        } else {
            line[out++] = r->buf[i];
        }
    }
    line[out] = '\0';
    r->used -= len + 1;
    memmove(r->buf, end + 1, r->used);
    return line;
}
