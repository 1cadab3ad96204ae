/*
 * client.c - the checker's clients. Every call is bounded: a socket is
 * non-blocking and every wait goes through poll with a deadline, so a
 * server that never answers costs a few seconds, never a hang. Sending
 * and receiving happen in one loop, as they must: a server that echoes
 * while we still send blocks once our receive buffer is full.
 */
#include "echocheck.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>

int served_clients; /* main thread only */

int cl_connect_later(int port)
{
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
    int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0)
        return -1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    set_nonblocking(fd);
    if (connect(fd, (SA *)&a, sizeof(a)) < 0 && errno != EINPROGRESS) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

int cl_connect(int port)
{
    int fd = cl_connect_later(port);

    if (fd < 0)
        return -1;
    struct pollfd p = { .fd = fd, .events = POLLOUT };
    int err = 0;
    socklen_t len = sizeof(err);
    if (poll(&p, 1, WAIT_MS) != 1)
        err = ETIMEDOUT;
    else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
        err = errno;
    if (err != 0) {
        close(fd);
        errno = err;
        return -1;
    }
    return fd;
}

void cl_reset(int fd)
{
    struct linger l = { 1, 0 };
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
    close(fd);
}

int readable_within(int fd, int millis)
{
    struct pollfd p = { .fd = fd, .events = POLLIN };
    return poll(&p, 1, millis) == 1;
}

/* One round of xfer: send what the socket takes, read what has come.
 * Returns 1 when something moved, 0 when nothing did, -1 on an error. */
static int xfer_move(int fd, xfer_t *x)
{
    int moved = 0;

    if (x->sent < x->outlen) {
        ssize_t n = send(fd, x->out + x->sent, x->outlen - x->sent,
                         MSG_NOSIGNAL);
        if (n > 0) {
            x->sent += (size_t)n;
            moved = 1;
            if (x->sent == x->outlen && x->shut)
                shutdown(fd, SHUT_WR);
        } else if (n < 0 && !would_wait(errno) && errno != EINTR)
            return x->err = errno, -1;
    }
    if (!x->eof) {
        char scrap[4096];
        char *to = x->got < x->inlen ? x->in + x->got : scrap;
        size_t room = x->got < x->inlen ? x->inlen - x->got : sizeof(scrap);
        ssize_t n = recv(fd, to, room, 0);
        if (n > 0) {
            x->got += (size_t)n; /* past inlen: extra bytes, counted only */
            moved = 1;
        } else if (n == 0) {
            x->eof = moved = 1;
            x->eof_early = x->sent < x->outlen;
        }
        else if (!would_wait(errno) && errno != EINTR)
            return x->err = errno, -1;
    }
    return moved;
}

static int xfer_done(const xfer_t *x)
{
    return x->sent == x->outlen && x->got >= x->inlen &&
           (!x->want_eof || x->eof);
}

int xfer(int fd, xfer_t *x, int idle)
{
    long long last = now_ms();

    if (x->outlen == 0 && x->shut)
        shutdown(fd, SHUT_WR);
    while (!xfer_done(x)) {
        int rc = xfer_move(fd, x);
        if (rc < 0)
            return -1;
        if (x->eof && x->got < x->inlen)
            return -1; /* closed before the whole echo */
        if (rc > 0) {
            last = now_ms();
            continue;
        }
        long long left = last + idle - now_ms();
        if (left <= 0) {
            x->idle_ms = now_ms() - last;
            return 1;
        }
        struct pollfd p = { .fd = fd, .events = POLLIN };
        if (x->sent < x->outlen)
            p.events |= POLLOUT;
        poll(&p, 1, (int)(left < 50 ? left : 50));
    }
    return 0;
}

