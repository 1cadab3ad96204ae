/*
 * csapp.h - the shared library of the suite: error reporters, wrappers,
 * RIO (robust I/O), and the network helpers open_clientfd/open_listenfd;
 * one header for the four files that define them (csapp.c: processes,
 * signals, files, memory; threads.c: threads and semaphores; rio.c: RIO;
 * sockets.c: sockets and names).
 *
 * Two layers, and every caller picks one on purpose:
 *   lowercase  (rio_writen, open_listenfd, ...) returns an error: -1 with
 *              errno set (or -2 for a name-lookup failure). Use it for
 *              anything one client can make fail: reads, writes, closes.
 *   Capitalized (Rio_writen, Open_listenfd, Malloc, ...) prints one line
 *              naming the call and the reason, then exits with status 1.
 *              Use it only where giving up is right: start-up, demos,
 *              running out of memory.
 * Inside a server loop, a failure that belongs to one connection closes
 * that connection and logs a line; it never exits the server.
 * Every wrapper the book's csapp.h declares is here, with the book's name
 * and arguments (Free, Wait, Sio_puts, Sem_init(sem_t *, int, unsigned),
 * ...), so its examples and exercises build against it unchanged; the
 * suite's own programs use only some of them. `make csapp-kit DIR=d`
 * writes d/csapp.h and d/csapp.c (this library in one file) for a
 * student's own folder: gcc -O2 server.c csapp.c -pthread.
 *
 * Book: CS:APP3e csapp.h (same names and roles; written afresh).
 */
#ifndef CSAPP_H
#define CSAPP_H

/*
 * The book's code is built with no feature macro (gcc's default, which
 * shows POSIX and more) or with a bare -std=c11, which shows only ISO C:
 * no sigaction, no fdopen. Asked for nothing, ask for the default set
 * here, before the first system header. (A file that includes a system
 * header before csapp.h under -std=c11 must add -D_DEFAULT_SOURCE.)
 */
#if !defined(_POSIX_C_SOURCE) && !defined(_XOPEN_SOURCE) && \
    !defined(_GNU_SOURCE) && !defined(_DEFAULT_SOURCE)
#define _DEFAULT_SOURCE 1
#endif

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* The book's shorthand for the generic socket-address pointer type. */
typedef struct sockaddr SA;

#define MAXLINE 8192      /* longest line a caller reads at once */
#define MAXBUF 8192       /* general-purpose buffer size */
#define LISTENQ 1024      /* listen() backlog */
/* Bytes a rio_t reads from the kernel at once. A rio_t holds them: one
 * on a thread's stack needs that much stack (musl gives 128 KiB), so
 * book-style code that keeps it there can build the kit with, say,
 * -DRIO_BUFSIZE=8192 (the book's size), the library and program alike. */
#ifndef RIO_BUFSIZE
#define RIO_BUFSIZE (256 * 1024)
#endif
/* The book's default mode for files it creates, and umask: rw-rw-rw-, less
 * write for group and others. */
#define DEF_MODE (S_IRUSR | S_IWUSR | S_IRGRP | S_IWGRP | S_IROTH | S_IWOTH)
#define DEF_UMASK (S_IWGRP | S_IWOTH)

/* The environment, for Execve (POSIX defines it; no header declares it). */
extern char **environ;

/* ---- Error reporters: print "msg: reason" on stderr, exit status 1 ---- */
void unix_error(const char *msg);            /* reason from errno */
void posix_error(int code, const char *msg); /* reason from a pthread code */
void gai_error(int code, const char *msg);   /* reason from getaddrinfo */
void app_error(const char *msg);             /* no system reason */
/* Obsolete, for Gethostbyname and Gethostbyaddr: reason from h_errno. */
void dns_error(const char *msg);

