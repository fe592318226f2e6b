/*
 * tcp_endpoint.c - lab 04: socket addresses as text (see tcp_endpoint.h).
 * Given to you, complete.
 */
#include <errno.h>
#include <stdio.h>

#include "sock_compat.h"
#include "tcp_endpoint.h"

const char *tcp_endpoint_text(const struct tcp_endpoint *ep, char *buf, size_t size)
{
    char host[INET6_ADDRSTRLEN];
    int port = tcp_endpoint_port(ep);
    const void *raw = NULL;
    if (ep->addr.ss_family == AF_INET)
        raw = &((const struct sockaddr_in *)&ep->addr)->sin_addr;
    else if (ep->addr.ss_family == AF_INET6)
        raw = &((const struct sockaddr_in6 *)&ep->addr)->sin6_addr;
    if (raw == NULL || inet_ntop(ep->addr.ss_family, raw, host, sizeof host) == NULL) {
        snprintf(buf, size, "?");
        return buf;
    }
    /* IPv6 addresses contain ':', so the port needs the brackets of RFC 3986. */
    if (ep->addr.ss_family == AF_INET6)
        snprintf(buf, size, "[%s]:%d", host, port);
    else
        snprintf(buf, size, "%s:%d", host, port);
    return buf;
}

int tcp_endpoint_port(const struct tcp_endpoint *ep)
{
    /* Ports travel in network byte order (big-endian); ntohs() turns them around. */
    if (ep->addr.ss_family == AF_INET)
        return ntohs(((const struct sockaddr_in *)&ep->addr)->sin_port);
    if (ep->addr.ss_family == AF_INET6)
        return ntohs(((const struct sockaddr_in6 *)&ep->addr)->sin6_port);
    errno = EAFNOSUPPORT;
    return -1;
}
