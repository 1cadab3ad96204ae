/*
 * csapp.c - the shared library, part one: error reporters, the wrappers
 * that exit for processes, signals, files and memory, the obsolete name
 * lookup, and command-line parsing. Threads and semaphores are in
 * threads.c, RIO in rio.c, sockets in sockets.c; csapp.h declares them
 * all and says which layer a caller should use where.
 * Book: CS:APP3e csapp.c (same roles; written afresh, errors exit non-zero
 * so scripts and tests can see them).
 */
/* gethostbyname and h_errno left POSIX in 2008: ask for them by name.
 * (First in the file, so also first in make csapp-kit's one-file copy.) */
#define _DEFAULT_SOURCE 1
#define _DARWIN_C_SOURCE 1
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

void dns_error(const char *msg) { die(msg, hstrerror(h_errno)); }

/* ---- Process control ---- */

pid_t Fork(void)
{
    pid_t pid = fork();
    if (pid < 0)
        unix_error("fork");
    return pid;
}

void Execve(const char *path, char *const argv[], char *const envp[])
{
    execve(path, argv, envp); /* returns only on failure */
    unix_error(path);
}

pid_t Wait(int *status)
{
    pid_t pid = wait(status);
    if (pid < 0)
        unix_error("wait");
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

/* sleep, pause and alarm cannot fail; the book wraps them for symmetry. */
unsigned Sleep(unsigned secs) { return sleep(secs); }
void Pause(void) { (void)pause(); }
unsigned Alarm(unsigned secs) { return alarm(secs); }

void Setpgid(pid_t pid, pid_t pgid)
{
    if (setpgid(pid, pgid) < 0)
        unix_error("setpgid");
}

pid_t Getpgrp(void) { return getpgrp(); }

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

void Sigfillset(sigset_t *set)
{
    if (sigfillset(set) < 0)
        unix_error("sigfillset");
}

void Sigaddset(sigset_t *set, int signum)
{
    if (sigaddset(set, signum) < 0)
        unix_error("sigaddset");
}

void Sigdelset(sigset_t *set, int signum)
{
    if (sigdelset(set, signum) < 0)
        unix_error("sigdelset");
}

int Sigismember(const sigset_t *set, int signum)
{
    int rc = sigismember(set, signum);
    if (rc < 0)
        unix_error("sigismember");
    return rc;
}

int Sigsuspend(const sigset_t *set)
{
    int rc = sigsuspend(set); /* returns once a handler has run */
    if (errno != EINTR)
        unix_error("sigsuspend");
    return rc;
}

/* printf is not async-signal-safe (it takes a lock); write(2) is. */
ssize_t sio_puts(const char *s) { return write(STDOUT_FILENO, s, strlen(s)); }

const char *sio_ltoa(long long v, char digits[SIO_DIGITS])
{
    size_t i = SIO_DIGITS;
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v
                                 : (unsigned long long)v;

    digits[--i] = '\0';
    do {
        digits[--i] = (char)('0' + u % 10);
        u /= 10;
    } while (u > 0);
    if (v < 0)
        digits[--i] = '-';
    return &digits[i];
}

ssize_t sio_putl(long v)
{
    char digits[SIO_DIGITS];

    return sio_puts(sio_ltoa(v, digits));
}

void sio_error(const char *s)
{
    sio_puts(s);
    sio_puts("\n");
    _exit(1); /* exit() runs atexit handlers and flushes stdio: not safe here */
}

ssize_t Sio_puts(const char *s)
{
    ssize_t n = sio_puts(s);
    if (n < 0)
        sio_error("sio_puts: write failed");
    return n;
}

ssize_t Sio_putl(long v)
{
    ssize_t n = sio_putl(v);
    if (n < 0)
        sio_error("sio_putl: write failed");
    return n;
}

void Sio_error(const char *s) { sio_error(s); }

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

off_t Lseek(int fd, off_t offset, int whence)
{
    off_t at = lseek(fd, offset, whence);
    if (at < 0)
        unix_error("lseek");
    return at;
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

void Stat(const char *path, struct stat *buf)
{
    if (stat(path, buf) < 0)
        unix_error(path);
}

void Fstat(int fd, struct stat *buf)
{
    if (fstat(fd, buf) < 0)
        unix_error("fstat");
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

/* ---- Directories ---- */

DIR *Opendir(const char *name)
{
    DIR *dirp = opendir(name);
    if (dirp == NULL)
        unix_error(name);
    return dirp;
}

struct dirent *Readdir(DIR *dirp)
{
    struct dirent *entry;
    errno = 0; /* readdir returns NULL at the end too, with errno unchanged */
    entry = readdir(dirp);
    if (entry == NULL && errno != 0)
        unix_error("readdir");
    return entry;
}

int Closedir(DIR *dirp)
{
    int rc = closedir(dirp);
    if (rc < 0)
        unix_error("closedir");
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

void Free(void *ptr) { free(ptr); }

void *Mmap(void *addr, size_t len, int prot, int flags, int fd, off_t offset)
{
    void *p = mmap(addr, len, prot, flags, fd, offset);
    if (p == MAP_FAILED)
        unix_error("mmap");
    return p;
}

void Munmap(void *addr, size_t len)
{
    if (munmap(addr, len) < 0)
        unix_error("munmap");
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

FILE *Fdopen(int fd, const char *mode)
{
    FILE *fp = fdopen(fd, mode);
    if (fp == NULL)
        unix_error("fdopen");
    return fp;
}

size_t Fread(void *ptr, size_t size, size_t nmemb, FILE *stream)
{
    size_t n = fread(ptr, size, nmemb, stream);
    if (n < nmemb && ferror(stream))
        app_error("fread: read error");
    return n;
}

void Fwrite(const void *ptr, size_t size, size_t nmemb, FILE *stream)
{
    if (fwrite(ptr, size, nmemb, stream) < nmemb)
        unix_error("fwrite");
}

void Fclose(FILE *fp)
{
    if (fclose(fp) != 0)
        unix_error("fclose");
}

/* ---- Obsolete name lookup (csapp.h says why; use getaddrinfo) ---- */

struct hostent *Gethostbyname(const char *name)
{
    struct hostent *h = gethostbyname(name);
    if (h == NULL)
        dns_error(name);
    return h;
}

struct hostent *Gethostbyaddr(const char *addr, int len, int type)
{
    struct hostent *h = gethostbyaddr(addr, (socklen_t)len, type);
    if (h == NULL)
        dns_error("gethostbyaddr");
    return h;
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
