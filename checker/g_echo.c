/*
 * g_echo.c - the echo group: every byte a client sends comes back to it,
 * in order, and after the client shuts down its sending side, the rest
 * of its echo and then end of file. One client per check. Some hold a
 * dialogue: a plain line first, then the one under test (an empty line,
 * a line a byte per segment, bytes that are not UTF-8), so that a cause
 * named for the second stands on the first having come back.
 * half-close-unread reads nothing until it has half-closed.
 */
#include "echocheck.h"

/* Runs one client on data; on failure names the cause its evidence
 * shows: the check's own (cause), or a general one (blame_echo). */
static void echo_check(check_ctx_t *c, result_t *r, const char *data, size_t n,
                       int shut, int cause)
{
    if (echo_once(c->srv.port, data, n, shut, r) != 0)
        blame_echo(r, cause);
}

static void short_line(check_ctx_t *c, result_t *r)
{
    static const char s[] = "hello, echo server\n";
    echo_check(c, r, s, sizeof(s) - 1, 0, CAUSE_NONE);
}

static void crlf(check_ctx_t *c, result_t *r)
{
    static const char s[] = "windows line\r\nsecond\r\n";
    echo_check(c, r, s, sizeof(s) - 1, 0, CAUSE_CRLF);
}

static void nul_bytes(check_ctx_t *c, result_t *r)
{
    static const char s[] = "nul\0in\0\0the middle\n";
    echo_check(c, r, s, sizeof(s) - 1, 0, CAUSE_NUL);
}

/* Printable bytes a-z, then a newline: one line of n bytes. */
static char *long_line_of(size_t n)
{
    char *s = Malloc(n);
    for (size_t i = 0; i + 1 < n; i++)
        s[i] = (char)('a' + i % 26);
    s[n - 1] = '\n';
    return s;
}

static void long_line(check_ctx_t *c, result_t *r)
{
    size_t n = 100000;
    char *s = long_line_of(n);
    echo_check(c, r, s, n, 0, CAUSE_LONG_LINE);
    free(s);
}

/* Bytes from a fixed-seed generator: the same every run. */
static void fill_random(char *s, size_t n)
{
    unsigned long long x = 0x9E3779B97F4A7C15ULL;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        s[i] = (char)(x >> 32);
    }
    s[n - 1] = '\n';
}

static void random_4mb(check_ctx_t *c, result_t *r)
{
    size_t n = 4u << 20;
    char *s = Malloc(n);
    fill_random(s, n);
    echo_check(c, r, s, n, 0, CAUSE_SHORT_WRITE);
    free(s);
}

static void no_final_newline(check_ctx_t *c, result_t *r)
{
    static const char s[] = "first line\nlast line, no newline";
    echo_check(c, r, s, sizeof(s) - 1, 1, CAUSE_LAST_PARTIAL);
}

static void half_close(check_ctx_t *c, result_t *r)
{
    size_t n = 64 * 1024;
    char *s = long_line_of(n);
    for (size_t i = 99; i < n; i += 100)
        s[i] = '\n';
    echo_check(c, r, s, n, 1, CAUSE_EOF);
    free(s);
}

/* One piece of a dialogue: sent, then its echo awaited, before the next. */
typedef struct {
    const char *s;
    size_t n;
    int gap_ms;           /* > 0: one byte per segment, this far apart */
} piece_t;
#define PIECE(str) { str, sizeof(str) - 1, 0 }

/* Runs the pieces on one connection, in order. Returns the index of the
 * first whose echo failed (r failed, seen says what came), or -1. */
static int dialogue(check_ctx_t *c, const piece_t *p, int n, seen_t *seen,
                    result_t *r)
{
    int fd = cl_connect(c->srv.port), i = 0;

    if (fd < 0) {
        fail(r, "cannot connect to 127.0.0.1:%d: %s", c->srv.port,
             strerror(errno));
        return 0;
    }
    while (i < n && exchange(fd, p[i].s, p[i].n, p[i].gap_ms, seen, r) == 0)
        i++;
    close(fd);
    if (i == n) {
        served_clients++;
        return -1;
    }
    if (i > 0)
        note(r, "on the same connection, %s before it came back unchanged",
             i == 1 ? "the line" : "the lines");
    return i;
}

/* Where want and what came back first differ (or where it stopped). */
static size_t first_difference(const char *want, size_t n, const seen_t *seen)
{
    size_t i = 0, lim = seen->got < n ? seen->got : n;

    while (i < lim && want[i] == seen->in[i])
        i++;
    return i;
}

/* A dialogue that failed at its first piece: the server does not echo a
 * plain line, which the general causes and echo/short-line tell. */
