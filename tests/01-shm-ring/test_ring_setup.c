/*
 * test_ring_setup.c - lab 01, step 1: create and attach (ring_segment.c):
 * the object, its name, its size and mode, the checks an attach makes
 * before it trusts what it mapped, and the roles. Objects that are not
 * rings are made, and rings damaged, through this process's own mapping.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "agent_services.h"
#include "boundary.h"
#include "checksum.h"
#include "clock.h"
#include "err.h"
#include "grader.h"
#include "names.h"
#include "ring.h"
#include "ring_test.h"
#include "trace.h"

#include "ring_helpers.h"

/* ---- 1. create and attach ---------------------------------------------- */

START_TEST(create_makes_private_object_of_right_size)
{
    char name[128];
    new_name(name, sizeof name);
    int fds_before = student_fds(NULL, 0);
    struct ring r;
    create_ring(&r, name, 4096, RING_LOCKFREE, RING_PRODUCER);
    int fds_after = student_fds(NULL, 0);
    char path[160];
    snprintf(path, sizeof path, "/dev/shm%s", name);
    struct stat st;
    int stat_rc = stat(path, &st);
    ck_assert_msg(stat_rc == 0, "after ring_create there is no %s: use shm_open(O_CREAT|O_EXCL)",
                  path);
    ck_assert_msg((st.st_mode & 0777) == 0600,
                  "the object has mode %03o; it must be 0600 (only its owner may map it)",
                  (unsigned)(st.st_mode & 0777));
    ck_assert_msg(st.st_size == RING_HEADER_SIZE + 4096,
                  "the object has %lld bytes; expected RING_HEADER_SIZE + capacity = %d "
                  "(ftruncate)",
                  (long long)st.st_size, RING_HEADER_SIZE + 4096);
    ck_assert_msg(fds_after == fds_before,
                  "ring_create left %d descriptor(s) open; close the fd once it is mapped",
                  fds_after - fds_before);
    ck_assert_msg(r.capacity == 4096 && ring_max_message(&r) == 4096 - RING_LENGTH_SIZE,
                  "capacity %llu, largest message %zu; expected 4096 and %d",
                  (unsigned long long)r.capacity, ring_max_message(&r), 4096 - RING_LENGTH_SIZE);
    destroy_ring(&r);
    ck_assert_msg(!shm_exists(name), "after ring_destroy the object %s still exists: shm_unlink it",
                  name);
    ck_assert_msg(student_fds(NULL, 0) == fds_before, "ring_destroy left descriptors open");
}
END_TEST

START_TEST(create_refuses_a_taken_name_and_leaves_it)
{
    char name[128];
    new_name(name, sizeof name);
    struct ring first, second;
    create_ring(&first, name, 4096, RING_LOCKFREE, RING_PRODUCER);
    errno = 0;
    int rc = ring_create(&second, name, 4096, RING_LOCKFREE, RING_PRODUCER);
    int create_errno = errno;
    bool still_there = shm_exists(name);
    if (rc == 0)
        ring_detach(&second);
    ck_assert_msg(rc == -1 && create_errno == EEXIST,
                  "creating a name that exists must fail with EEXIST (O_CREAT|O_EXCL); got "
                  "%d (%s)",
                  rc, strerror(create_errno));
    ck_assert_msg(still_there, "the failed ring_create removed the other ring's object: never "
                               "shm_unlink a name you did not create");
    const char hello[] = "still works";
    send_now(&first, hello, sizeof hello, RING_LOCKFREE);
    destroy_ring(&first);
}
END_TEST

