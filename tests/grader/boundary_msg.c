/*
 * boundary_msg.c - building, sending and reading boundary messages
 * (boundary_msg.h).
 */
#define _GNU_SOURCE /* struct ucred, MSG_CMSG_CLOEXEC */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "boundary_msg.h"

enum { TAG_I64 = 'i', TAG_BYTES = 'b', TAG_NULL = 'n', TAG_FD = 'f' };

/* See bmsg_numbers_lock() (boundary_msg.h). */
static pthread_mutex_t numbers_lock = PTHREAD_MUTEX_INITIALIZER;

void bmsg_numbers_lock(void)
{
    pthread_mutex_lock(&numbers_lock);
}

void bmsg_numbers_unlock(void)
{
    pthread_mutex_unlock(&numbers_lock);
}

/* Every frame starts with this; "IPCK" in the magic. */
struct frame_header {
    uint32_t magic;
    uint32_t total;  /* the whole message's length */
    uint32_t offset; /* where this frame's payload goes */
    uint32_t nfds;   /* descriptors on this frame (the first only) */
};
static const uint32_t FRAME_MAGIC = 0x4b435049;

void bmsg_init(struct bmsg *m)
{
    memset(m, 0, sizeof *m);
}

/* Closes what came with a received message and nobody took; the
 * descriptors of a message we built are the caller's, never closed here. */
static void close_untaken(struct bmsg *m)
{
    for (int i = m->fd_pos; m->received && i < m->nfds; i++) {
        if (m->fds[i] >= 0)
            close(m->fds[i]);
    }
    m->nfds = m->fd_pos = 0;
    m->received = false;
}

void bmsg_reset(struct bmsg *m)
{
    close_untaken(m);
    m->len = m->pos = 0;
    m->bad = false;
    m->pid = 0;
}

void bmsg_free(struct bmsg *m)
{
    close_untaken(m);
    free(m->data);
    bmsg_init(m);
}

/* Room for n more bytes; an allocation failure marks the message bad. */
static bool reserve(struct bmsg *m, size_t n)
{
    if (m->len + n <= m->cap)
        return true;
    size_t cap = m->cap ? m->cap : 256;
    while (cap < m->len + n)
        cap *= 2;
    unsigned char *grown = realloc(m->data, cap);
    if (grown == NULL) {
        m->bad = true;
        return false;
    }
    m->data = grown;
    m->cap = cap;
    return true;
}

static void put_raw(struct bmsg *m, const void *p, size_t n)
{
    if (n == 0 || !reserve(m, n))
        return;
    memcpy(m->data + m->len, p, n);
    m->len += n;
}

static bool get_raw(struct bmsg *m, void *p, size_t n)
{
    if (m->bad || m->len - m->pos < n) {
        m->bad = true;
        return false;
    }
    memcpy(p, m->data + m->pos, n);
    m->pos += n;
    return true;
}

/* Reads the next tag; true when it is `want`. */
static bool expect_tag(struct bmsg *m, unsigned char want)
{
    unsigned char tag = 0;
    if (!get_raw(m, &tag, 1) || tag != want) {
        m->bad = true;
        return false;
    }
    return true;
}

void bmsg_put_i64(struct bmsg *m, int64_t value)
{
    unsigned char tag = TAG_I64;
    put_raw(m, &tag, 1);
    put_raw(m, &value, sizeof value);
}

int64_t bmsg_get_i64(struct bmsg *m)
{
    int64_t value = 0;
    if (!expect_tag(m, TAG_I64) || !get_raw(m, &value, sizeof value))
        return 0;
    return value;
}

void bmsg_put_bytes(struct bmsg *m, const void *p, size_t len)
{
    unsigned char tag = p == NULL ? TAG_NULL : TAG_BYTES;
    put_raw(m, &tag, 1);
    if (p == NULL)
        return;
    uint64_t n = len;
    put_raw(m, &n, sizeof n);
    put_raw(m, p, len);
}

