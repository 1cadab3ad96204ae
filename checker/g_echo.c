/*
 * g_echo.c - the echo group: every byte a client sends comes back to it,
 * in order, and after the client shuts down its sending side, the rest
 * of its echo and then end of file. One client per check.
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
