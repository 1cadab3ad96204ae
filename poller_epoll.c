/*
 * poller_epoll.c - the poller (poller.h) on Linux epoll. The kernel keeps
 * the watched set between waits, so adding a client is one epoll_ctl and
 * a wait costs in proportion to the descriptors that are ready, not to
 * how many are watched: 10,000 idle clients cost a wait nothing.
 * Level-triggered (no EPOLLET): a client with bytes left after its step
 * is reported again on the next wait, so no drain-until-EAGAIN loop is
 * needed, and the kernel moves reported descriptors to the back of its
 * ready list, so with more ready than one wait returns, all get a turn.
 */
#include "poller.h"
#include "trace.h"

#ifndef __linux__
#error "poller_epoll.c needs Linux epoll: build with make POLLER=poll"
#endif

#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <unistd.h>

#define BATCH 256 /* reports taken from the kernel per wait */

struct poller {
    int epfd;
    struct epoll_event ready[BATCH];
};

const char *poller_name(void) { return "epoll"; }

poller_t *poller_create(void)
{
    poller_t *p = malloc(sizeof(*p));

    if (p == NULL)
        return NULL;
    if ((p->epfd = epoll_create1(EPOLL_CLOEXEC)) < 0) {
        int saved = errno;
        free(p);
        errno = saved;
        return NULL;
    }
    return p;
}

void poller_free(poller_t *p)
{
    close(p->epfd);
    free(p);
}

static int control(poller_t *p, int op, int fd, int events, void *data)
{
    struct epoll_event ev = {0};

    ev.events = (events & POLLER_IN ? EPOLLIN : 0u) |
                (events & POLLER_OUT ? EPOLLOUT : 0u);
    ev.data.ptr = data;
    return epoll_ctl(p->epfd, op, fd, &ev);
}

int poller_add(poller_t *p, int fd, int events, void *data)
{
    return control(p, EPOLL_CTL_ADD, fd, events, data);
}

int poller_modify(poller_t *p, int fd, int events, void *data)
{
    return control(p, EPOLL_CTL_MOD, fd, events, data);
}

int poller_delete(poller_t *p, int fd)
{
    return control(p, EPOLL_CTL_DEL, fd, 0, NULL);
}

int poller_wait(poller_t *p, poller_event_t *ev, int max, int timeout_ms)
{
    trace_blocked("epoll_wait");
    int n = epoll_wait(p->epfd, p->ready, max < BATCH ? max : BATCH,
                       timeout_ms);
    trace_unblocked();

    for (int i = 0; i < n; i++) {
        unsigned got = p->ready[i].events;
        int both = got & (EPOLLERR | EPOLLHUP) ? POLLER_IN | POLLER_OUT : 0;
        ev[i].data = p->ready[i].data.ptr;
        ev[i].events = both | (got & EPOLLIN ? POLLER_IN : 0) |
                       (got & EPOLLOUT ? POLLER_OUT : 0);
    }
    return n;
}
