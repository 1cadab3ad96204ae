/*
 * eb_poller.c - how an echobench worker waits for its clients: epoll on
 * Linux (its cost does not grow with the clients watched, which matters at
 * 10,000), poll() elsewhere. Level-triggered either way, so a worker reads
 * each ready client once per round and comes back for the rest.
 * Build with -DECHOBENCH_POLL to try the portable poll() path on Linux.
 */
#include <stdio.h>
#include <stdlib.h>

#include "echobench.h"

#if defined(__linux__) && !defined(ECHOBENCH_POLL)
#include <sys/epoll.h>

void poller_init(worker_t *w)
{
    w->efd = epoll_create1(0);
    if (w->efd < 0) {
        perror("epoll_create1");
        exit(1);
    }
    for (int i = 0; i < w->nc; i++)
        if (w->c[i].fd >= 0)
            poller_add(w, &w->c[i], false);
}

/* Closing a descriptor takes it out of the epoll set, so there is no remove. */
void poller_add(worker_t *w, client_t *c, bool want_out)
{
    struct epoll_event ev = { .events = EPOLLIN | (want_out ? EPOLLOUT : 0),
                              .data.u32 = (uint32_t)(c - w->c) };
    if (epoll_ctl(w->efd, EPOLL_CTL_ADD, c->fd, &ev) < 0) {
        perror("epoll_ctl");
        exit(1);
    }
}

void poller_set(worker_t *w, client_t *c, bool want_out)
{
    struct epoll_event ev = { .events = EPOLLIN | (want_out ? EPOLLOUT : 0),
                              .data.u32 = (uint32_t)(c - w->c) };
    epoll_ctl(w->efd, EPOLL_CTL_MOD, c->fd, &ev);
}

int poller_wait(worker_t *w, ready_t *r, int timeout_ms)
{
    struct epoll_event ev[MAX_EVENTS];
    int n = epoll_wait(w->efd, ev, MAX_EVENTS, timeout_ms);
    for (int i = 0; i < n; i++) {
        r->idx[i] = (int)ev[i].data.u32;
        r->rev[i] = (ev[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP) ? EV_IN : 0) |
                    (ev[i].events & EPOLLOUT ? EV_OUT : 0);
    }
    return n < 0 ? 0 : n;
}
#else
void poller_init(worker_t *w)
{
    w->pfd = calloc((size_t)w->nc, sizeof *w->pfd);
    if (!w->pfd) {
        perror("calloc");
        exit(1);
    }
    for (int i = 0; i < w->nc; i++) {
        w->pfd[i].fd = w->c[i].fd;
        w->pfd[i].events = POLLIN;
    }
}

void poller_set(worker_t *w, client_t *c, bool want_out)
{
    w->pfd[c - w->c].events = (short)(POLLIN | (want_out ? POLLOUT : 0));
}

/* poller_wait takes each client's current fd, so a new one needs only its events. */
void poller_add(worker_t *w, client_t *c, bool want_out)
{
    poller_set(w, c, want_out);
}

int poller_wait(worker_t *w, ready_t *r, int timeout_ms)
{
    int n = 0;
    /* A closed client has fd -1, which poll skips; a stale descriptor
     * would report POLLNVAL at once, every call, and spin this thread. */
    for (int i = 0; i < w->nc; i++)
        w->pfd[i].fd = w->c[i].fd;
    if (poll(w->pfd, (nfds_t)w->nc, timeout_ms) <= 0)
        return 0;
    for (int i = 0; i < w->nc; i++) {
        short re = w->pfd[i].revents;
        if (re == 0)
            continue;
        r->idx[n] = i;
        r->rev[n++] = (re & (POLLIN | POLLERR | POLLHUP) ? EV_IN : 0) |
                      (re & POLLOUT ? EV_OUT : 0);
    }
    return n;
}
#endif