/* ---- Process control ---- */
pid_t Fork(void);
void Execve(const char *path, char *const argv[], char *const envp[]);
pid_t Wait(int *status);
/* Retries after EINTR: a signal handler ran, the child is still there. */
pid_t Waitpid(pid_t pid, int *status, int options);
void Kill(pid_t pid, int sig);
unsigned Sleep(unsigned secs); /* returns the seconds left unslept */
void Pause(void);
unsigned Alarm(unsigned secs); /* returns the seconds left of the last one */
void Setpgid(pid_t pid, pid_t pgid);
pid_t Getpgrp(void);

/* ---- Signals ---- */
typedef void handler_t(int);
/* Installs handler with sigaction; interrupted system calls restart. */
handler_t *Signal(int signum, handler_t *handler);
void Sigprocmask(int how, const sigset_t *set, sigset_t *oldset);
void Sigemptyset(sigset_t *set);
void Sigfillset(sigset_t *set);
void Sigaddset(sigset_t *set, int signum);
void Sigdelset(sigset_t *set, int signum);
int Sigismember(const sigset_t *set, int signum);
/* Always returns -1 with errno EINTR (a handler ran); anything else exits. */
int Sigsuspend(const sigset_t *set);

/*
 * Sio: async-signal-safe output on stdout, for use inside signal handlers
 * (printf is not safe there: it takes a lock). sio_error prints s and
 * ends the process with _exit(1). Sio_puts and Sio_putl exit the same
 * way when the write fails.
 */
ssize_t sio_puts(const char *s);
ssize_t sio_putl(long v);
/* v in decimal, written from the end of digits; returns where it starts
 * (async-signal-safe, for sio_putl and for trace.c's events). */
#define SIO_DIGITS 24
const char *sio_ltoa(long long v, char digits[SIO_DIGITS]);
void sio_error(const char *s);
ssize_t Sio_puts(const char *s);
ssize_t Sio_putl(long v);
void Sio_error(const char *s);

/* ---- Unix I/O ---- */
int Open(const char *pathname, int flags, mode_t mode);
ssize_t Read(int fd, void *buf, size_t count);
ssize_t Write(int fd, const void *buf, size_t count);
off_t Lseek(int fd, off_t offset, int whence);
void Close(int fd);
int Dup2(int oldfd, int newfd);
void Stat(const char *path, struct stat *buf);
void Fstat(int fd, struct stat *buf);
/*
 * Waits with select(2); retries after EINTR. Any other failure (EBADF,
 * EINVAL) is a bug in the caller's sets, so it exits. Returns the count.
 */
int Select(int n, fd_set *readfds, fd_set *writefds, fd_set *exceptfds,
           struct timeval *timeout);

/* ---- Directories ---- */
DIR *Opendir(const char *name);
struct dirent *Readdir(DIR *dirp); /* NULL only at the end */
int Closedir(DIR *dirp);

/* ---- Memory: running out is fatal (a teaching server cannot do better) ---- */
void *Malloc(size_t size);
void *Calloc(size_t nmemb, size_t size);
void *Realloc(void *ptr, size_t size);
void Free(void *ptr);
void *Mmap(void *addr, size_t len, int prot, int flags, int fd, off_t offset);
void Munmap(void *addr, size_t len);

/* ---- Standard I/O ---- */
char *Fgets(char *s, int size, FILE *stream); /* NULL only at end of file */
void Fputs(const char *s, FILE *stream);
FILE *Fopen(const char *path, const char *mode);
FILE *Fdopen(int fd, const char *mode);
void Fclose(FILE *fp);
/* Returns fewer than nmemb only at end of file. */
size_t Fread(void *ptr, size_t size, size_t nmemb, FILE *stream);
void Fwrite(const void *ptr, size_t size, size_t nmemb, FILE *stream);

/* ---- Sockets ---- */
int Socket(int domain, int type, int protocol);
void Setsockopt(int fd, int level, int optname, const void *optval,
                socklen_t optlen);
