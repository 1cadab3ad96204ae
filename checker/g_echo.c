/*
 * g_echo.c - the echo group: every byte a client sends comes back to it,
 * in order, and after the client shuts down its sending side, the rest
 * of its echo and then end of file. One client per check.
 */
#include "echocheck.h"

/* Where the lecture's echo loop is shown done right. */
static void note_echo_loop(result_t *r)
{
    note(r, "where it is done right: echo.c, the lecture's loop (slide \"Echo "
            "Server (echo Function): Revisited\"): read a line with "
            "rio_readlineb, write back exactly the n bytes it returned");
}

#define EOF_CAUSE                                                           \
    "when read returns 0 (end of file) the server must still send what is " \
    "pending, then close the connection, so that the client's read returns " \
    "0 too"

/* Text decoding, seen: bytes that are not UTF-8 came back replaced
 * (refused: never came back, while an ASCII line before them did). */
static void note_text_decoding(result_t *r, int refused)
{
    if (refused)
        note(r, "likely cause: text decoding: the line of bytes that are "
                "not valid UTF-8 never came back, the ASCII line did: a "
                "decoder refused them");
    else
        note(r, "likely cause: text decoding: where the first byte that "
                "is not valid UTF-8 was sent, '?' or U+FFFD (EF BF BD) came "
                "back: a decoder replaced it");
    note(r, "an echo server passes bytes, not text: read and write bytes "
            "(Python: bytes, no decode(); Java: InputStream and "
            "OutputStream, not a Reader or Writer; Node: Buffers, no "
            "setEncoding; Rust: Vec<u8>, not String)");
}

/* Runs one client on data; on failure adds the likely cause: cause when
 * bytes are missing, or always when the check's data points at one (its
 * NUL bytes, its CR LF); else altered bytes get the general cause. */
static void echo_check(check_ctx_t *c, result_t *r, const char *data, size_t n,
                       int shut, const char *cause, int always)
{
    int rc = echo_once(c->srv.port, data, n, shut, r);
    if (rc == 0)
        return;
    if (rc == ECHO_TEXT) {
        note_text_decoding(r, 0);
        return;
    }
    if (rc == ECHO_NO_EOF)
        cause = EOF_CAUSE;
    else if (rc == ECHO_CHANGED && !always)
        cause = "bytes came back altered: the echo must write back exactly "
                "the bytes it read, from the same buffer, in order";
    note(r, "likely cause: %s", cause);
    note_echo_loop(r);
}

static void short_line(check_ctx_t *c, result_t *r)
{
    static const char s[] = "hello, echo server\n";
    echo_check(c, r, s, sizeof(s) - 1, 0,
               "the server does not echo a plain line back", 0);
}

static void crlf(check_ctx_t *c, result_t *r)
{
    static const char s[] = "windows line\r\nsecond\r\n";
    echo_check(c, r, s, sizeof(s) - 1, 0,
               "line endings changed: the echo must be the very bytes read", 1);
}

static void nul_bytes(check_ctx_t *c, result_t *r)
{
    static const char s[] = "nul\0in\0\0the middle\n";
    echo_check(c, r, s, sizeof(s) - 1, 0,
               "strlen or printf(\"%s\") on the line: a NUL ends a C string, "
               "not a line; use the count rio_readlineb returns", 1);
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
    echo_check(c, r, s, n, 0,
               "a line longer than the buffer (MAXLINE, 8192) is cut or "
               "lost: rio_readlineb returns it in pieces, echo every piece", 0);
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
    echo_check(c, r, s, n, 0,
               "some byte values or sizes do not survive: text-only handling "
               "(strlen, fgets), or a write whose short count is not retried "
               "(rio_writen retries)", 0);
    free(s);
}

static void no_final_newline(check_ctx_t *c, result_t *r)
{
    static const char s[] = "first line\nlast line, no newline";
    echo_check(c, r, s, sizeof(s) - 1, 1,
               "at end of file rio_readlineb returns the last partial line "
               "(a count > 0) before it returns 0: echo it before closing", 0);
}

static void half_close(check_ctx_t *c, result_t *r)
{
    size_t n = 64 * 1024;
    char *s = long_line_of(n);
    for (size_t i = 99; i < n; i += 100)
        s[i] = '\n';
    echo_check(c, r, s, n, 1, EOF_CAUSE, 0);
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
    if (i == n)
        return -1;
    if (i > 0)
        note(r, "on the same connection, %s before it came back unchanged",
             i == 1 ? "the line" : "the lines");
    return i;
}

/* The causes below need the line before to have come back: else the
 * server does not echo at all, which short-line reports. */