START_TEST(failed_create_leaves_nothing_behind)
{
    /* A file size limit makes ftruncate() fail after shm_open() succeeded:
     * the half-made object must be removed again. */
    char name[128];
    new_name(name, sizeof name);
    /* The limit is set in the student's process, where ring_create() runs. */
    ck_assert(agent_set_signal(SIGXFSZ, 1) == 0); /* else exceeding the limit kills it */
    ck_assert_msg(ring_test_limit_file_size(4096) == 0,
                  "test setup: setrlimit(RLIMIT_FSIZE) in the student's process: %s",
                  strerror(errno));
    int fds_before = student_fds(NULL, 0);
    struct ring r;
    int rc = ring_create(&r, name, 1 << 20, RING_LOCKFREE, RING_PRODUCER);
    int create_errno = errno;
    ring_test_limit_file_size(-1);
    agent_set_signal(SIGXFSZ, 0);
    grade_require_impl(rc, create_errno, "ring_create");
    if (rc == 0)
        ring_destroy(&r);
    ck_assert_msg(rc == -1, "test setup: ring_create succeeded despite RLIMIT_FSIZE");
    ck_assert_msg(!shm_exists(name),
                  "ring_create failed (%s) but left the object %s behind: after shm_open "
                  "succeeded, every error path must shm_unlink it",
                  strerror(create_errno), name);
    ck_assert_msg(student_fds(NULL, 0) == fds_before,
                  "the failed ring_create left a descriptor open: close it on error paths too");
}
END_TEST

START_TEST(bad_names_and_capacities_are_rejected)
{
    char long_name[RING_NAME_MAX + 8];
    long_name[0] = '/';
    memset(long_name + 1, 'x', sizeof long_name - 2);
    long_name[sizeof long_name - 1] = '\0';
    const char *bad_names[] = {"no-slash", "/two/slashes", "/", "", "//x"};
    char good[128];
    new_name(good, sizeof good);
    struct ring r;
    int rc = ring_create(&r, bad_names[0], 4096, RING_LOCKFREE, RING_PRODUCER);
    REQUIRE_IMPL(rc, "ring_create");
    for (size_t i = 0; i < sizeof bad_names / sizeof bad_names[0]; i++) {
        errno = 0;
        rc = ring_create(&r, bad_names[i], 4096, RING_LOCKFREE, RING_PRODUCER);
        int create_errno = errno;
        if (rc == 0)
            ring_destroy(&r);
        ck_assert_msg(rc == -1 && create_errno == EINVAL,
                      "ring_create(\"%s\") must fail with EINVAL: a name is '/' and then "
                      "characters without another '/'; got %d (%s)",
                      bad_names[i], rc, strerror(create_errno));
        errno = 0;
        rc = ring_attach(&r, bad_names[i], RING_CONSUMER);
        ck_assert_msg(rc == -1 && errno == EINVAL,
                      "ring_attach(\"%s\") must fail with EINVAL; got %d (%s)", bad_names[i], rc,
                      strerror(errno));
    }
    errno = 0;
    rc = ring_create(&r, NULL, 4096, RING_LOCKFREE, RING_PRODUCER);
    ck_assert_msg(rc == -1 && errno == EINVAL, "ring_create(NULL name) must fail with EINVAL");
    errno = 0;
    rc = ring_create(&r, long_name, 4096, RING_LOCKFREE, RING_PRODUCER);
    ck_assert_msg(rc == -1 && errno == ENAMETOOLONG,
                  "a name of %zu bytes must fail with ENAMETOOLONG; got %d (%s)", strlen(long_name),
                  rc, rc == -1 ? errno_name(errno) : "no error");
    const size_t bad_capacities[] = {0, 100, 4097, 32, RING_MAX_CAPACITY * 2};
    for (size_t i = 0; i < sizeof bad_capacities / sizeof bad_capacities[0]; i++) {
        errno = 0;
        rc = ring_create(&r, good, bad_capacities[i], RING_LOCKFREE, RING_PRODUCER);
        int create_errno = errno;
        if (rc == 0)
            ring_destroy(&r);
        ck_assert_msg(rc == -1 && create_errno == EINVAL,
                      "capacity %zu must fail with EINVAL (a power of two from %d to %lu); got "
                      "%d (%s)",
                      bad_capacities[i], RING_MIN_CAPACITY, (unsigned long)RING_MAX_CAPACITY, rc,
                      strerror(create_errno));
    }
    errno = 0;
    rc = ring_create(&r, good, 4096, (enum ring_mode)7, RING_PRODUCER);
    ck_assert_msg(rc == -1 && errno == EINVAL, "an unknown mode must fail with EINVAL");
    ck_assert_msg(!shm_exists(good), "a rejected ring_create left the object %s behind", good);
}
END_TEST