void Bind(int fd, const struct sockaddr *addr, socklen_t addrlen);
void Listen(int fd, int backlog);
/* Retries on EINTR, ECONNABORTED and EPROTO: the client gave up, not us. */
int Accept(int fd, struct sockaddr *addr, socklen_t *addrlen);
void Connect(int fd, const struct sockaddr *addr, socklen_t addrlen);

/* ---- Protocol-independent name lookup ---- */
void Getaddrinfo(const char *node, const char *service,
                 const struct addrinfo *hints, struct addrinfo **res);
void Getnameinfo(const struct sockaddr *sa, socklen_t salen, char *host,
                 size_t hostlen, char *serv, size_t servlen, int flags);
void Freeaddrinfo(struct addrinfo *res);
/* Text to binary address and back, for AF_INET or AF_INET6. */
void Inet_pton(int af, const char *src, void *dst);
void Inet_ntop(int af, const void *src, char *dst, socklen_t size);

/*
 * Obsolete: IPv4 only and not reentrant (one static result shared by
 * every thread); getaddrinfo and getnameinfo replace them. Here because
 * the book still teaches them. Exit through dns_error on failure.
 */
struct hostent;
struct hostent *Gethostbyname(const char *name);
struct hostent *Gethostbyaddr(const char *addr, int len, int type);

/* ---- Pthreads: these return an error code instead of setting errno ---- */
void Pthread_create(pthread_t *tid, const pthread_attr_t *attr,
                    void *(*routine)(void *), void *arg);
void Pthread_join(pthread_t tid, void **retval);
void Pthread_cancel(pthread_t tid);
void Pthread_detach(pthread_t tid);
_Noreturn void Pthread_exit(void *retval);
pthread_t Pthread_self(void);
void Pthread_once(pthread_once_t *once, void (*init)(void));
void Pthread_mutex_init(pthread_mutex_t *mutex);
void Pthread_mutex_lock(pthread_mutex_t *mutex);
void Pthread_mutex_unlock(pthread_mutex_t *mutex);

/*
 * Counting semaphores, the book's way: sem_t, Sem_init(&s, 0, value),
 * P waits until the value is positive and decrements it, V increments it
 * and wakes one waiter. Thread-safe. P retries when a signal handler
 * interrupts its wait (sem_wait never restarts by itself).
 * macOS has sem_t but no unnamed semaphores (sem_init fails with
 * ENOSYS), so there, or anywhere with -DCSAPP_PORTABLE_SEM, sem_t and
 * sem_init, sem_wait, sem_post, sem_destroy name our own, built from a
 * mutex and a condition variable (threads.c): the same code runs on both.
 */
#if defined(__APPLE__) || defined(CSAPP_PORTABLE_SEM)
#define CSAPP_OWN_SEM 1
typedef struct {
    pthread_mutex_t lock;    /* guards value */
    pthread_cond_t positive; /* signalled when value rises above 0 */
    unsigned value;
} csapp_sem_t;
#define sem_t csapp_sem_t
#define sem_init csapp_sem_init
#define sem_wait csapp_sem_wait
#define sem_post csapp_sem_post
#define sem_destroy csapp_sem_destroy
/* As POSIX's: 0, or -1 with errno set; pshared must be 0 (threads only). */
int sem_init(sem_t *s, int pshared, unsigned value);
int sem_wait(sem_t *s);
int sem_post(sem_t *s);
int sem_destroy(sem_t *s);
#endif

void Sem_init(sem_t *s, int pshared, unsigned value);
void Sem_destroy(sem_t *s);
void P(sem_t *s);
void V(sem_t *s);

/* ---- RIO: robust I/O ---- */

/*
 * Unbuffered: transfer exactly n bytes unless end of file (reads only).
 * Restart after EINTR and after short counts. Return the bytes moved, or
 * -1 with errno set. Thread-safe (no shared state).
 */
