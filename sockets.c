/*
 * sockets.c - the network helpers (CS:APP3e section 11.4.8):
 * open_clientfd and open_listenfd, protocol-independent through
 * getaddrinfo, with their exiting wrappers, the small socket helpers the
 * servers share, and the wrappers of the sockets interface and of name
 * lookup. Declared in csapp.h; written afresh.
 */
#include "csapp.h"

#include <netinet/in.h>

/* ---- Sockets ---- */

int Socket(int domain, int type, int protocol)
{
    int fd = socket(domain, type, protocol);
    if (fd < 0)
        unix_error("socket");
    return fd;
}

void Setsockopt(int fd, int level, int optname, const void *optval,
                socklen_t optlen)
{
    if (setsockopt(fd, level, optname, optval, optlen) < 0)
        unix_error("setsockopt");
}

void Bind(int fd, const struct sockaddr *addr, socklen_t addrlen)
{
    if (bind(fd, addr, addrlen) < 0)
        unix_error("bind");
}

void Listen(int fd, int backlog)
{
    if (listen(fd, backlog) < 0)
        unix_error("listen");
}

int Accept(int fd, struct sockaddr *addr, socklen_t *addrlen)
{
    for (;;) {
        socklen_t len = addrlen ? *addrlen : 0;
        int connfd = accept(fd, addr, addrlen ? &len : NULL);
        if (connfd >= 0) {
            if (addrlen)
                *addrlen = len;
            return connfd;
        }
        if (errno != EINTR && errno != ECONNABORTED && errno != EPROTO)
            unix_error("accept");
    }
}

void Connect(int fd, const struct sockaddr *addr, socklen_t addrlen)
{
    if (connect(fd, addr, addrlen) < 0)
        unix_error("connect");
}

/* ---- Name lookup ---- */

void Getaddrinfo(const char *node, const char *service,
                 const struct addrinfo *hints, struct addrinfo **res)
{
    int rc = getaddrinfo(node, service, hints, res);
    if (rc != 0)
        gai_error(rc, "getaddrinfo");
}

void Getnameinfo(const struct sockaddr *sa, socklen_t salen, char *host,
                 size_t hostlen, char *serv, size_t servlen, int flags)
{
    int rc = getnameinfo(sa, salen, host, (socklen_t)hostlen, serv,
                         (socklen_t)servlen, flags);
    if (rc != 0)
        gai_error(rc, "getnameinfo");
}

void Freeaddrinfo(struct addrinfo *res) { freeaddrinfo(res); }

void Inet_pton(int af, const char *src, void *dst)
{
    int rc = inet_pton(af, src, dst);
    if (rc == 0) /* not an address of that family: errno says nothing */
        app_error("inet_pton: not a valid address");
    if (rc < 0)
        unix_error("inet_pton");
}

void Inet_ntop(int af, const void *src, char *dst, socklen_t size)
{
    if (inet_ntop(af, src, dst, size) == NULL)
        unix_error("inet_ntop");
}

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
