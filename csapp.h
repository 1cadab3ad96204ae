/*
 * csapp.h - the shared library of the suite: error reporters, wrappers,
 * RIO (robust I/O), and the network helpers open_clientfd/open_listenfd;
 * one header for the three files that define them (csapp.c, rio.c,
 * sockets.c).
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
 * The book's whole wrapper set is here (Open, Dup2, Socket, Accept, ...),
 * so its examples and exercises build against it; the suite's own
 * programs use only some of them.
 *
 * Book: CS:APP3e csapp.h (same names and roles; written afresh).
 */
#ifndef CSAPP_H
#define CSAPP_H

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* The book's shorthand for the generic socket-address pointer type. */
typedef struct sockaddr SA;

#define MAXLINE 8192      /* longest line a caller reads at once */
#define MAXBUF 8192       /* general-purpose buffer size */
#define LISTENQ 1024      /* listen() backlog */
#define RIO_BUFSIZE (256 * 1024) /* bytes a rio_t reads from the kernel at once */

/* ---- Error reporters: print "msg: reason" on stderr, exit status 1 ---- */
void unix_error(const char *msg);            /* reason from errno */
void posix_error(int code, const char *msg); /* reason from a pthread code */
void gai_error(int code, const char *msg);   /* reason from getaddrinfo */
void app_error(const char *msg);             /* no system reason */

/* ---- Process control ---- */
pid_t Fork(void);
pid_t Waitpid(pid_t pid, int *status, int options);
void Kill(pid_t pid, int sig);

/* ---- Signals ---- */
typedef void handler_t(int);
/* Installs handler with sigaction; interrupted system calls restart. */
handler_t *Signal(int signum, handler_t *handler);
void Sigprocmask(int how, const sigset_t *set, sigset_t *oldset);
void Sigemptyset(sigset_t *set);
void Sigaddset(sigset_t *set, int signum);

/* Async-signal-safe output, for use inside signal handlers. */
ssize_t sio_puts(const char *s);
ssize_t sio_putl(long v);

/* ---- Unix I/O ---- */
int Open(const char *pathname, int flags, mode_t mode);
ssize_t Read(int fd, void *buf, size_t count);
ssize_t Write(int fd, const void *buf, size_t count);
void Close(int fd);
int Dup2(int oldfd, int newfd);
/*
 * Waits with select(2); retries after EINTR. Any other failure (EBADF,
 * EINVAL) is a bug in the caller's sets, so it exits. Returns the count.
 */
int Select(int n, fd_set *readfds, fd_set *writefds, fd_set *exceptfds,
           struct timeval *timeout);

/* ---- Memory: running out is fatal (a teaching server cannot do better) ---- */
void *Malloc(size_t size);
void *Calloc(size_t nmemb, size_t size);
void *Realloc(void *ptr, size_t size);

/* ---- Standard I/O ---- */
char *Fgets(char *s, int size, FILE *stream); /* NULL only at end of file */
void Fputs(const char *s, FILE *stream);
FILE *Fopen(const char *path, const char *mode);
void Fclose(FILE *fp);

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

/* ---- Pthreads: these return an error code instead of setting errno ---- */
void Pthread_create(pthread_t *tid, const pthread_attr_t *attr,
                    void *(*routine)(void *), void *arg);
void Pthread_join(pthread_t tid, void **retval);
void Pthread_detach(pthread_t tid);
void Pthread_once(pthread_once_t *once, void (*init)(void));
void Pthread_mutex_init(pthread_mutex_t *mutex);
void Pthread_mutex_lock(pthread_mutex_t *mutex);
void Pthread_mutex_unlock(pthread_mutex_t *mutex);

/*
 * Counting semaphores. Unnamed POSIX semaphores (sem_init) fail on macOS,
 * so this one is built from a mutex and a condition variable, which work
 * everywhere. P waits until the value is positive, then decrements it;
 * V increments it and wakes one waiter. Thread-safe.
 */
typedef struct {
    pthread_mutex_t lock; /* guards value */
    pthread_cond_t positive; /* signalled when value rises above 0 */
    unsigned value;
} semaphore_t;

void Sem_init(semaphore_t *s, unsigned value);
void Sem_destroy(semaphore_t *s);
void P(semaphore_t *s);
void V(semaphore_t *s);

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
