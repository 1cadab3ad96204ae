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

/* Runs one client on data; on failure adds the likely cause: cause when
 * bytes are missing, or always when the check's data points at one (its
 * NUL bytes, its CR LF); else altered bytes get the general cause. */
static void echo_check(check_ctx_t *c, result_t *r, const char *data, size_t n,
                       int shut, const char *cause, int always)
{
    int rc = echo_once(c->srv.port, data, n, shut, r);
    if (rc == 0)
        return;
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

const check_t echo_checks[] = {
    { "short-line", M_ALL, 0, short_line },
    { "crlf", M_ALL, 0, crlf },
    { "nul-bytes", M_ALL, 0, nul_bytes },
    { "long-line", M_ALL, 0, long_line },
    { "random-4mb", M_ALL, 0, random_4mb },
    { "no-final-newline", M_ALL, 0, no_final_newline },
    { "half-close", M_ALL, 0, half_close },
};
const int n_echo_checks = sizeof(echo_checks) / sizeof(echo_checks[0]);
