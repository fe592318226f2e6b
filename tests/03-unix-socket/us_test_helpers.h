/*
 * us_test_helpers.h - what lab 03's test files share: the other side of
 * each socket played with plain system calls (raw_*, endpoint_*), the
 * student's processes seen from outside (/proc, their endings), a server
 * under test in a child, and small timing helpers. One job each; the test
 * files (test_us_*.c) read like the behaviours they check.
 */
#ifndef IPC_KIT_US_TEST_HELPERS_H
#define IPC_KIT_US_TEST_HELPERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>

enum { WAIT_MS = 5000 };

/* Exit statuses of the forked children that run lab code. Success is not 0:
 * an exit(0) in the code under test must never read as success. */
enum child_result {
    CHILD_OK = 42,
    CHILD_ENOSYS = 10,      /* a lab function said "not implemented" */
    CHILD_FAILED = 11,      /* a lab function returned -1 */
    CHILD_WRONG_COUNT = 12, /* us_serve() returned another count */
    CHILD_LEAKED_FDS = 13,  /* more descriptors open after serving than before */
    CHILD_LOST = 14,        /* the student's process ended during the call */
};

/*
 * An address the test listens on or connects to. The servers under test
 * listen on an abstract name (Linux: sun_path starts with a NUL byte), which
 * no file holds, so nothing is left behind even when a test fails half-way.
 */
struct endpoint {
    struct sockaddr_un addr;
    socklen_t len;
};

/* A server under test: us_serve() in a child of the test (server_start()). */
struct server {
    pid_t pid;     /* the test's child, which calls us_serve() */
    pid_t student; /* the student's process that runs us_serve() for it */
    long clients;  /* how many connections it must accept, then return */
    bool reaped;
    int status; /* the test child's: enum child_result */
};

/* Three words sent one by one (parts 3 and 6). */
extern const char *const WORDS[3];

/* Descriptors the student's process pid holds between calls (boundary.h);
 * list, when not NULL, names them. */
int fds_of(pid_t pid, char *list, size_t size);

/* Descriptors the student's (main) process holds between calls: its leaks. */
int student_fds(char *list, size_t size);

/*
 * The student process made for a test child is forked twice away from the
 * one it copies, so that the student's wait() never meets it. This test
 * process becomes the parent of such orphans, to wait for one and see how
 * it ended (a signal, an exit), as it saw its own child before.
 */
void adopt_student_processes(void);

/* Forks a test child; *student is the student process made for it, adopted. */
pid_t fork_child(pid_t *student);

/*
 * Waits up to ms for a test child, then for its student process, which
 * ends with it (none may be left behind when the test ends). Returns the
 * child's wait status, or -1 when it did not end in time (then both are
 * killed).
 */
int wait_child_and_student(pid_t pid, pid_t student, int ms);

void make_address(struct sockaddr_un *addr, const char *path);

struct endpoint path_endpoint(const char *path);

/* A name unique to this test: the grader gives each test its own prefix. */
struct endpoint abstract_endpoint(void);

/* A listening socket, made without the lab's code. */
int endpoint_listen(const struct endpoint *e, int backlog);

int raw_listen(const char *path, int backlog);

/* A connected socket, or -1 with errno set. */
int endpoint_connect(const struct endpoint *e);

int raw_connect(const char *path);

int must_connect(const struct endpoint *e);

/* A stale socket file: bound, then closed without unlink, as after a crash. */
void make_stale_socket(const char *path);

/* A connected pair of stream sockets, made without the lab; close_pair() closes both ends. */
void make_pair(int fds[2]);

void close_pair(int fds[2]);

/* Sends everything (no SIGPIPE); false when the peer is gone. */
bool raw_send(int fd, const void *buf, size_t len);

void must_send(int fd, const void *buf, size_t len);

void raw_send_header(int fd, uint32_t announced);

void raw_send_frame(int fd, const char *msg);

bool wait_readable(int fd, int ms);

/* Receives len bytes within ms: the count (less at EOF), -1 on error, -2 on timeout. */
ssize_t raw_recv_exact(int fd, void *buf, size_t len, int ms);

/* True when nothing at all is waiting to be read on fd. */
bool nothing_queued(int fd);

/* A NUL-terminated copy of a small file (the caller frees it), or NULL. */
char *read_text_file(const char *path);

void write_text_file(const char *path, const char *text);

/* Entries in dir, not counting . and .. */
int count_entries(const char *dir);

const char *signal_name(int sig);

bool exists(const char *path);

/*
 * Forks a child that runs us_serve(listen_fd, clients, ...) and reports
 * through its exit status (enum child_result). The log, if wanted, goes to
 * log_fd (see open_log()); -1 for none. Fork it before connecting: a client socket open in the test
 * at fork time would be copied into the server, which then never saw EOF.
 * The child's us_serve() runs in a student process of its own, which this
 * test adopts (adopt_student_processes()) to see how it ended if it died.
 */
void server_start(struct server *s, int listen_fd, long clients, bool same_uid, uid_t allowed_uid,
                  int log_fd);

/* True for the exit statuses a test child reports with (enum child_result). */
bool is_child_report(int status);

/* Fails the test with what the server's wait status means, unless it is a clean exit. */
void explain_server_status(const struct server *s);

/* Notices a server that ended early, and says why. */
void check_server_alive(struct server *s);

/* Waits for fd to become readable (data or EOF) while watching the server. */
void await_server(struct server *s, int fd, const char *waiting_for);

/* Waits for the server to return from us_serve(), and checks how it ended. */
void server_finish(struct server *s);

/* Sends msg as a frame and checks that the answer is the same text upper-cased. */
void expect_answer(struct server *s, int fd, const char *msg);

/* Connects a new client to at and expects msg answered: the server went on
 * serving after whatever came before. */
void expect_next_served(struct server *s, const struct endpoint *at, const char *msg);

/* Waits for the server to return (server_finish), then closes its listening socket. */
void stop_server(struct server *s, int listen_fd);

/* Waits for the server to close fd's connection without answering. */
void expect_closed(struct server *s, int fd, const char *why);

/* A log file for the server, unlinked at once: it can never be left behind. */
int open_log(void);

/* Checks that the log holds word, and closes it. */
void expect_log_mentions(int log_fd, const char *word, const char *what);

/* CPU time the student's process has used, user and system, in seconds. */
double cpu_seconds(void);

double wall_seconds(void);

void pause_ms(int ms);

/* Opens the receiving datagram socket d.sock and an unbound sender. */
void open_datagram_pair(int *receiver, int *sender);

void close_datagram_pair(int receiver, int sender);

#endif
