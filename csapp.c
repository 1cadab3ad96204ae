/*
 * csapp.c - the shared library: error reporters, wrappers, RIO and the
 * network helpers. See csapp.h for which layer a caller should use where.
 * Book: CS:APP3e csapp.c (same roles; written afresh, errors exit non-zero
 * so scripts and tests can see them).
 */
#include "csapp.h"

#include <netinet/in.h>

/* ---- Error reporters ---- */

static void die(const char *msg, const char *reason)
{
    fprintf(stderr, "%s: %s\n", msg, reason);
    exit(1);
}

void unix_error(const char *msg) { die(msg, strerror(errno)); }
void posix_error(int code, const char *msg) { die(msg, strerror(code)); }
void gai_error(int code, const char *msg) { die(msg, gai_strerror(code)); }

void app_error(const char *msg)
{
    fprintf(stderr, "%s\n", msg);
    exit(1);
}

/* ---- Process control ---- */

pid_t Fork(void)
{
    pid_t pid = fork();
    if (pid < 0)
        unix_error("fork");
    return pid;
}

pid_t Waitpid(pid_t pid, int *status, int options)
{
    pid_t rc;
    while ((rc = waitpid(pid, status, options)) < 0 && errno == EINTR)
        ;
    if (rc < 0)
        unix_error("waitpid");
    return rc;
}

void Kill(pid_t pid, int sig)
{
    if (kill(pid, sig) < 0)
        unix_error("kill");
}

/* ---- Signals ---- */

handler_t *Signal(int signum, handler_t *handler)
{
    struct sigaction action, old;
    action.sa_handler = handler;
    sigemptyset(&action.sa_mask); /* block only the signal being handled */
    action.sa_flags = SA_RESTART;
    if (sigaction(signum, &action, &old) < 0)
        unix_error("sigaction");
    return old.sa_handler;
}

void Sigprocmask(int how, const sigset_t *set, sigset_t *oldset)
{
    if (sigprocmask(how, set, oldset) < 0)
        unix_error("sigprocmask");
}

void Sigemptyset(sigset_t *set)
{
    if (sigemptyset(set) < 0)
        unix_error("sigemptyset");
}

void Sigaddset(sigset_t *set, int signum)
{
    if (sigaddset(set, signum) < 0)
        unix_error("sigaddset");
}

/* printf is not async-signal-safe (it takes a lock); write(2) is. */
ssize_t sio_puts(const char *s) { return write(STDOUT_FILENO, s, strlen(s)); }

ssize_t sio_putl(long v)
{
    char digits[24];
    size_t i = sizeof(digits);
    unsigned long u = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;

    digits[--i] = '\0';
    do {
        digits[--i] = (char)('0' + u % 10);
        u /= 10;
    } while (u > 0);
    if (v < 0)
        digits[--i] = '-';
    return sio_puts(&digits[i]);
}

/* ---- Unix I/O ---- */

int Open(const char *pathname, int flags, mode_t mode)
{
    int fd = open(pathname, flags, mode);
    if (fd < 0)
        unix_error(pathname);
    return fd;
}

ssize_t Read(int fd, void *buf, size_t count)
{
    ssize_t n = read(fd, buf, count);
    if (n < 0)
        unix_error("read");
    return n;
}

ssize_t Write(int fd, const void *buf, size_t count)
{
    ssize_t n = write(fd, buf, count);
    if (n < 0)
        unix_error("write");
    return n;
}

void Close(int fd)
{
    if (close(fd) < 0)
        unix_error("close");
}

int Dup2(int oldfd, int newfd)
{
    int fd = dup2(oldfd, newfd);
    if (fd < 0)
        unix_error("dup2");
    return fd;
}

int Select(int n, fd_set *readfds, fd_set *writefds, fd_set *exceptfds,
           struct timeval *timeout)
{
    int rc;
    /* A failed select leaves the sets untouched (POSIX), so the retry
     * waits on the same descriptors. */
    while ((rc = select(n, readfds, writefds, exceptfds, timeout)) < 0)
        if (errno != EINTR)
            unix_error("select");
    return rc;
}

/* ---- Memory ---- */

void *Malloc(size_t size)
{
    void *p = malloc(size);
    if (p == NULL && size > 0)
        unix_error("malloc");
    return p;
}

void *Calloc(size_t nmemb, size_t size)
{
    void *p = calloc(nmemb, size);
    if (p == NULL && nmemb > 0 && size > 0)
        unix_error("calloc");
    return p;
}

