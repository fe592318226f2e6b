/*
 * tcp_scenario.h - lab 04: the scenarios that tcp_server, tcp_client and
 * tcp_demo play, built only from the steps in tcp_lab.h.
 *
 * Each mode is one conversation between a client and a server:
 *
 *   echo       the client sends each message as a frame and reads it back,
 *              then closes gracefully first: the client ends in TIME_WAIT.
 *   halfclose  the client sends its data and shutdown(SHUT_WR); the server
 *              reads to end of stream, then still replies; the client
 *              reads the reply after its own FIN.
 *   oob        the client sends ordinary data, one urgent byte, more data;
 *              the server sees SIGURG and POLLPRI, reads to the mark, reads
 *              the urgent byte with recv(MSG_OOB), and reports all three.
 *   abort      the server reads one frame, then aborts (SO_LINGER {1,0}):
 *              the client's next recv() fails with ECONNRESET.
 *   poll       the server is tcp_poll_serve(), an echo of raw bytes for many
 *              clients at once; the client plays echo (frames pass through).
 *
 * Given to you, complete: these only call your steps. The client side
 * prints what it received to stdout.
 * This header is the same, byte for byte, in labs/ and solutions/.
 */
#ifndef IPC_KIT_TCP_SCENARIO_H
#define IPC_KIT_TCP_SCENARIO_H

enum tcp_mode { TCP_MODE_ECHO, TCP_MODE_HALFCLOSE, TCP_MODE_OOB, TCP_MODE_ABORT, TCP_MODE_POLL };

/* The mode named text ("echo", ...), or -1 when there is none. */
int tcp_mode_parse(const char *text);

/* "echo", "halfclose", ... */
const char *tcp_mode_name(enum tcp_mode mode);

/*
 * Step 12 for a person, in tcp_server and tcp_client: prints what failed,
 * the errno from tcp_describe_error() (name, text and a hint) and exits 1.
 */
_Noreturn void tcp_fail(const char *what);

/* Why a client's conversation failed with err, in words for the server's
 * log ("the client sent nothing ... within the timeout"), or NULL when
 * tcp_describe_error()'s general hint fits. */
const char *tcp_scenario_why(enum tcp_mode mode, int err);

/* The modes' names for messages: "echo, halfclose, oob, abort or poll". */
#define TCP_MODE_LIST "echo, halfclose, oob, abort or poll"

/* The options tcp_server and tcp_client share; both must play the same mode. */
struct tcp_play_options {
    int mode;        /* -m, --mode MODE: an enum tcp_mode */
    long timeout_ms; /* -t, --timeout MS: how long a step may wait for the peer */
};

/*
 * For main(), after cli_next_option(): when opt is 'm' or 't', stores its
 * value, arg, into *o; a bad value ends the program with a usage message and
 * exit status 2 (cli.h). Any other option is left to the caller.
 */
void tcp_play_option(int opt, const char *arg, struct tcp_play_options *o);

/*
 * The server's side of one accepted connection conn in mode (any but poll).
 * Every recv() and send() on conn waits at most timeout_ms (SO_RCVTIMEO and
 * SO_SNDTIMEO; 0: no limit), so an idle client fails with EAGAIN instead of
 * holding the server. Always releases conn. Returns 0 when the conversation
 * went as the mode says, or -1 with errno set.
 */
int tcp_scenario_serve(int conn, enum tcp_mode mode, int timeout_ms);

/*
 * The client's side on the connected socket fd: message is the text to send.
 * Every recv() and send() on fd waits at most timeout_ms, as on the server's
 * side, so a server that stalls cannot hang the client. Always releases fd.
 * Returns 0 when the conversation went as the mode says (for abort: when
 * the server's RST arrived as ECONNRESET), or -1 with errno.
 */
int tcp_scenario_client(int fd, enum tcp_mode mode, const char *message, int timeout_ms);

#endif
