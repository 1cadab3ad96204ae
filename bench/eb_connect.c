/*
 * eb_connect.c - opening echobench's client connections: non-blocking
 * connects in batches, so 10,000 handshakes take about as long as the
 * server needs to accept them, and a deadline, so a server that never
 * accepts is reported instead of waited for. Main thread only.
 */
#include <netinet/in.h>
#include <netinet/tcp.h>

#include "csapp.h"
#include "echobench.h"

static int connect_errno;   /* why the last failed connect failed */

/* Start a non-blocking connect; returns the fd (connected or in progress) or -1. */
static int start_connect(const struct addrinfo *ai, bool *in_progress)
{
    int fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    if (fd < 0) {
        connect_errno = errno;          /* typically EMFILE: out of descriptors */
        return -1;
    }
    int one = 1;    /* latency benchmark: never let Nagle hold back a line */
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    set_nonblocking(fd);
    *in_progress = false;
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
        return fd;
    if (errno == EINPROGRESS) {
        *in_progress = true;
        return fd;
    }
    connect_errno = errno;
    close(fd);
    return -1;
}

/* Wait (until deadline) for the in-progress connects in fds[0..n); failures become -1. */
static void finish_connects(int *fds, struct pollfd *p, int n, uint64_t deadline)
{
    for (int i = 0; i < n; i++)
        p[i] = (struct pollfd){ .fd = fds[i], .events = POLLOUT };
    int left = n;
    while (left > 0) {
        uint64_t now = now_ns();
        if (now >= deadline)
            break;
        int rc = poll(p, (nfds_t)n, (int)((deadline - now) / 1000000 + 1));
        for (int i = 0; rc > 0 && i < n; i++) {
            if (p[i].fd < 0 || p[i].revents == 0)
                continue;
            int err = 0;
            socklen_t len = sizeof err;
            getsockopt(p[i].fd, SOL_SOCKET, SO_ERROR, &err, &len);
            if (err != 0) {
                connect_errno = err;
                close(fds[i]);
                fds[i] = -1;
            }
            p[i].fd = -1;        /* poll() ignores negative fds */
            left--;
        }
    }
    for (int i = 0; i < n; i++)
        if (p[i].fd >= 0) {      /* still not connected at the deadline */
            connect_errno = ETIMEDOUT;
            close(fds[i]);
            fds[i] = -1;
        }
}

/* Connect clients in batches so at most BATCH handshakes are outstanding. */
static void connect_clients(client_t *c, int n, const struct addrinfo *ai, uint64_t deadline)
{
    enum { BATCH = 1024 };
    static int fds[BATCH], slot[BATCH];
    static struct pollfd p[BATCH];
    for (int i = 0; i < n; i += BATCH) {
        int m = 0;
        for (int j = i; j < n && j < i + BATCH; j++) {
            bool in_progress = false;
            c[j].fd = start_connect(ai, &in_progress);
            if (in_progress) {
                fds[m] = c[j].fd;
                slot[m++] = j;
            }
        }
        finish_connects(fds, p, m, deadline);
        for (int k = 0; k < m; k++)
            c[slot[k]].fd = fds[k];
    }
}

/* Resolve host:port and connect every client; returns how many connected. */
int open_clients(client_t *c, int n)
{
    struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *list, *ai;
    int rc = getaddrinfo(opt.host, opt.port, &hints, &list);
    if (rc != 0) {
        fprintf(stderr, "echobench: %s port %s: %s\n", opt.host, opt.port, gai_strerror(rc));
        exit(1);
    }
    uint64_t deadline = now_ns() + wait_ms(CONNECT_TIMEOUT_MS) * 1000000ull;
    for (int i = 0; i < n; i++)
        c[i].fd = -1;
    for (ai = list; ai; ai = ai->ai_next) {   /* first address that answers wins */
        connect_clients(c, 1, ai, deadline);
        if (c[0].fd >= 0)
            break;
    }
    if (ai)
        connect_clients(c + 1, n - 1, ai, deadline);
    freeaddrinfo(list);
    int ok = 0;
    for (int i = 0; i < n; i++)
        ok += c[i].fd >= 0;
    if (ok < n)
        fprintf(stderr, "echobench: %d of %d clients could not connect to %s port %s: %s\n",
                n - ok, n, opt.host, opt.port, strerror(connect_errno));
    return ok;
}
