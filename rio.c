/*
 * rio.c - the Robust I/O package (CS:APP3e section 10.5): rio_readn and
 * rio_writen, which survive short counts and EINTR, the buffered
 * rio_readlineb and rio_readnb, and their exiting wrappers. Declared in
 * csapp.h; written afresh.
 */
#include "csapp.h"

/* ---- RIO, unbuffered ---- */

ssize_t rio_readn(int fd, void *buf, size_t n)
{
    char *next = buf;
    size_t left = n;

    while (left > 0) {
        ssize_t got = read(fd, next, left);
        if (got < 0) {
            if (errno == EINTR) /* a signal handler ran: read again */
                continue;
            return -1;
        }
        if (got == 0) /* end of file: return what we have */
            break;
        left -= (size_t)got;
        next += got;
    }
    return (ssize_t)(n - left);
}

ssize_t rio_writen(int fd, const void *buf, size_t n)
{
    const char *next = buf;
    size_t left = n;

    while (left > 0) {
        ssize_t put = write(fd, next, left);
        if (put < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        left -= (size_t)put;
        next += put;
    }
    return (ssize_t)n;
}

/* ---- RIO, buffered ---- */

void rio_readinitb(rio_t *rp, int fd)
{
    rp->fd = fd;
    rp->cnt = 0;
    rp->bufptr = rp->buf;
}

int rio_line_ready(const rio_t *rp)
{
    return memchr(rp->bufptr, '\n', rp->cnt) != NULL;
}

/*
 * Refills the buffer when it is empty. Returns the bytes now buffered,
 * 0 at end of file, -1 on error. The one place RIO calls read(2).
 */
static ssize_t rio_fill(rio_t *rp)
{
    while (rp->cnt == 0) {
        ssize_t got = read(rp->fd, rp->buf, sizeof(rp->buf));
        if (got < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (got == 0)
            return 0;
        rp->cnt = (size_t)got;
        rp->bufptr = rp->buf;
    }
    return (ssize_t)rp->cnt;
}

/* Hands out up to n buffered bytes; the buffer must not be empty. */
static size_t rio_take(rio_t *rp, char *dst, size_t n)
{
    if (n > rp->cnt)
        n = rp->cnt;
    memcpy(dst, rp->bufptr, n);
    rp->bufptr += n;
    rp->cnt -= n;
    return n;
}

ssize_t rio_readnb(rio_t *rp, void *usrbuf, size_t n)
{
    char *next = usrbuf;
    size_t left = n;

    while (left > 0) {
        ssize_t avail = rio_fill(rp);
        if (avail < 0)
            return -1;
        if (avail == 0)
            break;
        size_t got = rio_take(rp, next, left);
        next += got;
        left -= got;
    }
    return (ssize_t)(n - left);
}

/*
 * Finds the newline with memchr a buffer at a time, not a byte at a time:
 * streaming long lines then costs one memcpy, not a loop per byte.
 */
ssize_t rio_readlineb(rio_t *rp, void *usrbuf, size_t maxlen)
{
    char *next = usrbuf;
    size_t left;

    if (maxlen == 0)
        return 0;
    left = maxlen - 1; /* room for the terminating NUL */
    while (left > 0) {
        ssize_t avail = rio_fill(rp);
        if (avail < 0)
            return -1;
        if (avail == 0)
            break;
        size_t want = left < rp->cnt ? left : rp->cnt;
        char *newline = memchr(rp->bufptr, '\n', want);
        if (newline != NULL)
            want = (size_t)(newline - rp->bufptr) + 1;
        size_t got = rio_take(rp, next, want);
        next += got;
        left -= got;
        if (newline != NULL)
            break;
    }
    *next = '\0';
    return next - (char *)usrbuf;
}

/* ---- RIO wrappers ---- */

ssize_t Rio_readn(int fd, void *buf, size_t n)
{
    ssize_t got = rio_readn(fd, buf, n);
    if (got < 0)
        unix_error("rio_readn");
    return got;
}

void Rio_writen(int fd, const void *buf, size_t n)
{
    if (rio_writen(fd, buf, n) < 0)
        unix_error("rio_writen");
}

void Rio_readinitb(rio_t *rp, int fd) { rio_readinitb(rp, fd); }

ssize_t Rio_readlineb(rio_t *rp, void *usrbuf, size_t maxlen)
{
    ssize_t got = rio_readlineb(rp, usrbuf, maxlen);
    if (got < 0)
        unix_error("rio_readlineb");
    return got;
}

ssize_t Rio_readnb(rio_t *rp, void *usrbuf, size_t n)
{
    ssize_t got = rio_readnb(rp, usrbuf, n);
    if (got < 0)
        unix_error("rio_readnb");
    return got;
}

