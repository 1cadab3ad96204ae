/*
 * sockets.c - the network helpers (CS:APP3e section 11.4.8):
 * open_clientfd and open_listenfd, protocol-independent through
 * getaddrinfo, with their exiting wrappers, and the small socket
 * helpers the servers share. Declared in csapp.h; written afresh.
 */
#include "csapp.h"

#include <netinet/in.h>

/* ---- Network helpers ---- */

/*
 * The reason for a -2 (name lookup) failure, kept per thread so that the
 * helpers stay reentrant: two threads can fail at once without mixing
 * up their reasons.
 */
static _Thread_local int last_gai_code;

const char *open_error(int rc)
{
    return rc == -2 ? gai_strerror(last_gai_code) : strerror(errno);
}

static int lookup(const char *host, const char *port, int flags,
                  int family, struct addrinfo **list)
{
    struct addrinfo hints;
    int rc;

    memset(&hints, 0, sizeof(hints));
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_family = family;
    hints.ai_flags = flags | AI_NUMERICSERV; /* port is a number, not a name */
    if ((rc = getaddrinfo(host, port, &hints, list)) != 0) {
        last_gai_code = rc;
        return -2;
    }
    return 0;
}

int open_clientfd(const char *host, const char *port)
{
    struct addrinfo *list, *p;
    int fd = -1, saved_errno = 0;

    if (lookup(host, port, AI_ADDRCONFIG, AF_UNSPEC, &list) < 0)
        return -2;
    for (p = list; p != NULL; p = p->ai_next) { /* first address that answers */
        fd = socket(p->ai_family, p->ai_socktype, p->ai_protocol);
        if (fd < 0) {
            saved_errno = errno;
            continue;
        }
        if (connect(fd, p->ai_addr, p->ai_addrlen) == 0)
            break;
        saved_errno = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(list);
    if (fd < 0)
        errno = saved_errno;
    return fd;
}

/* A socket bound to addr and listening, or -1 with errno set. */
static int listen_on(const struct addrinfo *addr)
{
    int fd, one = 1, zero = 0, saved_errno;

    fd = socket(addr->ai_family, addr->ai_socktype, addr->ai_protocol);
    if (fd < 0)
        return -1;
    /* Restart at once on the same port, even with old connections in TIME_WAIT. */
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0)
        goto fail;
    /* One IPv6 socket that takes IPv4 clients too, as ::ffff:a.b.c.d. */
    if (addr->ai_family == AF_INET6 &&
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero)) < 0)
        goto fail;
    if (bind(fd, addr->ai_addr, addr->ai_addrlen) < 0 ||
        listen(fd, LISTENQ) < 0)
        goto fail;
    return fd;
fail:
    saved_errno = errno;
    close(fd);
    errno = saved_errno;
    return -1;
}

/*
 * Tries the IPv6 wildcard first, because a dual-stack socket serves both
 * protocols on one port; falls back to IPv4 on hosts without IPv6. The
 * errno of the most telling failure is kept: "Address already in use"
 * beats the "Address family not supported" of a host without IPv6.
 */
int open_listenfd(const char *port)
{
    static const int families[] = {AF_INET6, AF_INET};
    int fd, looked_up = 0, saved_errno = EADDRNOTAVAIL;

    for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
        struct addrinfo *list;
        if (lookup(NULL, port, AI_PASSIVE, families[i], &list) < 0)
            continue;
        looked_up = 1;
        fd = listen_on(list);
        int listen_errno = errno; /* freeaddrinfo may change errno */
        freeaddrinfo(list);
        if (fd >= 0)
            return fd;
        if (listen_errno != EAFNOSUPPORT && listen_errno != EADDRNOTAVAIL)
            saved_errno = listen_errno;
        if (listen_errno == EADDRINUSE) /* IPv4 would only collide again */
            break;
    }
    if (!looked_up)
        return -2;
    errno = saved_errno;
    return -1;
}

int socket_port(int fd)
{
    struct sockaddr_storage addr;
    socklen_t len = sizeof(addr);

    if (getsockname(fd, (SA *)&addr, &len) < 0)
        return -1;
    if (addr.ss_family == AF_INET6)
        return ntohs(((struct sockaddr_in6 *)&addr)->sin6_port);
    return ntohs(((struct sockaddr_in *)&addr)->sin_port);
}

int set_nonblocking(int fd)
{
    int flags = fcntl(fd, F_GETFL);

    return flags < 0 ? -1 : fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

int would_wait(int err)
{
    return err == EAGAIN || err == EWOULDBLOCK;
}

int Open_clientfd(const char *host, const char *port)
{
    int rc = open_clientfd(host, port);
    if (rc < 0) {
        fprintf(stderr, "cannot connect to %s port %s: %s\n", host, port,
                open_error(rc));
        exit(1);
    }
    return rc;
}

int Open_listenfd(const char *port)
{
    int rc = open_listenfd(port);
    if (rc < 0) {
        fprintf(stderr, "cannot listen on port %s: %s\n", port,
                open_error(rc));
        exit(1);
    }
    return rc;
}