void *Realloc(void *ptr, size_t size)
{
    void *p = realloc(ptr, size);
    if (p == NULL && size > 0)
        unix_error("realloc");
    return p;
}

/* ---- Standard I/O ---- */

char *Fgets(char *s, int size, FILE *stream)
{
    char *line = fgets(s, size, stream);
    if (line == NULL && ferror(stream))
        app_error("fgets: read error");
    return line;
}

void Fputs(const char *s, FILE *stream)
{
    if (fputs(s, stream) == EOF)
        unix_error("fputs");
}

FILE *Fopen(const char *path, const char *mode)
{
    FILE *fp = fopen(path, mode);
    if (fp == NULL)
        unix_error(path);
    return fp;
}

void Fclose(FILE *fp)
{
    if (fclose(fp) != 0)
        unix_error("fclose");
}

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

/* ---- Pthreads ---- */

void Pthread_create(pthread_t *tid, const pthread_attr_t *attr,
                    void *(*routine)(void *), void *arg)
{
    int rc = pthread_create(tid, attr, routine, arg);
    if (rc != 0)
        posix_error(rc, "pthread_create");
}

void Pthread_join(pthread_t tid, void **retval)
{
    int rc = pthread_join(tid, retval);
    if (rc != 0)
        posix_error(rc, "pthread_join");
}

void Pthread_detach(pthread_t tid)
{
    int rc = pthread_detach(tid);
    if (rc != 0)
        posix_error(rc, "pthread_detach");
}

void Pthread_once(pthread_once_t *once, void (*init)(void))
{
    int rc = pthread_once(once, init);
    if (rc != 0)
        posix_error(rc, "pthread_once");
}

void Pthread_mutex_init(pthread_mutex_t *mutex)
{
    int rc = pthread_mutex_init(mutex, NULL);
    if (rc != 0)
        posix_error(rc, "pthread_mutex_init");
}

void Pthread_mutex_lock(pthread_mutex_t *mutex)
{
    int rc = pthread_mutex_lock(mutex);
    if (rc != 0)
        posix_error(rc, "pthread_mutex_lock");
}

void Pthread_mutex_unlock(pthread_mutex_t *mutex)
{
    int rc = pthread_mutex_unlock(mutex);
    if (rc != 0)
        posix_error(rc, "pthread_mutex_unlock");
}

/* ---- Semaphores: a mutex-and-condition-variable build that runs on macOS ---- */

void Sem_init(semaphore_t *s, unsigned value)
{
    int rc;
    Pthread_mutex_init(&s->lock);
    if ((rc = pthread_cond_init(&s->positive, NULL)) != 0)
        posix_error(rc, "pthread_cond_init");
    s->value = value;
}

void Sem_destroy(semaphore_t *s)
{
    pthread_cond_destroy(&s->positive);
    pthread_mutex_destroy(&s->lock);
}

void P(semaphore_t *s)
{
    int rc;
    Pthread_mutex_lock(&s->lock);
    while (s->value == 0) /* a wakeup can be spurious: check again */
        if ((rc = pthread_cond_wait(&s->positive, &s->lock)) != 0)
            posix_error(rc, "pthread_cond_wait");
    s->value--;
    Pthread_mutex_unlock(&s->lock);
}

void V(semaphore_t *s)
{
    int rc;
    Pthread_mutex_lock(&s->lock);
    s->value++;
    if ((rc = pthread_cond_signal(&s->positive)) != 0)
        posix_error(rc, "pthread_cond_signal");
    Pthread_mutex_unlock(&s->lock);
}

/* ---- RIO, unbuffered ---- */

ssize_t rio_readn(int fd, void *buf, size_t n)
{
    char *next = buf;
    size_t left = n;

    while (left > 0) {
        ssize_t got = read(fd, next, left);
        if (got < 0) {
            if (errno == EINTR) /* a signal handler ran: read again */
                continue;
            return -1;
        }
        if (got == 0) /* end of file: return what we have */
            break;
        left -= (size_t)got;
        next += got;
    }
    return (ssize_t)(n - left);
}

