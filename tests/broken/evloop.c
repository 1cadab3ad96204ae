/*
 * evloop.c - the correct select() loop the broken event loops share: see
 * evloop.h. Slots are indexed by descriptor, so one past FD_SETSIZE is
 * refused (closed) at accept.
 */
#include "evloop.h"
#include "server.h"

#include <sys/time.h>

static conn_t conns[FD_SETSIZE]; /* the loop's one thread owns them */

static size_t pending(const conn_t *c) { return c->outlen - c->outpos; }

/* The rules the loop runs under: set once, before it starts. */
static const evloop_rules_t right = { .high_water = 1 };
static const evloop_rules_t *rules = &right;

/* 1 when c may be read: no end of file yet, and little echo waiting. */
static int may_read(const conn_t *c)
{
    return !c->eof && pending(c) < rules->high_water;
}

static void conn_close(conn_t *c)
{
    close(c->fd);
    free(c->rio);
    free(c->out);
    *c = (conn_t){.fd = -1};
}

/* Writes what the socket takes without waiting: O_NONBLOCK only for the
 * write, since a read step may rely on blocking reads. */
static ssize_t write_now(int fd, const char *data, size_t n)
{
    int flags = fcntl(fd, F_GETFL);
    fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    ssize_t put = write(fd, data, n);
    int write_errno = errno;
    fcntl(fd, F_SETFL, flags);
    if (put < 0 && (would_wait(write_errno) || write_errno == EINTR))
        return 0;
    errno = write_errno;
    return put;
}

int conn_echo(conn_t *c, const char *data, size_t n)
{
    if (pending(c) == 0) {
        ssize_t put = write_now(c->fd, data, n);
        if (put < 0)
            return -1;
        data += put;
        n -= (size_t)put;
        c->outpos = c->outlen = 0;
    }
    if (n == 0)
        return 0;
    char *out = realloc(c->out, c->outlen + n);
    if (out == NULL)
        return -1;
    memcpy(out + c->outlen, data, n);
    c->out = out;
    c->outlen += n;
    return 0;
}

/* Writes queued echo; -1 when the connection is over. */
static int conn_flush(conn_t *c)
{
    ssize_t put = write_now(c->fd, c->out + c->outpos, pending(c));
    if (put < 0)
        return -1;
    c->outpos += (size_t)put;
    return 0;
}

static void add_clients(int listenfd)
{
    int connfd;

    while ((connfd = accept_client(listenfd)) >= 0) {
        if (connfd >= FD_SETSIZE) {
            close(connfd);
            continue;
        }
        conn_t *c = &conns[connfd];
        *c = (conn_t){.fd = connfd, .rio = malloc(sizeof(rio_t))};
        if (c->rio == NULL) {
            conn_close(c);
            continue;
        }
        rio_readinitb(c->rio, connfd);
        if (rules->sndbuf > 0)
            setsockopt(connfd, SOL_SOCKET, SO_SNDBUF, &rules->sndbuf,
                       sizeof(rules->sndbuf));
    }
}

int evloop_plain_step(conn_t *c)
{
    char buf[65536];
    int flags = fcntl(c->fd, F_GETFL), rc = 1;

    fcntl(c->fd, F_SETFL, flags | O_NONBLOCK);
    while (rc == 1 && may_read(c)) {
        ssize_t n = read(c->fd, buf, sizeof(buf));
        if (n < 0 && (would_wait(errno) || errno == EINTR))
            break; /* all that has come is read */
        if (n < 0 || (n > 0 && conn_echo(c, buf, (size_t)n) < 0))
            rc = -1;
        else if (n == 0)
            c->eof = 1; /* and may_read is over */
    }
    fcntl(c->fd, F_SETFL, flags);
    return rc;
}

/* One round's work on a ready connection: -1 when it is to be closed. */
static int serve(conn_t *c, int readable, int writable, read_step_t *step)
{
    if (writable && conn_flush(c) < 0)
        return -1;
    /* Lines the read step buffered while the echo waited: select cannot
     * see them, so they get a step as soon as the echo is out. */
    if (may_read(c) && (readable || rio_line_ready(c->rio))) {
        int r = step(c);
        if (r < 0)
            return -1;
        c->held = r == 0;
    }
    return c->eof && (pending(c) == 0 || rules->close_at_eof) ? -1 : 0;
}

void evloop_run(int listenfd, read_step_t *step)
{
    evloop_run_rules(listenfd, step, &right);
}

void evloop_run_rules(int listenfd, read_step_t *step,
                      const evloop_rules_t *how)
{
    rules = how;
    for (int i = 0; i < FD_SETSIZE; i++)
        conns[i].fd = -1;
    if (set_nonblocking(listenfd) < 0)
        unix_error("fcntl");
    for (;;) {
        fd_set rset, wset;
        int maxfd = listenfd, held = 0;
        FD_ZERO(&rset);
        FD_ZERO(&wset);
        FD_SET(listenfd, &rset);
        for (int fd = 0; fd < FD_SETSIZE; fd++) {
            conn_t *c = &conns[fd];
            if (c->fd < 0)
                continue;
            if (pending(c) > 0)
                FD_SET(fd, &wset);
            if (c->held)
                held = 1;
            else if (may_read(c))
                FD_SET(fd, &rset);
            maxfd = fd > maxfd ? fd : maxfd;
        }
        struct timeval tick = {0, 10000};
        fflush(stdout);
        if (select(maxfd + 1, &rset, &wset, NULL, held ? &tick : NULL) < 0) {
            if (errno == EINTR)
                continue;
            unix_error("select");
        }
        if (FD_ISSET(listenfd, &rset))
            add_clients(listenfd);
        for (int fd = 0; fd <= maxfd; fd++) {
            conn_t *c = &conns[fd];
            if (c->fd < 0 || fd == listenfd)
                continue;
            int was_held = c->held;
            c->held = 0;
            if (serve(c, FD_ISSET(fd, &rset) || was_held, FD_ISSET(fd, &wset),
                      step) < 0)
                conn_close(c);
        }
    }
}