const void *bmsg_get_bytes(struct bmsg *m, size_t *len)
{
    *len = 0;
    unsigned char tag = 0;
    if (!get_raw(m, &tag, 1))
        return NULL;
    if (tag == TAG_NULL)
        return NULL;
    uint64_t n = 0;
    if (tag != TAG_BYTES || !get_raw(m, &n, sizeof n) || n > m->len - m->pos) {
        m->bad = true;
        return NULL;
    }
    const void *p = m->data + m->pos;
    m->pos += n;
    *len = n;
    return p;
}

void bmsg_put_fd_as(struct bmsg *m, int fd, int number)
{
    unsigned char tag = TAG_FD;
    put_raw(m, &tag, 1);
    /* The number, whether a descriptor rides along (-1: the number alone), its flags. */
    int64_t n = number, slot = -1, flags = 0;
    int fd_flags = fd >= 0 ? fcntl(fd, F_GETFD) : -1;
    if (fd_flags != -1) {
        if (m->nfds == BMSG_MAX_FDS) {
            m->bad = true;
            return;
        }
        slot = m->nfds;
        m->fds[m->nfds++] = fd;
        flags = fd_flags;
    }
    put_raw(m, &n, sizeof n);
    put_raw(m, &slot, sizeof slot);
    put_raw(m, &flags, sizeof flags);
}

void bmsg_put_fd(struct bmsg *m, int fd)
{
    bmsg_put_fd_as(m, fd, fd);
}

int bmsg_get_fd(struct bmsg *m, int *number, bool *cloexec)
{
    int64_t n = -1, slot = -1, flags = 0;
    *number = -1;
    *cloexec = false;
    if (!expect_tag(m, TAG_FD) || !get_raw(m, &n, sizeof n) || !get_raw(m, &slot, sizeof slot) ||
        !get_raw(m, &flags, sizeof flags))
        return -1;
    *number = (int)n;
    *cloexec = (flags & FD_CLOEXEC) != 0;
    if (slot == -1)
        return -1;
    /* Descriptors are taken in the order they were put. */
    if (slot != m->fd_pos || m->fd_pos >= m->nfds) {
        m->bad = true;
        return -1;
    }
    int fd = m->fds[m->fd_pos];
    m->fds[m->fd_pos++] = -1;
    return fd;
}

/* ---- the socket ---- */

static int send_frame(int sock, const struct frame_header *h, const void *payload, size_t len,
                      const int *fds, int nfds)
{
    struct iovec iov[2] = {{(void *)h, sizeof *h}, {(void *)payload, len}};
    struct msghdr msg = {.msg_iov = iov, .msg_iovlen = len ? 2 : 1};
    union {
        char buf[CMSG_SPACE(sizeof(int) * BMSG_MAX_FDS)];
        struct cmsghdr align;
    } control;
    if (nfds > 0) {
        memset(&control, 0, sizeof control);
        msg.msg_control = control.buf;
        msg.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)nfds);
        struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)nfds);
        memcpy(CMSG_DATA(c), fds, sizeof(int) * (size_t)nfds);
    }
    for (;;) {
        /* MSG_NOSIGNAL: a peer that is gone is an EPIPE here, not a SIGPIPE. */
        ssize_t n = sendmsg(sock, &msg, MSG_NOSIGNAL);
        if (n >= 0)
            return 0;
        if (errno != EINTR)
            return -1;
    }
}

int bmsg_send(int sock, const struct bmsg *m)
{
    if (m->bad || m->len > BMSG_MAX) {
        errno = EMSGSIZE;
        return -1;
    }
    size_t offset = 0;
    do {
        size_t chunk = m->len - offset < BMSG_FRAME ? m->len - offset : BMSG_FRAME;
        bool first = offset == 0;
        struct frame_header h = {FRAME_MAGIC, (uint32_t)m->len, (uint32_t)offset,
                                 first ? (uint32_t)m->nfds : 0};
        if (send_frame(sock, &h, m->data + offset, chunk, m->fds, first ? m->nfds : 0) == -1)
            return -1;
        offset += chunk;
    } while (offset < m->len);
    return 0;
}