/* The first failed ring_attach() that left descriptors open, if any. */
struct fd_blame {
    const char *what;
    int leaked;
};

/* ring_attach() as a consumer, counting the descriptors it leaves open when
 * it fails; the result and errno are ring_attach()'s. */
static int attach_counting_fds(struct ring *r, const char *name, struct fd_blame *blame,
                               const char *what)
{
    int before = student_fds(NULL, 0);
    errno = 0;
    int rc = ring_attach(r, name, RING_CONSUMER);
    int err = errno;
    int left = student_fds(NULL, 0) - before;
    if (rc == -1 && left > 0 && blame->leaked == 0) {
        blame->what = what;
        blame->leaked = left;
    }
    errno = err;
    return rc;
}

START_TEST(attach_rejects_missing_foreign_truncated_and_garbage)
{
    char name[128], ring_name[128];
    new_name(ring_name, sizeof ring_name);
    struct ring r, owner;
    int fds_before = student_fds(NULL, 0);
    /* Descriptors are counted around each failed attach, so a leak is blamed
     * on the call that made it, not on the test's own ring_create(). */
    struct fd_blame blame = {0};

    new_name(name, sizeof name);
    errno = 0;
    int rc = ring_attach(&r, name, RING_CONSUMER);
    REQUIRE_IMPL(rc, "ring_attach");
    ck_assert_msg(rc == -1 && errno == ENOENT, "attaching a name nobody created must fail with "
                                               "ENOENT (from shm_open)");

    const struct {
        const char *what;
        size_t len, size;
        int err;
    } cases[] = {
        {"a foreign object (text where the header should be)", 64, 8192, EPROTO},
        {"an object of random bytes", 8192, 8192, EPROTO},
        {"an object smaller than a header", 100, 100, EBADMSG},
        {"an object of size 0 (not finished by its creator)", 0, 0, EAGAIN},
        {"an object of zeros (magic 0: not finished by its creator)", 0, 8192, EAGAIN},
    };
    unsigned char junk[8192];
    checksum_fill_pattern(junk, sizeof junk, 7);
    memcpy(junk, "This is somebody else's shared memory, not a ring. Hands off!!!!", 64);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        new_name(name, sizeof name);
        if (i == 1)
            checksum_fill_pattern(junk, sizeof junk, 8);
        make_object(name, junk, cases[i].len, cases[i].size);
        rc = attach_counting_fds(&r, name, &blame, cases[i].what);
        int attach_errno = errno;
        if (rc == 0)
            ring_detach(&r);
        shm_unlink(name);
        ck_assert_msg(rc == -1 && attach_errno == cases[i].err,
                      "attaching %s must fail with %s (see ring.h); got %d (%s)", cases[i].what,
                      errno_name(cases[i].err), rc,
                      rc == 0 ? "attached" : errno_name(attach_errno));
    }

    /* A real ring, cut short: the header promises more than the object has. */
    create_ring(&owner, ring_name, 4096, RING_LOCKFREE, RING_PRODUCER);
    int fd = shm_open(ring_name, O_RDWR, 0);
    ck_assert(fd != -1);
    ck_assert(ftruncate(fd, RING_HEADER_SIZE + 1024) == 0);
    close(fd);
    rc = attach_counting_fds(&r, ring_name, &blame, "a truncated ring");
    int attach_errno = errno;
    if (rc == 0)
        ring_detach(&r);
    ck_assert_msg(rc == -1 && attach_errno == EBADMSG,
                  "attaching a truncated ring must fail with EBADMSG (compare the object's size "
                  "from fstat with the header); got %d (%s)",
                  rc, errno_name(attach_errno));
    destroy_ring(&owner);

    /* A ring of another version. */
    create_ring(&owner, ring_name, 4096, RING_LOCKFREE, RING_PRODUCER);
    struct view v = view_ring(ring_name);
    v.shared->version = RING_VERSION + 1;
    unview_ring(&v);
    rc = attach_counting_fds(&r, ring_name, &blame, "a ring of another version");
    attach_errno = errno;
    if (rc == 0)
        ring_detach(&r);
    ck_assert_msg(rc == -1 && attach_errno == EPROTONOSUPPORT,
                  "attaching a ring of another version must fail with EPROTONOSUPPORT; got %d "
                  "(%s)",
                  rc, errno_name(attach_errno));
    destroy_ring(&owner);
    ck_assert_msg(blame.leaked == 0,
                  "ring_attach() of %s failed, as it should, but left %d descriptor(s) open: "
                  "close the shm_open() descriptor on every error path",
                  blame.what, blame.leaked);
    ck_assert_msg(student_fds(NULL, 0) == fds_before,
                  "ring_create() and ring_destroy() of the test's own rings left %d "
                  "descriptor(s) open: ring_create() closes the descriptor once it has mapped "
                  "the object",
                  student_fds(NULL, 0) - fds_before);
}
END_TEST

