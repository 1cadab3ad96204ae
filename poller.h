/*
 * poller.h - one small interface to the kernel's readiness notification,
 * for the event loops of echoservere.c. Each backend is a file of its own
 * with its state private (as redis's ae_epoll.c, ae_select.c):
 *   poller_epoll.c  Linux epoll: the kernel keeps the watched set, a wait
 *                   costs in proportion to the ready descriptors only;
 *   poller_poll.c   POSIX poll(): portable (macOS, the BSDs); the watched
 *                   set is passed in on every wait, so a wait costs in
 *                   proportion to every watched descriptor.
 * The Makefile links one of them (POLLER=epoll|poll). Both are level-
 * triggered: a descriptor is reported on every wait while it is ready, so
 * a loop that does one bounded step per report stays fair.
 * A poller belongs to one thread: none of these calls is thread-safe.
 */
#ifndef POLLER_H
#define POLLER_H

/* What to watch for, and what a wait reports. An error or hang-up on a
 * descriptor is reported as both, so the caller's next read or write sees
 * it. */
#define POLLER_IN 1  /* readable, or end of file */
#define POLLER_OUT 2 /* room to write */

typedef struct poller poller_t;

typedef struct {
    void *data;  /* what poller_add was given with the descriptor */
    int events;  /* POLLER_IN and/or POLLER_OUT */
} poller_event_t;

/* The backend's name, for the start-up line: "epoll" or "poll". */
const char *poller_name(void);

/* A new, empty poller; NULL (errno set) on failure. */
poller_t *poller_create(void);
void poller_free(poller_t *p); /* does not close the watched descriptors */

/*
 * Starts watching fd for events (POLLER_IN | POLLER_OUT, or 0 for
 * nothing yet), reported with data; modify changes both; delete stops
 * watching (call it before closing fd). Each returns 0, or -1 with errno
 * set (out of memory: that descriptor is not watched).
 */
int poller_add(poller_t *p, int fd, int events, void *data);
int poller_modify(poller_t *p, int fd, int events, void *data);
int poller_delete(poller_t *p, int fd);

/*
 * Waits up to timeout_ms (-1: no limit) until a watched descriptor is
 * ready, then fills ev with at most max reports (each descriptor at most
 * once). Returns how many, 0 on timeout, or -1 with errno set (EINTR: a
 * signal came; try again).
 */
int poller_wait(poller_t *p, poller_event_t *ev, int max, int timeout_ms);

#endif /* POLLER_H */