const char *shown(const char *s, size_t n, char *buf, size_t size)
{
    size_t o = 0;

    buf[o++] = '"';
    for (size_t i = 0; i < n && o + 8 < size; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\n')
            o += (size_t)snprintf(buf + o, size - o, "\\n");
        else if (c == '\r')
            o += (size_t)snprintf(buf + o, size - o, "\\r");
        else if (c == '\0')
            o += (size_t)snprintf(buf + o, size - o, "\\0");
        else if (c == '"' || c == '\\')
            o += (size_t)snprintf(buf + o, size - o, "\\%c", c);
        else if (c < 32 || c > 126)
            o += (size_t)snprintf(buf + o, size - o, "\\x%02x", c);
        else
            buf[o++] = (char)c;
        if (o + 8 >= size && i + 1 < n) {
            o += (size_t)snprintf(buf + o, size - o, "...");
            break;
        }
    }
    snprintf(buf + o, size - o, "\"");
    return buf;
}

void note_difference(result_t *r, const char *want, size_t wantlen,
                     const char *got, size_t gotlen)
{
    size_t i = 0, lim = wantlen < gotlen ? wantlen : gotlen;
    char a[64], b[64];

    while (i < lim && want[i] == got[i])
        i++;
    size_t from = i > 8 ? i - 8 : 0;
    size_t wn = wantlen - from < 24 ? wantlen - from : 24;
    size_t gn = gotlen - from < 24 ? gotlen - from : 24;
    note(r, "expected %zu bytes, got %zu; they first differ at byte %zu",
         wantlen, gotlen, i);
    note(r, "expected from byte %zu: %s", from,
         shown(want + from, wn, a, sizeof(a)));
    note(r, "seen from byte %zu:     %s", from,
         shown(got + from, gn, b, sizeof(b)));
}

/* Notes what was sent (its start and size). */
static void note_sent(result_t *r, const char *data, size_t n, int shut)
{
    char s[96];
    note(r, "sent: %zu bytes, %s%s%s", n,
         shown(data, n < 40 ? n : 40, s, sizeof(s)), n > 40 ? "..." : "",
         shut ? ", then shut down the sending side" : "");
}

/* 1 when want and got first differ at a byte of 0x80-0xFF that came back
 * as '?' or U+FFFD (EF BF BD): what a text decoder puts for bytes it
 * cannot read. */
static int replaced_as_text(const char *want, size_t wantlen, const char *got,
                            size_t gotlen)
{
    size_t i = 0, lim = wantlen < gotlen ? wantlen : gotlen;

    while (i < lim && want[i] == got[i])
        i++;
    if (i == lim || (unsigned char)want[i] < 0x80)
        return 0;
    return got[i] == '?' ||
           (gotlen - i >= 3 && memcmp(got + i, "\xef\xbf\xbd", 3) == 0);
}

/* The last newline of s[0..n), or NULL. */
static const char *memrchr_nl(const char *s, size_t n)
{
    while (n-- > 0)
        if (s[n] == '\n')
            return s + n;
    return NULL;
}

/* Says how one client's echo went wrong; returns its ECHO_ kind. rc is
 * xfer's result, x what came back. */
static int echo_failed(const xfer_t *x, int rc, result_t *r)
{
    size_t n = x->outlen, got = x->got < n ? x->got : n;
    int changed = memcmp(x->in, x->out, got) != 0;

    if (rc == 1 && x->got >= n && !changed)
        fail(r, "the whole echo came back, but no end of file after it");
    else if (rc == 1)
        fail(r, "%s", x->got == 0 ? "no echo at all"
                                  : "the echo stopped short");
    else if (x->eof && x->got < n)
        fail(r, "the server closed the connection before the whole echo");
    else if (rc < 0)
        fail(r, "connection failed: %s", strerror(x->err));
    else
        fail(r, "the echo differs from what was sent");
    note_sent(r, x->out, n, x->shut);
    if (changed || (got < n && (got > 0 || rc != 1)))
        note_difference(r, x->out, n, x->in, got);
    if (x->got > n)
        note(r, "and %zu bytes more than were sent", x->got - n);
    if (rc == 1)
        note(r, "then nothing for %lld ms (%zu of %zu bytes sent)", x->idle_ms,
             x->sent, n);
    if (changed && replaced_as_text(x->out, n, x->in, got))
        return ECHO_TEXT;
    if (changed)
        return ECHO_CHANGED;
    if ((x->eof && x->got < n) || (rc < 0 && x->err == ECONNRESET))
        return ECHO_CLOSED;
    return rc == 1 && x->got >= n ? ECHO_NO_EOF : ECHO_SHORT;
}