/* Attaches to name after the owner's header was changed by damage(). */
static int attach_damaged(const char *what, int expected, void (*damage)(struct ring_shared *))
{
    char name[128];
    new_name(name, sizeof name);
    struct ring owner, r;
    create_ring(&owner, name, 4096, RING_LOCKFREE, RING_PRODUCER);
    struct view v = view_ring(name); /* the test's own mapping of the object */
    damage(v.shared);
    unview_ring(&v);
    errno = 0;
    int rc = ring_attach(&r, name, RING_CONSUMER);
    int err = errno;
    if (rc == 0)
        ring_detach(&r);
    destroy_ring(&owner);
    grade_require_impl(rc, err, "ring_attach");
    ck_assert_msg(rc == -1 && err == expected,
                  "attaching a ring whose header %s must fail with %s (see ring.h); got %d (%s)",
                  what, errno_name(expected), rc, rc == 0 ? "attached" : errno_name(err));
    return rc;
}

/* Header fields that disagree with the object, each alone. */
static void halve_capacity(struct ring_shared *s)
{
    s->capacity = 2048; /* segment_size still matches the object */
}
static void capacity_not_power_of_two(struct ring_shared *s)
{
    s->capacity = 4000;
    s->segment_size = RING_HEADER_SIZE + 4000;
}
static void unknown_mode(struct ring_shared *s)
{
    s->mode = 7;
}
static void grow_segment_size(struct ring_shared *s)
{
    s->capacity = 8192;
    s->segment_size = RING_HEADER_SIZE + 8192; /* the header agrees with itself, not the object */
}

START_TEST(attach_rejects_a_header_that_disagrees_with_the_object)
{
    attach_damaged("says its capacity is 2048 while the object holds 4096 bytes of data", EBADMSG,
                   halve_capacity);
    attach_damaged("gives a capacity that is not a power of two", EBADMSG,
                   capacity_not_power_of_two);
    attach_damaged("names an unknown mode", EBADMSG, unknown_mode);
    attach_damaged("promises 8192 bytes of data in an object of 4096", EBADMSG, grow_segment_size);
}
END_TEST

