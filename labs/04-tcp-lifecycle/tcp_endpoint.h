/*
 * tcp_endpoint.h - lab 04: one socket address, IPv4 or IPv6, and its text.
 *
 * getaddrinfo() hands out addresses of the right family and size. A struct
 * tcp_endpoint keeps one of them by value (struct sockaddr_storage is large
 * enough for every family), so nothing has to be freed later and the same
 * code serves 127.0.0.1 and ::1.
 *
 * Given to you, complete: this file and tcp_endpoint.c are not TODOs.
 * This header is the same, byte for byte, in labs/ and solutions/.
 */
#ifndef IPC_KIT_TCP_ENDPOINT_H
#define IPC_KIT_TCP_ENDPOINT_H

#include <stddef.h>
#include "sock_compat.h" /* the socket headers, on Linux and on Windows */

struct tcp_endpoint {
    struct sockaddr_storage addr; /* a struct sockaddr_in or sockaddr_in6 */
    socklen_t len;                /* how many bytes of addr are used */
};

/* Room for the longest text: "[" + an IPv6 address + "]:65535". */
#define TCP_ENDPOINT_TEXT_MAX 64

/*
 * Writes "127.0.0.1:41234" or "[::1]:41234" to buf and returns buf. The text
 * is numeric: this never asks DNS. For an address it cannot show, writes "?".
 */
const char *tcp_endpoint_text(const struct tcp_endpoint *ep, char *buf, size_t size);

/* The port in host byte order, or -1 with errno = EAFNOSUPPORT for a family
 * that is neither AF_INET nor AF_INET6. */
int tcp_endpoint_port(const struct tcp_endpoint *ep);

#endif
