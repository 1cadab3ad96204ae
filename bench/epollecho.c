/*
 * bench/epollecho.c - reference echo server: one thread, epoll, non-blocking sockets.
 * Model: the hand-tuned single-threaded event loop the select server (echoservers)
 * is compared against, and the "trivial echo peer" that proves echobench keeps up.
 * Each readable event is one read() and one write() of whatever arrived; bytes the
 * socket would not take wait in that connection's buffer, and the connection is not
 * read again until they are gone, so a client that never reads costs at most one
 * buffer and never blocks the others. It logs nothing per line, on purpose.
 * Run:  bench/bin/epollecho 15213      (0 = any free port; prints "listening on port N")
 * Linux only: elsewhere it says so and exits 1.
 */
#include "csapp.h"

#ifndef __linux__
int main(void)
{
    fprintf(stderr, "epollecho: needs Linux epoll; unsupported on this system\n");
    return 1;
}
#else
#include <sys/epoll.h>
#include <sys/resource.h>

#define BUFSIZE (256 * 1024)   /* one read takes whatever a streaming client sent */
#define BACKLOG 4096           /* the bench connects thousands of clients at once */

typedef struct {
    int fd;
    char *out;                 /* echo bytes the socket has not taken yet */
    size_t len, pos;
} conn_t;

static int efd;
static int spare_fd = -1;          /* kept free so we can refuse a client when out of fds */
static char buf[BUFSIZE];

static void die(const char *what)
{
    fprintf(stderr, "epollecho: %s: %s\n", what, strerror(errno));
    exit(1);
}

static void watch(int op, conn_t *c, int fd, unsigned events)
{
    struct epoll_event ev = { .events = events, .data.ptr = c };
    if (epoll_ctl(efd, op, fd, &ev) < 0 && op != EPOLL_CTL_DEL)
        die("epoll_ctl");
}

static void conn_close(conn_t *c)
{
    close(c->fd);                   /* closing also removes it from the epoll set */
    free(c->out);
    free(c);
}

/*
 * Out of descriptors: the pending client would keep the level-triggered listener
 * readable forever, so spend the spare descriptor to accept it and close it.
 */
static void refuse_one(int listenfd)
{
    fprintf(stderr, "epollecho: accept: %s: dropping a client\n", strerror(errno));
    close(spare_fd);
    close(accept(listenfd, NULL, NULL));
    spare_fd = open("/dev/null", O_RDONLY);
}

/* Accept every pending connection. A failure drops only that one client. */
static void accept_clients(int listenfd)
{
    for (;;) {
        int fd = accept(listenfd, NULL, NULL);
        if (fd < 0 && (errno == EMFILE || errno == ENFILE)) {
            refuse_one(listenfd);
            continue;
        }
        if (fd < 0)
            return;                 /* EAGAIN: none left; ECONNABORTED: client gave up */
        conn_t *c = calloc(1, sizeof *c);
        if (!c) {
            close(fd);
            continue;
        }
        c->fd = fd;
        set_nonblocking(fd);
        watch(EPOLL_CTL_ADD, c, fd, EPOLLIN);
    }
}

/* Write pending bytes. Returns 0 when all are sent, 1 if some remain, -1 on error. */
static int flush_out(conn_t *c)
{
    while (c->pos < c->len) {
        ssize_t n = write(c->fd, c->out + c->pos, c->len - c->pos);
        if (n < 0)
            return would_wait(errno) || errno == EINTR ? 1 : -1;
        c->pos += (size_t)n;
    }
    c->pos = c->len = 0;
    return 0;
}

/* Echo what arrived; keep what the socket would not take and stop reading until it is sent. */
static int echo_once(conn_t *c)
{
    ssize_t n = read(c->fd, buf, sizeof buf);
    if (n < 0)
        return would_wait(errno) || errno == EINTR ? 0 : -1;
    if (n == 0)
        return -1;                  /* nothing pending here, so just close */
    ssize_t w = write(c->fd, buf, (size_t)n);
    if (w < 0 && !would_wait(errno))
        return -1;
    if (w == n)
        return 0;
    size_t rest = (size_t)n - (size_t)(w > 0 ? w : 0);
    if (!(c->out = malloc(rest)))
        return -1;
    memcpy(c->out, buf + (n - rest), rest);
    c->len = rest;
    c->pos = 0;
    watch(EPOLL_CTL_MOD, c, c->fd, EPOLLOUT);
    return 0;
}

/* Socket writable again: send the leftovers, then go back to reading. */
static int drain(conn_t *c)
{
    int rc = flush_out(c);
    if (rc != 0)
        return rc;
    free(c->out);
    c->out = NULL;
    watch(EPOLL_CTL_MOD, c, c->fd, EPOLLIN);
    return 0;
}

static void serve(int listenfd)
{
    static struct epoll_event ev[1024];
    for (;;) {
        int n = epoll_wait(efd, ev, 1024, -1);
        for (int i = 0; i < n; i++) {
            conn_t *c = ev[i].data.ptr;
            if (!c) {
                accept_clients(listenfd);
                continue;
            }
            int rc = c->out ? drain(c) : echo_once(c);
            if (rc < 0)
                conn_close(c);
        }
    }
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s <port>\n", argv[0]);
        return 2;
    }
    long port;
    if (parse_number(argv[1], 0, 65535, &port) < 0) {
        fprintf(stderr, "epollecho: bad port '%s'\n", argv[1]);
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);       /* a reset client gives EPIPE on its own write */
    struct rlimit rl;               /* 10,000 clients need 10,000 descriptors */
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    spare_fd = open("/dev/null", O_RDONLY);
    int listenfd = Open_listenfd(argv[1]);
    listen(listenfd, BACKLOG);      /* deeper than the library's LISTENQ */
    set_nonblocking(listenfd);
    if ((efd = epoll_create1(0)) < 0)
        die("epoll_create1");
    watch(EPOLL_CTL_ADD, NULL, listenfd, EPOLLIN);
    printf("listening on port %d\n", socket_port(listenfd));
    fflush(stdout);
    serve(listenfd);
}
#endif