START_TEST(no_role_takes_no_slot_and_waits_for_both_sides)
{
    char name[128];
    new_name(name, sizeof name);
    struct ring owner, producer, consumer, onlooker;
    create_ring(&owner, name, 4096, RING_LOCK, RING_NO_ROLE);
    errno = 0;
    int rc = ring_wait_for_peer(&owner, 50);
    int err = errno;
    REQUIRE_IMPL(rc, "ring_wait_for_peer");
    ck_assert_msg(rc == -1 && err == ETIMEDOUT,
                  "RING_NO_ROLE with nobody attached: ring_wait_for_peer must time out "
                  "(ETIMEDOUT), got %d (%s)",
                  rc, rc == 0 ? "returned at once" : errno_name(err));
    rc = ring_attach(&onlooker, name, RING_NO_ROLE);
    REQUIRE_IMPL(rc, "ring_attach");
    ck_assert_msg(rc == 0, "a second RING_NO_ROLE attach must succeed (it takes no slot), got %s",
                  errno_name(errno));
    ck_assert_int_eq(ring_detach(&onlooker), 0);
    ck_assert_msg(ring_attach(&producer, name, RING_PRODUCER) == 0,
                  "after RING_NO_ROLE handles, the producer slot must still be free: %s",
                  errno_name(errno));
    errno = 0;
    rc = ring_wait_for_peer(&owner, 50);
    err = errno;
    ck_assert_msg(rc == -1 && err == ETIMEDOUT,
                  "RING_NO_ROLE waits for both sides: with only the producer attached "
                  "ring_wait_for_peer must time out, got %d (%s)",
                  rc, rc == 0 ? "returned" : errno_name(err));
    ck_assert_int_eq(ring_attach(&consumer, name, RING_CONSUMER), 0);
    rc = ring_wait_for_peer(&owner, 1000);
    ck_assert_msg(rc == 0, "with both sides attached, ring_wait_for_peer must return 0, got %s",
                  errno_name(errno));

    /* Only a wait checks the peer: try_recv on an empty ring is EAGAIN. */
    ck_assert_int_eq(ring_detach(&producer), 0);
    char buf[8];
    size_t len;
    errno = 0;
    rc = ring_try_recv(&consumer, buf, sizeof buf, &len);
    err = errno;
    ck_assert_msg(rc == -1 && err == EAGAIN,
                  "ring_try_recv on an empty ring whose producer left must fail with EAGAIN "
                  "(only a waiting call checks the peer; see ring.h), got %d (%s)",
                  rc, rc == -1 ? errno_name(err) : "a message or end of stream");
    ck_assert_int_eq(ring_detach(&consumer), 0);
    destroy_ring(&owner);
}
END_TEST

START_TEST(one_producer_and_one_consumer_per_ring)
{
    char name[128];
    new_name(name, sizeof name);
    struct ring producer, consumer, extra;
    create_ring(&producer, name, 4096, RING_LOCKFREE, RING_PRODUCER);
    errno = 0;
    int rc = ring_attach(&extra, name, RING_PRODUCER);
    REQUIRE_IMPL(rc, "ring_attach");
    ck_assert_msg(rc == -1 && errno == EBUSY,
                  "a second producer must be refused with EBUSY; got %d (%s)", rc,
                  rc == -1 ? errno_name(errno) : "no error");
    rc = ring_attach(&consumer, name, RING_CONSUMER);
    ck_assert_msg(rc == 0, "attaching the consumer failed: %s", errno_name(errno));
    errno = 0;
    rc = ring_attach(&extra, name, RING_CONSUMER);
    ck_assert_msg(rc == -1 && errno == EBUSY,
                  "a second consumer must be refused with EBUSY; got %d (%s)", rc,
                  rc == -1 ? errno_name(errno) : "no error");
    char buf[8];
    size_t len;
    errno = 0;
    rc = ring_try_send(&consumer, "x", 1);
    ck_assert_msg(rc == -1 && errno == EBADF,
                  "sending on a consumer's handle must fail with EBADF");
    errno = 0;
    rc = ring_try_recv(&producer, buf, sizeof buf, &len);
    ck_assert_msg(rc == -1 && errno == EBADF,
                  "receiving on a producer's handle must fail with EBADF");
    ck_assert_int_eq(ring_detach(&consumer), 0);
    destroy_ring(&producer);
}
END_TEST