/* What came back, as the causes need it (causes.c): nothing, bytes that
 * first differ at a CR or a NUL, the first line of several only... */
static void observe_echo(result_t *r, const xfer_t *x)
{
    size_t n = x->outlen, got = x->got < n ? x->got : n, i = 0;

    while (i < got && x->in[i] == x->out[i])
        i++;
    if (x->shut && x->got < n && !x->eof_early &&
        (x->eof || x->err == ECONNRESET))
        observe(r, EV_CLOSED_ECHO_DUE); /* it ended the connection first */
    if (x->got == 0) {
        observe(r, EV_NOTHING_BACK);
        return;
    }
    if (i < n && (x->out[i] == '\r' || (i < got && x->in[i] == '\r')))
        observe(r, EV_DIFF_AT_CR);
    else if (i < n && (x->out[i] == '\0' || (i < got && x->in[i] == '\0')))
        observe(r, EV_DIFF_AT_NUL);
    else if (i < got) {
        observe(r, EV_CHANGED);
        if (replaced_as_text(x->out, n, x->in, got))
            observe(r, EV_HIGH_BYTE_CHANGED);
    }
    else if (got < n) {
        const char *first = memchr(x->out, '\n', n);
        const char *last = memrchr_nl(x->out, n);
        observe(r, EV_SOME_BACK);
        if (first && got == (size_t)(first - x->out) + 1 && last != first)
            observe(r, EV_FIRST_LINE_ONLY);
        if (last && got == (size_t)(last - x->out) + 1 && x->out[n - 1] != '\n')
            observe(r, EV_LAST_PARTIAL_LOST);
    } else if (x->want_eof && !x->eof)
        observe(r, EV_NO_EOF);
}

/* Nothing more came while the client kept its side open: shut it, and
 * see whether the rest of the echo comes now (a server that buffers its
 * writes until the connection ends). */
static void try_held(int fd, const xfer_t *x, result_t *r)
{
    xfer_t rest = *x;

    shutdown(fd, SHUT_WR);
    rest.shut = 0;
    /* a buffer flushed at end of file comes at once: a second will do */
    if (xfer(fd, &rest, ms(1000)) < 0 && rest.got < rest.inlen)
        return;
    if (rest.got >= rest.inlen && memcmp(rest.in, rest.out, rest.outlen) == 0) {
        note(r, "once the client shut down its sending side, the rest of the "
                "echo came (%zu bytes more)", rest.got - x->got);
        observe(r, EV_HELD_TO_EOF);
    }
}

/* Judges one client's transfer (see xfer): 0 when every byte came back
 * unchanged, else its ECHO_ kind with r failed. */
static int echo_judged(const xfer_t *x, int rc, result_t *r)
{
    if (rc == 0 && x->got == x->outlen && memcmp(x->in, x->out, x->outlen) == 0)
        return 0;
    int kind = echo_failed(x, rc, r);
    observe_echo(r, x);
    return kind;
}

int echo_once(int port, const char *data, size_t n, int shut, result_t *r)
{
    int fd = cl_connect(port), kind;

    if (fd < 0) {
        fail(r, "cannot connect to 127.0.0.1:%d: %s", port, strerror(errno));
        return ECHO_SHORT;
    }
    char *in = Malloc(n + 1);
    xfer_t x = { .out = data, .outlen = n, .shut = shut, .in = in, .inlen = n,
                 .want_eof = shut };
    int rc = xfer(fd, &x, WAIT_MS);
    kind = echo_judged(&x, rc, r);
    if (kind == 0)
        served_clients++;
    else if (rc == 1 && !shut && x.got < n)
        try_held(fd, &x, r);
    close(fd);
    free(in);
    return kind;
}