ssize_t rio_writen(int fd, const void *buf, size_t n)
{
    const char *next = buf;
    size_t left = n;

    while (left > 0) {
        ssize_t put = write(fd, next, left);
        if (put < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        left -= (size_t)put;
        next += put;
    }
    return (ssize_t)n;
}

/* ---- RIO, buffered ---- */

void rio_readinitb(rio_t *rp, int fd)
{
    rp->fd = fd;
    rp->cnt = 0;
    rp->bufptr = rp->buf;
}

int rio_line_ready(const rio_t *rp)
{
    return memchr(rp->bufptr, '\n', rp->cnt) != NULL;
}

/*
 * Refills the buffer when it is empty. Returns the bytes now buffered,
 * 0 at end of file, -1 on error. The one place RIO calls read(2).
 */
static ssize_t rio_fill(rio_t *rp)
{
    while (rp->cnt == 0) {
        ssize_t got = read(rp->fd, rp->buf, sizeof(rp->buf));
        if (got < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (got == 0)
            return 0;
        rp->cnt = (size_t)got;
        rp->bufptr = rp->buf;
    }
    return (ssize_t)rp->cnt;
}

/* Hands out up to n buffered bytes; the buffer must not be empty. */
static size_t rio_take(rio_t *rp, char *dst, size_t n)
{
    if (n > rp->cnt)
        n = rp->cnt;
    memcpy(dst, rp->bufptr, n);
    rp->bufptr += n;
    rp->cnt -= n;
    return n;
}

ssize_t rio_readnb(rio_t *rp, void *usrbuf, size_t n)
{
    char *next = usrbuf;
    size_t left = n;

    while (left > 0) {
        ssize_t avail = rio_fill(rp);
        if (avail < 0)
            return -1;
        if (avail == 0)
            break;
        size_t got = rio_take(rp, next, left);
        next += got;
        left -= got;
    }
    return (ssize_t)(n - left);
}

/*
 * Finds the newline with memchr a buffer at a time, not a byte at a time:
 * streaming long lines then costs one memcpy, not a loop per byte.
 */
ssize_t rio_readlineb(rio_t *rp, void *usrbuf, size_t maxlen)
{
    char *next = usrbuf;
    size_t left;

    if (maxlen == 0)
        return 0;
    left = maxlen - 1; /* room for the terminating NUL */
    while (left > 0) {
        ssize_t avail = rio_fill(rp);
        if (avail < 0)
            return -1;
        if (avail == 0)
            break;
        size_t want = left < rp->cnt ? left : rp->cnt;
        char *newline = memchr(rp->bufptr, '\n', want);
        if (newline != NULL)
            want = (size_t)(newline - rp->bufptr) + 1;
        size_t got = rio_take(rp, next, want);
        next += got;
        left -= got;
        if (newline != NULL)
            break;
    }
    *next = '\0';
    return next - (char *)usrbuf;
}

int parse_number(const char *s, long min, long max, long *value)
{
    char *end;
    long v;

    if (*s < '0' || *s > '9') /* strtol would take a sign or spaces */
        return -1;
    errno = 0;
    v = strtol(s, &end, 10);
    if (*end != '\0' || errno != 0 || v < min || v > max)
        return -1;
    *value = v;
    return 0;
}

long Parse_number(const char *prog, const char *what, const char *s,
                  long min, long max)
{
    long value;

    if (parse_number(s, min, max, &value) < 0) {
        fprintf(stderr, "%s: bad %s '%s': want a number from %ld to %ld\n",
                prog, what, s, min, max);
        exit(2);
    }
    return value;
}

const char *prog_name(const char *argv0)
{
    const char *slash = strrchr(argv0, '/');
    return slash ? slash + 1 : argv0;
}

/* ---- RIO wrappers ---- */

ssize_t Rio_readn(int fd, void *buf, size_t n)
{
    ssize_t got = rio_readn(fd, buf, n);
    if (got < 0)
        unix_error("rio_readn");
    return got;
}

void Rio_writen(int fd, const void *buf, size_t n)
{
    if (rio_writen(fd, buf, n) < 0)
        unix_error("rio_writen");
}

void Rio_readinitb(rio_t *rp, int fd) { rio_readinitb(rp, fd); }

ssize_t Rio_readlineb(rio_t *rp, void *usrbuf, size_t maxlen)
{
    ssize_t got = rio_readlineb(rp, usrbuf, maxlen);
    if (got < 0)
        unix_error("rio_readlineb");
    return got;
}

ssize_t Rio_readnb(rio_t *rp, void *usrbuf, size_t n)
{
    ssize_t got = rio_readnb(rp, usrbuf, n);
    if (got < 0)
        unix_error("rio_readnb");
    return got;
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
