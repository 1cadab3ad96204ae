/*
 * poller_poll.c - the poller (poller.h) on POSIX poll(), for systems
 * without epoll (macOS, the BSDs) and for comparison on Linux (make
 * POLLER=poll). Unlike select, poll takes an array of any length, so
 * FD_SETSIZE does not limit it; but the whole array goes to the kernel
 * and back on every wait, and we scan it for the ready entries, so each
 * wait costs in proportion to every watched descriptor, idle ones too.
 * Level-triggered, as poll always is.
 */
#include "poller.h"
#include "trace.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>

struct poller {
    struct pollfd *fds; /* the watched set, packed: fds[0..n) */
    void **data;        /* data[i] is reported with fds[i] */
    size_t n, cap;
    int *slot;          /* slot[fd]: fd's index in fds, or -1 */
    size_t nslots;
    size_t next;        /* where the next wait's scan starts (see there) */
};

const char *poller_name(void) { return "poll"; }

poller_t *poller_create(void)
{
    poller_t *p = calloc(1, sizeof(*p));

    if (p == NULL)
        errno = ENOMEM;
    return p;
}

void poller_free(poller_t *p)
{
    free(p->fds);
    free(p->data);
    free(p->slot);
    free(p);
}

static short poll_events(int events)
{
    return (short)((events & POLLER_IN ? POLLIN : 0) |
                   (events & POLLER_OUT ? POLLOUT : 0));
}

/* Room for fd in slot[] and for one more entry in fds[]; -1 if no memory. */
static int make_room(poller_t *p, int fd)
{
    if ((size_t)fd >= p->nslots) {
        size_t want = (size_t)fd + 64 > 2 * p->nslots ? (size_t)fd + 64
                                                      : 2 * p->nslots;
        int *slot = realloc(p->slot, want * sizeof(*slot));
        if (slot == NULL)
            return -1;
        for (size_t i = p->nslots; i < want; i++)
            slot[i] = -1;
        p->slot = slot;
        p->nslots = want;
    }
    if (p->n == p->cap) {
        size_t want = p->cap > 0 ? 2 * p->cap : 64;
        struct pollfd *fds = realloc(p->fds, want * sizeof(*fds));
        if (fds == NULL)
            return -1;
        p->fds = fds;
        void **data = realloc(p->data, want * sizeof(*data));
        if (data == NULL)
            return -1; /* fds stays larger than cap: harmless */
        p->data = data;
        p->cap = want;
    }
    return 0;
}

/* fd's index in fds, or -1 (errno ENOENT) when it is not watched. */
static int find(const poller_t *p, int fd)
{
    if (fd < 0 || (size_t)fd >= p->nslots || p->slot[fd] < 0) {
        errno = ENOENT;
        return -1;
    }
    return p->slot[fd];
}

int poller_add(poller_t *p, int fd, int events, void *data)
{
    if (fd < 0 || ((size_t)fd < p->nslots && p->slot[fd] >= 0)) {
        errno = fd < 0 ? EBADF : EEXIST;
        return -1;
    }
    if (make_room(p, fd) < 0) {
        errno = ENOMEM;
        return -1;
    }
    p->fds[p->n].fd = fd;
    p->fds[p->n].events = poll_events(events);
    p->fds[p->n].revents = 0;
    p->data[p->n] = data;
    p->slot[fd] = (int)p->n++;
    return 0;
}

int poller_modify(poller_t *p, int fd, int events, void *data)
{
    int i = find(p, fd);

    if (i < 0)
        return -1;
    p->fds[i].events = poll_events(events);
    p->data[i] = data;
    return 0;
}

/* The last entry moves into the hole, so the array stays packed. */
int poller_delete(poller_t *p, int fd)
{
    int i = find(p, fd);

    if (i < 0)
        return -1;
    p->n--;
    if ((size_t)i != p->n) {
        p->fds[i] = p->fds[p->n];
        p->data[i] = p->data[p->n];
        p->slot[p->fds[i].fd] = i;
    }
    p->slot[fd] = -1;
    return 0;
}

static int reported(short revents)
{
    if (revents & (POLLERR | POLLHUP | POLLNVAL))
        return POLLER_IN | POLLER_OUT;
    return (revents & POLLIN ? POLLER_IN : 0) |
           (revents & POLLOUT ? POLLER_OUT : 0);
}

/*
 * When more descriptors are ready than fit in ev, the scan stops, and the
 * next one starts where this one stopped: always starting at fds[0] would
 * leave the clients at the end of the array unserved while those before
 * them keep busy.
 */
int poller_wait(poller_t *p, poller_event_t *ev, int max, int timeout_ms)
{
    trace_blocked("poll");
    int ready = poll(p->fds, (nfds_t)p->n, timeout_ms), got = 0;
    trace_unblocked();

    if (ready <= 0 || p->n == 0)
        return ready;
    size_t i = p->next % p->n;
    for (size_t seen = 0; seen < p->n && got < max && got < ready; seen++) {
        if (p->fds[i].revents != 0) {
            ev[got].data = p->data[i];
            ev[got].events = reported(p->fds[i].revents);
            got++;
        }
        i = (i + 1) % p->n;
    }
    p->next = i;
    return got;
}
