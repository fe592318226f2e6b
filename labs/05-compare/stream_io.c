/* stream_io.c - framed messages over a byte stream (see stream_io.h). */
#include <errno.h>
#include <stdint.h>
#include <unistd.h>

#include "stream_io.h"

int stream_write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n == -1 && errno == EINTR)
            continue;
        if (n == -1)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int stream_read_exact(int fd, void *buf, size_t len)
{
    char *p = buf;
    size_t got = 0;
    while (got < len) {
        ssize_t n = read(fd, p + got, len - got);
        if (n == -1 && errno == EINTR)
            continue;
        if (n == -1)
            return -1;
        if (n == 0) {
            if (got == 0)
                return 0;  /* a clean end of stream */
            errno = EPIPE; /* the stream ended inside a message */
            return -1;
        }
        got += (size_t)n;
    }
    return 1;
}

int stream_send_msg(int fd, const void *msg, size_t len)
{
    uint64_t header = len;
    if (stream_write_all(fd, &header, sizeof header) == -1)
        return -1;
    return stream_write_all(fd, msg, len);
}

int stream_recv_msg(int fd, void *buf, size_t cap, size_t *len)
{
    uint64_t header;
    int rc = stream_read_exact(fd, &header, sizeof header);
    if (rc <= 0)
        return rc;
    if (header > cap) {
        errno = EMSGSIZE;
        return -1;
    }
    *len = (size_t)header;
    if (header == 0)
        return 1;
    rc = stream_read_exact(fd, buf, (size_t)header);
    if (rc == 0) {
        errno = EPIPE; /* a header with no body */
        return -1;
    }
    return rc;
}