int echo_unread(int port, const char *data, size_t max, result_t *r)
{
    int fd = cl_connect(port), kind;

    if (fd < 0) {
        fail(r, "cannot connect to 127.0.0.1:%d: %s", port, strerror(errno));
        return ECHO_SHORT;
    }
    unread_t u = { .data = data, .len = max, .max = max, .limit_ms = WAIT_MS };
    size_t n = send_unread(fd, &u), whole = n;
    step("%zu bytes taken before the sending stalled", n);
    while (whole > 0 && data[whole - 1] != '\n')
        whole--; /* the last whole line: the rest is not judged here */
    if (whole == 0) { /* nothing to judge: not a pass */
        fail(r, "the connection took no whole line of the client's: %s",
             u.err ? strerror(u.err) : "nothing for 300 ms");
        close(fd);
        return ECHO_SHORT;
    }
    shutdown(fd, SHUT_WR);
    char *in = Malloc(whole + 1);
    xfer_t x = { .out = data, .outlen = whole, .sent = whole, .shut = 1,
                 .in = in, .inlen = whole, .want_eof = 1 };
    int rc = xfer(fd, &x, WAIT_MS);
    close(fd);
    if (x.got > whole)
        x.got = whole; /* the echo of the cut line: not judged here */
    if ((kind = echo_judged(&x, rc, r)) == 0)
        served_clients++;
    else if (n > whole)
        note(r, "(and %zu bytes of a line cut where the sending stalled, "
             "not judged here)", n - whole);
    free(in);
    return kind;
}

int exchange(int fd, const char *piece, size_t n, int gap_ms, seen_t *seen,
             result_t *r)
{
    xfer_t x = { .out = piece, .outlen = n, .in = seen->in, .inlen = n };

    if (n > sizeof(seen->in))
        n = x.outlen = x.inlen = sizeof(seen->in);
    for (; gap_ms > 0 && x.sent < n; x.sent++) {
        send(fd, piece + x.sent, 1, MSG_NOSIGNAL); /* a segment each */
        nap(gap_ms);
    }
    int rc = xfer(fd, &x, WAIT_MS);
    seen->got = x.got;
    seen->eof = x.eof;
    seen->kind = echo_judged(&x, rc, r);
    if (seen->kind != 0 && rc == 1 && x.got < n)
        try_held(fd, &x, r); /* the dialogue ends here: shutting is fine */
    return seen->kind;
}

size_t send_unread(int fd, unread_t *u)
{
    size_t total = 0;
    long long end = now_ms() + u->limit_ms, next_tick = now_ms() + 100;

    while (total < u->max && now_ms() < end) {
        size_t at = total % u->len, n = u->len - at;
        if (n > u->max - total)
            n = u->max - total;
        ssize_t put = send(fd, u->data + at, n, MSG_NOSIGNAL);
        if (put > 0)
            total += (size_t)put;
        if (u->tick && now_ms() >= next_tick) {
            next_tick = now_ms() + 100;
            if (u->tick(u->arg))
                break;
        }
        if (put > 0)
            continue;
        struct pollfd p = { .fd = fd, .events = POLLOUT };
        if (put < 0 && !would_wait(errno) && errno != EINTR) {
            u->err = errno;
            break;
        }
        u->held = 1;
        if (poll(&p, 1, 300) == 0)
            break; /* full both ways */
    }
    return total;
}

/* Lines of 64 bytes, each numbered: n bytes of them (n a multiple of 64). */
char *numbered_lines(size_t n)
{
    char *s = Malloc(n);

    for (size_t i = 0; i < n; i += 64) {
        memset(s + i, '.', 64);
        int w = snprintf(s + i, 64, "line %zu of the flood ", i / 64);
        s[i + (size_t)w] = '.'; /* snprintf's NUL */
        s[i + 63] = '\n';
    }
    return s;
}

size_t flood(int fd)
{
    static char *lines;

    if (lines == NULL)
        lines = numbered_lines(65536);
    unread_t u = { .data = lines, .len = 65536, .max = 64u << 20,
                   .limit_ms = WAIT_MS };
    return send_unread(fd, &u);
}