static int failed_at_first(int at, result_t *r)
{
    if (at == 0)
        blame_echo(r, CAUSE_NONE);
    return at == 0;
}

static void empty_line(check_ctx_t *c, result_t *r)
{
    static const piece_t p[] = { PIECE("a line before an empty one\n"),
                                 PIECE("\n"), PIECE("first\n\nsecond\n") };
    static const size_t empty_at[] = { 0, 0, 6 }; /* where its "\n\n" is */
    seen_t seen;
    int at = dialogue(c, p, 3, &seen, r);

    if (at < 0 || failed_at_first(at, r))
        return;
    size_t i = first_difference(p[at].s, p[at].n, &seen);
    if (seen.eof && seen.got <= empty_at[at] && i == seen.got)
        observe(r, EV_ENDED_AT_ONE_BYTE); /* ended right at the empty line */
    else if (i == empty_at[at])
        observe(r, EV_EMPTY_LINE_LOST);
    if (!blame(r, CAUSE_ONE_BYTE_END) && !blame(r, CAUSE_EMPTY_LINE))
        blame_echo(r, CAUSE_NONE);
}

static void byte_at_a_time(check_ctx_t *c, result_t *r)
{
    static const piece_t p[] = {
        PIECE("a line sent whole\n"),
        { "a line sent one byte per segment\n", 33, 5 },
    };
    seen_t seen;
    int at = dialogue(c, p, 2, &seen, r);

    if (at < 0 || failed_at_first(at, r))
        return;
    /* The same kind of line came back whole a moment ago. */
    observe(r, seen.eof && seen.got < p[1].n ? EV_ENDED_AT_ONE_BYTE
                                             : EV_PIECES_NOT_JOINED);
    if (!blame(r, CAUSE_ONE_BYTE_END) && !blame(r, CAUSE_READ_IS_LINE))
        blame_echo(r, CAUSE_NONE);
}

/* A line of bytes that are not UTF-8: every byte from 0x80 to 0xFF, the
 * encoding of a lone surrogate (U+D800) and an overlong '/'. */
static size_t not_utf8_line(char *s)
{
    size_t n = (size_t)sprintf(s, "not UTF-8: ");
    for (int b = 0x80; b <= 0xFF; b++)
        s[n++] = (char)b;
    memcpy(s + n, " \xed\xa0\x80 \xc0\xaf\n", 8);
    return n + 8;
}

static void not_utf8(check_ctx_t *c, result_t *r)
{
    char line[200];
    piece_t p[] = { PIECE("plain ASCII before the bytes that are not UTF-8\n"),
                    { line, not_utf8_line(line), 0 } };
    seen_t seen;
    int at = dialogue(c, p, 2, &seen, r);

    if (at < 0 || failed_at_first(at, r))
        return;
    size_t i = first_difference(line, p[1].n, &seen);
    if (seen.got == 0)
        observe(r, EV_HIGH_LINE_REFUSED); /* the ASCII line came back */
    else if (i < seen.got && i < p[1].n && (unsigned char)line[i] >= 0x80)
        observe(r, EV_HIGH_BYTE_CHANGED);
    if (!blame(r, CAUSE_TEXT_REFUSED) && !blame(r, CAUSE_TEXT))
        blame_echo(r, CAUSE_NONE);
}

static void half_close_unread(check_ctx_t *c, result_t *r)
{
    size_t max = 8u << 20;
    char *s = numbered_lines(max);

    if (echo_unread(c->srv.port, s, max, r) != 0) {
        note(r, "the client read nothing until it had shut down its "
                "sending side: the echo it had not read waited in the "
                "server");
        blame_echo(r, CAUSE_QUEUE_DROPPED);
    }
    free(s);
}

const check_t echo_checks[] = {
    /* The specific before the general: an empty line, a line a byte at
     * a time and bytes that are not UTF-8 come before the long line and
     * the random block that such a fault breaks too, so that the check
     * made for it carries its evidence and the others are not judged. */
    { "short-line", M_ALL, 0, short_line },
    { "empty-line", M_ALL, 0, empty_line },
    { "byte-at-a-time", M_ALL, 0, byte_at_a_time },
    { "crlf", M_ALL, 0, crlf },
    { "nul-bytes", M_ALL, 0, nul_bytes },
    { "not-utf8", M_ALL, 0, not_utf8 },
    { "long-line", M_ALL, 0, long_line },
    { "random-4mb", M_ALL, 0, random_4mb },
    { "no-final-newline", M_ALL, 0, no_final_newline },
    { "half-close", M_ALL, 0, half_close },
    { "half-close-unread", M_ALL, 0, half_close_unread },
};
const int n_echo_checks = sizeof(echo_checks) / sizeof(echo_checks[0]);
