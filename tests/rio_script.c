/*
 * rio_script.c - see rio_script.h. The script is read as a stream of
 * choices: the first half decides how the payload is cut into writes and
 * which read to make next with what length; the second half is the
 * payload itself. A pipe carries the payload; one thread writes and reads
 * in turn, writing just enough before each read that the read cannot
 * block (so the split points are exactly where the writer stopped).
 */
#include "rio_script.h"

#include "csapp.h"

#define MAX_PAYLOAD 60000 /* stays below a pipe's capacity: writes never block */
#define GUARD 8           /* bytes checked past each read's limit */

typedef struct {
    const uint8_t *choices;
    size_t nchoices, next_choice;
    const uint8_t *payload;
    size_t size, written, consumed;
    int write_fd, eof_sent;
} play_t;

static unsigned choose(play_t *p)
{
    if (p->nchoices == 0)
        return 7;
    return p->choices[p->next_choice++ % p->nchoices];
}

static int fail(const char *what, size_t at)
{
    fprintf(stderr, "rio script: %s (at payload byte %zu)\n", what, at);
    return -1;
}

/* Writes chunks (of chosen sizes) until `want` unread bytes are in the
 * pipe, or closes it when the payload is all written. */
static void feed_until(play_t *p, size_t want)
{
    while (p->written - p->consumed < want && p->written < p->size) {
        size_t chunk = 1 + choose(p) * 37 % 4096;
        if (chunk > p->size - p->written)
            chunk = p->size - p->written;
        rio_writen(p->write_fd, p->payload + p->written, chunk);
        p->written += chunk;
    }
    if (p->written == p->size && !p->eof_sent) {
        close(p->write_fd);
        p->eof_sent = 1;
    }
}

/* Where the next line ends in the payload (just past '\n', or the end). */
static size_t line_end(const play_t *p)
{
    const uint8_t *nl = memchr(p->payload + p->consumed, '\n',
                               p->size - p->consumed);
    return nl ? (size_t)(nl - p->payload) + 1 : p->size;
}

static int check_read(play_t *p, const char *buf, ssize_t got, size_t want,
                      size_t limit)
{
    if (got != (ssize_t)want)
        return fail("a read returned the wrong count", p->consumed);
    if (memcmp(buf, p->payload + p->consumed, want) != 0)
        return fail("a read returned the wrong bytes", p->consumed);
    for (size_t i = limit; i < limit + GUARD; i++)
        if (buf[i] != (char)0xA5)
            return fail("a read wrote past its limit", p->consumed);
    p->consumed += want;
    return 0;
}

static int step_readline(play_t *p, rio_t *rio, char *buf)
{
    size_t maxlen = 2 + choose(p) * 131 % 8998; /* at least 1 byte read */
    size_t want = line_end(p) - p->consumed;

    if (want > maxlen - 1)
        want = maxlen - 1; /* a long line comes in pieces */
    feed_until(p, want);   /* enough that RIO need not wait; maybe more */
    memset(buf, 0xA5, maxlen + GUARD);
    ssize_t got = rio_readlineb(rio, buf, maxlen);
    if (got >= 0 && buf[got] != '\0')
        return fail("a line was not NUL-terminated", p->consumed);
    return check_read(p, buf, got, want, maxlen);
}

static int step_readnb(play_t *p, rio_t *rio, char *buf)
{
    size_t n = 1 + choose(p) * 211 % 8999, left = p->size - p->consumed;
    size_t want = n < left ? n : left;

    feed_until(p, n);
    memset(buf, 0xA5, n + GUARD);
    ssize_t got = rio_readnb(rio, buf, n);
    return check_read(p, buf, got, want, n);
}

int rio_play_script(const uint8_t *script, size_t size)
{
    static char buf[9000 + GUARD];
    size_t half = size / 2;
    play_t p = {.choices = script, .nchoices = half,
                .payload = script + half, .size = size - half};
    int fds[2], rc = 0;
    rio_t *rio = Malloc(sizeof(rio_t));

    if (p.size > MAX_PAYLOAD)
        p.size = MAX_PAYLOAD;
    if (pipe(fds) < 0)
        unix_error("pipe");
    p.write_fd = fds[1];
    rio_readinitb(rio, fds[0]);
    while (rc == 0 && p.consumed < p.size)
        rc = choose(&p) % 2 ? step_readline(&p, rio, buf)
                            : step_readnb(&p, rio, buf);
    if (rc == 0) { /* after the last byte, both reads must see end of file */
        feed_until(&p, 1);
        if (rio_readlineb(rio, buf, 16) != 0 || rio_readnb(rio, buf, 16) != 0)
            rc = fail("no end of file after the last byte", p.consumed);
    }
    if (!p.eof_sent)
        close(fds[1]);
    close(fds[0]);
    free(rio);
    return rc;
}