ssize_t rio_readn(int fd, void *buf, size_t n);
ssize_t rio_writen(int fd, const void *buf, size_t n);

/* A read buffer attached to one descriptor. One reader at a time. */
typedef struct {
    int fd;                 /* the descriptor it reads from */
    size_t cnt;             /* unread bytes left in buf */
    char *bufptr;           /* next unread byte in buf */
    char buf[RIO_BUFSIZE];  /* bytes read ahead from fd */
} rio_t;

void rio_readinitb(rio_t *rp, int fd);
/*
 * Reads one line (through '\n') into usrbuf, at most maxlen-1 bytes, and
 * NUL-terminates it. A longer line comes back in pieces on later calls.
 * NUL bytes pass through, so use the returned count, not strlen. Returns
 * the byte count, 0 at end of file, -1 on error with errno set.
 */
ssize_t rio_readlineb(rio_t *rp, void *usrbuf, size_t maxlen);
/* Reads n bytes (fewer only at end of file) through the buffer. */
ssize_t rio_readnb(rio_t *rp, void *usrbuf, size_t n);
/* True when a whole line is already buffered: rio_readlineb won't block. */
int rio_line_ready(const rio_t *rp);

/*
 * Reads a whole decimal number min..max from s into *value: digits only
 * (no sign, no space, nothing after), so "80x", "-1" and "" are refused.
 * Returns 0, or -1 (with *value untouched). For the programs' arguments.
 */
int parse_number(const char *s, long min, long max, long *value);
/*
 * parse_number for a program's argument: on a bad value prints
 * "PROG: bad WHAT 'S': want a number from MIN to MAX" on stderr and exits
 * with status 2 (a usage error), so every program words it the same.
 */
long Parse_number(const char *prog, const char *what, const char *s,
                  long min, long max);
/* The program's name without its directory, for messages: "echoserveri". */
const char *prog_name(const char *argv0);
/* Prints "usage: PROG ARGS" on stderr and exits with status 2. */
_Noreturn void usage_exit(const char *argv0, const char *args);
/*
 * The first thing every program's main does: "-h" or "--help" as the only
 * argument prints "usage: PROG ARGS" on stdout and exits 0 (asked for, so
 * no error); anything else returns, for the program to parse.
 */
void help_exit(int argc, char **argv, const char *args);
/* help_exit, then usage_exit unless the program got min..max arguments. */
void check_argc(int argc, char **argv, int min, int max, const char *args);

ssize_t Rio_readn(int fd, void *buf, size_t n);
void Rio_writen(int fd, const void *buf, size_t n);
void Rio_readinitb(rio_t *rp, int fd);
ssize_t Rio_readlineb(rio_t *rp, void *usrbuf, size_t maxlen);
ssize_t Rio_readnb(rio_t *rp, void *usrbuf, size_t n);

/* ---- Network helpers: reentrant, protocol-independent ---- */

/*
 * open_clientfd connects to host:port over whichever protocol works.
 * open_listenfd listens on port of every local address: IPv6 and IPv4
 * together where the host has IPv6, IPv4 alone otherwise; port "0" asks
 * the kernel for a free one. Both return a descriptor, -1 with errno set,
 * or -2 when the name lookup failed; open_error(rc) says why in words.
 */
int open_clientfd(const char *host, const char *port);
int open_listenfd(const char *port);
const char *open_error(int rc);
/* The local port a socket is bound to (learn it after asking for 0). */
int socket_port(int fd);
/* Makes reads, writes and accepts on fd return at once instead of
 * waiting (O_NONBLOCK). Returns 0, or -1 with errno set. */
int set_nonblocking(int fd);
/* 1 when a call on a non-blocking descriptor failed only because it
 * would have had to wait (EAGAIN or EWOULDBLOCK); EINTR is not this. */
int would_wait(int err);

int Open_clientfd(const char *host, const char *port);
int Open_listenfd(const char *port);

#endif /* CSAPP_H */
