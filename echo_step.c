/*
 * echo_step.c - the non-blocking echo step the event loops share
 * (echoservers.c, echoservere.c): a read that echoes the lines it
 * completed, keeping a partial line and unsent echo with the connection
 * for the next round, so that the loop never waits on one client. See
 * echo_step.h.
 */
#include "echo_step.h"
#include "trace.h"
#include "work.h"

/* The longest line handed out at once, as rio_readlineb(rp, buf, MAXLINE). */
#define PIECE_MAX (MAXLINE - 1)
_Static_assert(ECHO_STEP_SCRATCH >= PIECE_MAX + ECHO_READ_MAX,
               "a step's scratch holds a partial line and one read");

void echo_conn_init(echo_conn_t *c, int fd)
{
    memset(c, 0, sizeof(*c));
    c->fd = fd;
}

void echo_conn_free(echo_conn_t *c)
{
    free(c->in);
    free(c->out);
    echo_conn_init(c, -1);
}

size_t echo_pending(const echo_conn_t *c) { return c->outlen - c->outpos; }

/* A failed read or write ends this connection only: log it, say "close". */
static int conn_failed(const echo_conn_t *c, const char *call)
{
    printf("echo: fd %d: %s: %s\n", c->fd, call, strerror(errno));
    return -1;
}

/* Not an error: the socket has nothing for us, or no room, right now, or
 * a signal came first. The loop will offer this connection another step. */
static int try_later(int err) { return would_wait(err) || err == EINTR; }

/* Writes what the socket takes now: the count (0 when it has no room),
 * or -1 after logging a real failure. */
static ssize_t write_now(const echo_conn_t *c, const char *data, size_t n)
{
    ssize_t put = write(c->fd, data, n);

    if (put < 0)
        return try_later(errno) ? 0 : conn_failed(c, "write");
    return put;
}

/* A step's verdict: -1 (close) once the client left and has all its echo. */
static int step_result(const echo_conn_t *c)
{
    return c->eof && echo_pending(c) == 0 ? -1 : 0;
}

/*
 * Length of the line that starts p[0..n): through its newline, or a
 * PIECE_MAX piece of a longer line, or at end of file whatever is left.
 * 0 when the line is not complete yet (or nothing is left).
 */
static size_t line_length(const char *p, size_t n, int at_eof)
{
    size_t max = n < PIECE_MAX ? n : PIECE_MAX;
    const char *newline = memchr(p, '\n', max);

    if (newline != NULL)
        return (size_t)(newline - p) + 1;
    return max == PIECE_MAX || at_eof ? max : 0;
}

/* Out of memory for this connection: it is dropped, not the server. */
static int conn_out_of_memory(const echo_conn_t *c)
{
    printf("echo: fd %d: out of memory: closing the connection\n", c->fd);
    return -1;
}

/* Queues bytes behind the pending echo, compacting before it grows.
 * Returns 0, or -1 (logged) when there is no memory to queue them. */
static int out_append(echo_conn_t *c, const char *data, size_t n)
{
    size_t pending = echo_pending(c);

    if (c->outpos > 0) {
        memmove(c->out, c->out + c->outpos, pending);
        c->outpos = 0;
        c->outlen = pending;
    }
    if (pending + n > c->outcap) {
        size_t cap = pending + n > 2 * c->outcap ? pending + n : 2 * c->outcap;
        char *out = realloc(c->out, cap);
        if (out == NULL)
            return conn_out_of_memory(c);
        c->out = out;
        c->outcap = cap;
    }
    memcpy(c->out + pending, data, n);
    c->outlen += n;
    return 0;
}

/* Gives the output buffer back once it is empty: idle clients hold none. */
static void out_release_if_empty(echo_conn_t *c)
{
    if (echo_pending(c) == 0) {
        free(c->out);
        c->out = NULL;
        c->outpos = c->outlen = c->outcap = 0;
    }
}

/*
 * Echoes data: straight to the socket when nothing waits before it (the
 * usual case, no copy), else behind the queue so bytes stay in order.
 * What the socket does not take now waits in c->out.
 */
static int echo_bytes(echo_conn_t *c, const char *data, size_t n)
{
    if (n > 0 && echo_pending(c) == 0) {
        ssize_t put = write_now(c, data, n);
        if (put < 0)
            return -1;
        data += put;
        n -= (size_t)put;
    }
    return n > 0 ? out_append(c, data, n) : 0;
}

/* Keeps the unfinished line for the next step; no line, no buffer.
 * Returns 0, or -1 (logged) when there is no memory to keep it. */
static int keep_partial_line(echo_conn_t *c, const char *p, size_t n)
{
    if (n == 0) {
        free(c->in);
        c->in = NULL;
    } else {
        /* n < PIECE_MAX: see line_length */
        if (c->in == NULL && (c->in = malloc(PIECE_MAX)) == NULL)
            return conn_out_of_memory(c);
        memcpy(c->in, p, n);
    }
    c->inlen = n;
    return 0;
}

int echo_step(echo_conn_t *c, char *scratch, line_hook_t *on_line)
{
    char *buf = scratch; /* the partial line, then new bytes */
    size_t have = c->inlen, done = 0, len;
    ssize_t got;

    if (have > 0)
        memcpy(buf, c->in, have);
    /* One read, however much more the client has sent: the others wait. */
    if ((got = read(c->fd, buf + have, ECHO_READ_MAX)) < 0)
        return try_later(errno) ? 0 : conn_failed(c, "read");
    c->eof = got == 0;
    have += (size_t)got;
    while ((len = line_length(buf + done, have - done, c->eof)) > 0) {
        if (on_line != NULL)
            on_line(c->fd, len);
        long long since = trace_clock();
        work_line(buf + done, len, c->eof && done + len == have);
        trace_line(c->fd, len, since); /* the line and its work */
        done += len;
    }
    if (keep_partial_line(c, buf + done, have - done) < 0)
        return -1;
    /* The finished lines lie side by side in buf: one write echoes all. */
    if (echo_bytes(c, buf, done) < 0)
        return -1;
    return step_result(c);
}

int echo_flush(echo_conn_t *c)
{
    if (echo_pending(c) > 0) {
        ssize_t put = write_now(c, c->out + c->outpos, echo_pending(c));
        if (put < 0)
            return -1;
        c->outpos += (size_t)put;
        out_release_if_empty(c);
    }
    return step_result(c);
}