static void note_no_echo(result_t *r)
{
    note(r, "not even a plain line came back: see echo/short-line");
}

static void empty_line(check_ctx_t *c, result_t *r)
{
    static const piece_t p[] = { PIECE("a line before an empty one\n"),
                                 PIECE("\n"), PIECE("first\n\nsecond\n") };
    seen_t seen;
    int at = dialogue(c, p, 3, &seen, r);

    if (at == 0)
        note_no_echo(r);
    else if (at > 0 && seen.eof && seen.got == 0)
        note(r, "likely cause: the empty line ended the connection: a line "
                "\"\\n\" is one byte, and a count of 1 (from read or "
                "rio_readlineb) was taken for the end; only 0 is end of "
                "file");
    else if (at > 0)
        note(r, "likely cause: empty lines are lost: \"\\n\" is a line like "
                "any other, to echo unchanged (no skipping of blank lines, "
                "no stripping)");
}

static void byte_at_a_time(check_ctx_t *c, result_t *r)
{
    static const piece_t p[] = {
        PIECE("a line sent whole\n"),
        { "a line sent one byte per segment\n", 33, 5 },
    };
    seen_t seen;
    int at = dialogue(c, p, 2, &seen, r);

    if (at == 0)
        note_no_echo(r);
    else if (at > 0 && seen.eof && seen.got < p[1].n)
        note(r, "likely cause: a short read (here of %zu byte%s) was taken "
             "for the end of the connection; only 0 is end of file",
             seen.got + 1, seen.got ? "s" : "");
    else if (at > 0)
        note(r, "likely cause: each read is taken for a whole line. TCP "
                "carries a stream of bytes: a read returns whatever part of "
                "a line has come. Collect bytes until the newline, as "
                "rio_readlineb does");
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

/* 1 when the first byte where got differs from want is one of 0x80-0xFF:
 * the bytes that text decoding changes. */
static int differs_at_high_byte(const char *want, size_t n, const seen_t *seen)
{
    size_t i = 0, lim = seen->got < n ? seen->got : n;

    while (i < lim && want[i] == seen->in[i])
        i++;
    return i < lim && (unsigned char)want[i] >= 0x80;
}

static void not_utf8(check_ctx_t *c, result_t *r)
{
    char line[200];
    piece_t p[] = { PIECE("plain ASCII before the bytes that are not UTF-8\n"),
                    { line, not_utf8_line(line), 0 } };
    seen_t seen;
    int at = dialogue(c, p, 2, &seen, r);

    if (at == 0) {
        note_no_echo(r);
        return;
    }
    if (at < 0)
        return;
    if (seen.got == 0 || seen.kind == ECHO_TEXT)
        note_text_decoding(r, seen.got == 0);
    else if (differs_at_high_byte(line, p[1].n, &seen))
        note(r, "likely cause: text decoding: bytes that are not valid "
                "UTF-8 came back changed, from the first of them on, while "
                "ASCII came back unchanged (bytes re-encoded, as Latin-1 "
                "to UTF-8); an echo server passes bytes, not text");
}

static void half_close_unread(check_ctx_t *c, result_t *r)
{
    size_t max = 8u << 20;
    char *s = numbered_lines(max);
    int rc = echo_unread(c->srv.port, s, max, r);

    free(s);
    if (rc == 0)
        return;
    note(r, "the client read nothing until it had shut down its sending "
            "side: the echo it had not read waited in the server");
    if (rc == ECHO_CLOSED)
        note(r, "likely cause: at end of file the server closed the "
                "connection with echo still queued: the end of the "
                "client's input is not the end of its echo. Write "
                "everything pending, then close (a blocking server does: "
                "its write returns when all is taken; an event loop closes "
                "only once its queue is empty, as echo_step.c does)");
    else if (rc == ECHO_NO_EOF)
        note(r, "likely cause: %s", EOF_CAUSE);
}

const check_t echo_checks[] = {
    { "short-line", M_ALL, 0, short_line },
    { "crlf", M_ALL, 0, crlf },
    { "nul-bytes", M_ALL, 0, nul_bytes },
    { "long-line", M_ALL, 0, long_line },
    { "random-4mb", M_ALL, 0, random_4mb },
    { "no-final-newline", M_ALL, 0, no_final_newline },
    { "half-close", M_ALL, 0, half_close },
    { "empty-line", M_ALL, 0, empty_line },
    { "byte-at-a-time", M_ALL, 0, byte_at_a_time },
    { "not-utf8", M_ALL, 0, not_utf8 },
    { "half-close-unread", M_ALL, 0, half_close_unread },
};
const int n_echo_checks = sizeof(echo_checks) / sizeof(echo_checks[0]);
