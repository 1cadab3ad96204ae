/*
 * csapp.c - the shared library, part one: error reporters, wrappers that
 * exit, and command-line parsing. RIO is in rio.c, open_clientfd and
 * open_listenfd in sockets.c; csapp.h declares all three and says which
 * layer a caller should use where.
 * Book: CS:APP3e csapp.c (same roles; written afresh, errors exit non-zero
 * so scripts and tests can see them).
 */
#include "csapp.h"

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

/* ---- Command-line numbers and names ---- */

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

/* "usage: PROG ARGS", or "usage: PROG" for a program that takes none. */
static void print_usage(FILE *to, const char *argv0, const char *args)
{
    fprintf(to, "usage: %s%s%s\n", prog_name(argv0), *args ? " " : "", args);
}

_Noreturn void usage_exit(const char *argv0, const char *args)
{
    print_usage(stderr, argv0, args);
    exit(2);
}

void help_exit(int argc, char **argv, const char *args)
{
    if (argc == 2 &&
        (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
        print_usage(stdout, argv[0], args);
        exit(0);
    }
}

void check_argc(int argc, char **argv, int min, int max, const char *args)
{
    help_exit(argc, argv, args);
    if (argc - 1 < min || argc - 1 > max)
        usage_exit(argv[0], args);
}