START_TEST(detach_without_eof_is_reported_to_the_peer)
{
    for (size_t k = 0; k < 2; k++) {
        enum ring_mode mode = BOTH_MODES[k];
        /* Two handles in one process: the peer's pid stays alive, so only
         * the slot that ring_detach() marks can tell that it left. */
        char name[128];
        new_name(name, sizeof name);
        struct ring producer, consumer;
        create_ring(&producer, name, 256, mode, RING_PRODUCER);
        int rc = ring_attach(&consumer, name, RING_CONSUMER);
        REQUIRE_IMPL(rc, "ring_attach");
        ck_assert_msg(rc == 0, "%s: ring_attach failed: %s", mode_name(mode), errno_name(errno));
        send_now(&producer, "bye", 3, mode);
        rc = ring_detach(&producer);
        REQUIRE_IMPL(rc, "ring_detach");
        ck_assert_msg(rc == 0, "%s: ring_detach failed: %s", mode_name(mode), errno_name(errno));
        char buf[8];
        size_t len;
        rc = ring_recv(&consumer, buf, sizeof buf, &len);
        ck_assert_msg(rc == 1 && len == 3,
                      "%s: the message sent before the producer detached must still arrive",
                      mode_name(mode));
        struct ring_watch w; /* a wait for a peer that left would last until the limit */
        watch_ring(&w, &consumer, name);
        errno = 0;
        rc = ring_recv(&consumer, buf, sizeof buf, &len);
        int recv_errno = errno;
        fail_if_ring_stalled(&w, mode,
                             "ring_recv() went on waiting after the producer detached "
                             "without marking the end of the stream (its slot says it left)");
        errno = recv_errno;
        ck_assert_msg(rc == -1 && errno == ECONNRESET,
                      "%s: the producer detached without marking the end of stream: ring_recv "
                      "must fail with ECONNRESET, not %d (%s)",
                      mode_name(mode), rc, rc == 0 ? "end of stream" : strerror(errno));
        destroy_ring(&consumer);

        new_name(name, sizeof name);
        create_ring(&producer, name, 256, mode, RING_PRODUCER);
        ck_assert_int_eq(ring_attach(&consumer, name, RING_CONSUMER), 0);
        ck_assert_int_eq(ring_detach(&consumer), 0);
        watch_ring(&w, &producer, name);
        errno = 0;
        rc = 0;
        for (int i = 0; i < 100 && rc == 0; i++)
            rc = ring_send(&producer, "12345678", 8);
        int send_errno = errno;
        fail_if_ring_stalled(&w, mode,
                             "ring_send() went on waiting for room although the consumer "
                             "had detached (its slot says it left)");
        errno = send_errno;
        ck_assert_msg(rc == -1 && errno == EPIPE,
                      "%s: with the consumer detached, a send that has to wait for room must "
                      "fail with EPIPE, not %d (%s)",
                      mode_name(mode), rc, rc == -1 ? errno_name(errno) : "no error");
        destroy_ring(&producer);
    }
}
END_TEST

/* For the table in test_ring.c. */
RING_EXPORT_TEST(create_makes_private_object_of_right_size);
RING_EXPORT_TEST(create_refuses_a_taken_name_and_leaves_it);
RING_EXPORT_TEST(failed_create_leaves_nothing_behind);
RING_EXPORT_TEST(bad_names_and_capacities_are_rejected);
RING_EXPORT_TEST(attach_rejects_missing_foreign_truncated_and_garbage);
RING_EXPORT_TEST(attach_rejects_a_header_that_disagrees_with_the_object);
RING_EXPORT_TEST(no_role_takes_no_slot_and_waits_for_both_sides);
RING_EXPORT_TEST(one_producer_and_one_consumer_per_ring);
RING_EXPORT_TEST(detach_without_eof_is_reported_to_the_peer);