/* Takes the descriptors and the sender's pid out of a frame's control data. */
static void take_control(struct msghdr *msg, struct bmsg *m, int *nfds)
{
    for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c != NULL; c = CMSG_NXTHDR(msg, c)) {
        if (c->cmsg_level != SOL_SOCKET)
            continue;
        if (c->cmsg_type == SCM_RIGHTS) {
            int count = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
            int got[BMSG_MAX_FDS * 2];
            if (count > (int)(sizeof got / sizeof got[0]))
                count = (int)(sizeof got / sizeof got[0]);
            memcpy(got, CMSG_DATA(c), sizeof(int) * (size_t)count);
            for (int i = 0; i < count; i++) {
                /* Kept apart until taken: a descriptor arriving at a low number
                 * could sit on the number another one of the message must get. */
                int apart = fcntl(got[i], F_DUPFD_CLOEXEC, BMSG_FD_APART);
                close(got[i]);
                if (apart != -1 && m->nfds < BMSG_MAX_FDS)
                    m->fds[m->nfds++] = apart;
                else if (apart != -1)
                    close(apart);
            }
            *nfds += count;
        } else if (c->cmsg_type == SCM_CREDENTIALS) {
            struct ucred cred;
            memcpy(&cred, CMSG_DATA(c), sizeof cred);
            m->pid = cred.pid;
        }
    }
}

int bmsg_recv(int sock, struct bmsg *m)
{
    bmsg_reset(m);
    m->received = true;
    size_t total = 0, filled = 0;
    bool first = true;
    unsigned char *frame = malloc(sizeof(struct frame_header) + BMSG_FRAME);
    if (frame == NULL)
        return -1;
    int result = -1;
    for (;;) {
        union {
            char buf[CMSG_SPACE(sizeof(int) * BMSG_MAX_FDS * 2) + CMSG_SPACE(sizeof(struct ucred))];
            struct cmsghdr align;
        } control;
        struct iovec iov = {frame, sizeof(struct frame_header) + BMSG_FRAME};
        struct msghdr msg = {.msg_iov = &iov,
                             .msg_iovlen = 1,
                             .msg_control = control.buf,
                             .msg_controllen = sizeof control.buf};
        /* Wait first, unlocked; then receive and move the descriptors
         * apart under the numbers lock, so no other thread's install at a
         * chosen number (bmsg_numbers_lock()) meets one arriving. */
        struct pollfd p = {.fd = sock, .events = POLLIN};
        if (poll(&p, 1, -1) == -1) {
            if (errno == EINTR)
                continue;
            break;
        }
        pthread_mutex_lock(&numbers_lock);
        ssize_t n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
        int nfds = 0;
        if (n >= 0)
            take_control(&msg, m, &nfds);
        pthread_mutex_unlock(&numbers_lock);
        if (n == -1 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (n == -1)
            break;
        if (n == 0) {
            result = 0;
            break;
        }
        struct frame_header h;
        if ((size_t)n < sizeof h || (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC))) {
            errno = EPROTO;
            break;
        }
        memcpy(&h, frame, sizeof h);
        size_t chunk = (size_t)n - sizeof h;
        if (first) {
            total = h.total;
            if (total > BMSG_MAX) {
                errno = EMSGSIZE;
                break;
            }
            if (!reserve(m, total + 1)) {
                errno = ENOMEM;
                break;
            }
        }
        if (h.magic != FRAME_MAGIC || h.total != total || h.offset != filled ||
            chunk > total - filled || (!first && nfds > 0) || h.nfds != (uint32_t)nfds) {
            errno = EPROTO;
            break;
        }
        memcpy(m->data + filled, frame + sizeof h, chunk);
        filled += chunk;
        first = false;
        if (filled == total) {
            m->len = total;
            result = 1;
            break;
        }
    }
    free(frame);
    if (result != 1)
        close_untaken(m);
    return result;
}
