/*
 * test_rio.c - unit tests of RIO over socketpairs and pipes: how bytes
 * arrive (one at a time, several lines at once, long lines, NUL bytes,
 * no final newline, interrupted by a signal) must not change what the
 * reader hands out.
 * Run: make tests/bin/test_rio && tests/bin/test_rio [test_name...]
 */
#include "testlib.h"
#include "rio_script.h"

#include <sys/time.h>

/* ---- Helpers: a writer thread that feeds one end of a socketpair ---- */

typedef struct {
    int fd;
    const char *data;
    size_t len;
    size_t chunk;   /* bytes per write */
    int pause_ms;   /* pause before each write */
} feeder_t;

static void *feed(void *arg)
{
    feeder_t *f = arg;

    for (size_t off = 0; off < f->len; off += f->chunk) {
        size_t n = f->len - off < f->chunk ? f->len - off : f->chunk;
        if (f->pause_ms > 0)
            sleep_ms(f->pause_ms);
        if (rio_writen(f->fd, f->data + off, n) < 0)
            break;
    }
    shutdown(f->fd, SHUT_WR); /* then the reader sees end of file */
    return NULL;
}

static void make_pair(int sv[2])
{
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
        unix_error("socketpair");
}

/*
 * Starts a thread feeding f's data into a new pair; returns the read end.
 * The feeder blocks SIGALRM, so the tests' interrupting timer always hits
 * the reading thread.
 */
static int start_feeder(pthread_t *tid, feeder_t *f)
{
    sigset_t alrm, old;
    int sv[2];

    make_pair(sv);
    f->fd = sv[1];
    Sigemptyset(&alrm);
    Sigaddset(&alrm, SIGALRM);
    pthread_sigmask(SIG_BLOCK, &alrm, &old);
    Pthread_create(tid, NULL, feed, f);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return sv[0];
}

/* Points rio at the read end of a new pair whose other end has sent
 * text (len bytes) and closed: the reader sees it, then end of file. */
static void rio_over_text(rio_t *rio, const char *text, size_t len)
{
    int sv[2];

    make_pair(sv);
    send_all(sv[1], text, len);
    close(sv[1]);
    rio_readinitb(rio, sv[0]);
}

/* Reads one line and checks it is exactly want (want_len bytes). */
static void expect_line(rio_t *rio, size_t maxlen, const char *want,
                        size_t want_len)
{
    char buf[256];
    ssize_t n = rio_readlineb(rio, buf, maxlen);

    if (CHECK(n == (ssize_t)want_len, "rio_readlineb returned %zd, want %zu",
              n, want_len))
        CHECK(memcmp(buf, want, want_len) == 0 && buf[n] == '\0',
              "rio_readlineb gave the wrong bytes for \"%s\"", want);
}

/* ---- Tests ---- */

static void reads_a_line_arriving_one_byte_at_a_time(void)
{
    static const char text[] = "hello, world\nsecond\n";
    rio_t rio;
    pthread_t tid;
    feeder_t f = {.data = text, .len = sizeof(text) - 1, .chunk = 1,
                  .pause_ms = 1};

    rio_readinitb(&rio, start_feeder(&tid, &f));
    expect_line(&rio, 256, "hello, world\n", 13);
    expect_line(&rio, 256, "second\n", 7);
    expect_line(&rio, 256, "", 0);
    Pthread_join(tid, NULL);
}

static void splits_several_lines_from_one_chunk(void)
{
    static const char text[] = "a\nbb\nccc\n";
    rio_t rio;

    rio_over_text(&rio, text, sizeof(text) - 1);
    expect_line(&rio, 256, "a\n", 2);
    expect_line(&rio, 256, "bb\n", 3);
    expect_line(&rio, 256, "ccc\n", 4);
    expect_line(&rio, 256, "", 0);
}

static void returns_a_long_line_in_pieces_without_overflow(void)
{
    enum { LEN = 200000, MAXLEN = 100, GUARD = 16 };
    char *line = Malloc(LEN + 1), buf[MAXLEN + GUARD];
    bytes_t got = {0};
    int pieces = 0, bad_piece = 0;
    rio_t rio;
    pthread_t tid;
    ssize_t n;

    memset(line, 'x', LEN);
    line[LEN] = '\n';
    feeder_t f = {.data = line, .len = LEN + 1, .chunk = 7000};
    rio_readinitb(&rio, start_feeder(&tid, &f));
    memset(buf + MAXLEN, 0x5a, GUARD);
    while ((n = rio_readlineb(&rio, buf, MAXLEN)) > 0) {
        if (n > MAXLEN - 1 || buf[n] != '\0')
            bad_piece = 1;
        bytes_add(&got, buf, (size_t)n);
        pieces++;
    }
    Pthread_join(tid, NULL);
    for (int i = 0; i < GUARD; i++)
        CHECK(buf[MAXLEN + i] == 0x5a, "byte %d past the buffer was written",
              i);
    CHECK(!bad_piece, "a piece was longer than maxlen-1 or not terminated");
    CHECK(got.len == LEN + 1 && memcmp(got.data, line, LEN + 1) == 0,
          "pieces joined give %zu bytes, want %d unchanged", got.len, LEN + 1);
    CHECK(pieces == (LEN + 1 + MAXLEN - 2) / (MAXLEN - 1),
          "got %d pieces, want %d", pieces, (LEN + 1 + MAXLEN - 2) / (MAXLEN - 1));
    free(line);
    bytes_free(&got);
}

static void passes_nul_bytes_through(void)
{
    static const char text[] = "a\0b\0\n\0\n";
    rio_t rio;

    rio_over_text(&rio, text, sizeof(text) - 1);
    expect_line(&rio, 256, "a\0b\0\n", 5);
    expect_line(&rio, 256, "\0\n", 2);
}

static void returns_a_last_line_without_newline(void)
{
    int fds[2];
    rio_t rio;

    if (pipe(fds) < 0)
        unix_error("pipe");
    send_all(fds[1], "one\ntwo", 7);
    close(fds[1]);
    rio_readinitb(&rio, fds[0]);
    expect_line(&rio, 256, "one\n", 4);
    expect_line(&rio, 256, "two", 3);
    expect_line(&rio, 256, "", 0);
}

/* ---- A read interrupted by a signal must simply go on ---- */

static volatile sig_atomic_t ticks;
static void tick(int sig) { (void)sig; ticks++; }

static void interrupt_reads_every_10ms(int on)
{
    struct itimerval every = {{0, on ? 10000 : 0}, {0, on ? 10000 : 0}};
    struct sigaction action;

    memset(&action, 0, sizeof(action));
    action.sa_handler = tick; /* no SA_RESTART: read fails with EINTR */
    sigaction(SIGALRM, &action, NULL);
    setitimer(ITIMER_REAL, &every, NULL);
}

static void restarts_reads_interrupted_by_a_signal(void)
{
    static const char text[] = "slow line\nrest";
    char buf[64];
    rio_t rio;
    pthread_t tid;
    feeder_t f = {.data = text, .len = sizeof(text) - 1, .chunk = 5,
                  .pause_ms = 60};

    int fd = start_feeder(&tid, &f);

    interrupt_reads_every_10ms(1);
    rio_readinitb(&rio, fd);
    expect_line(&rio, sizeof(buf), "slow line\n", 10);
    expect_line(&rio, sizeof(buf), "rest", 4);
    interrupt_reads_every_10ms(0);
    Pthread_join(tid, NULL);
    CHECK(ticks >= 3, "the signal fired only %d times: the test proves little",
          (int)ticks);
}

static void restarts_unbuffered_readn_interrupted_by_a_signal(void)
{
    static const char text[] = "0123456789";
    char buf[16];
    pthread_t tid;
    feeder_t f = {.data = text, .len = 10, .chunk = 2, .pause_ms = 40};
    int fd = start_feeder(&tid, &f);

    interrupt_reads_every_10ms(1);
    ssize_t n = rio_readn(fd, buf, 10);
    interrupt_reads_every_10ms(0);
    Pthread_join(tid, NULL);
    CHECK(ticks >= 3, "the signal fired only %d times", (int)ticks);
    CHECK(n == 10 && memcmp(buf, text, 10) == 0,
          "rio_readn returned %zd (%s), want all 10 bytes", n,
          n < 0 ? strerror(errno) : "short");
}

static void mixes_readlineb_and_readnb_on_one_stream(void)
{
    static const char text[] = "header\n\x01\x02\n\x00\x05rest\ntail";
    char buf[64];
    rio_t rio;

    rio_over_text(&rio, text, sizeof(text) - 1);
    expect_line(&rio, sizeof(buf), "header\n", 7);
    ssize_t n = rio_readnb(&rio, buf, 5);
    CHECK(n == 5 && memcmp(buf, "\x01\x02\n\x00\x05", 5) == 0,
          "rio_readnb returned %zd bytes, want the 5 binary bytes", n);
    expect_line(&rio, sizeof(buf), "rest\n", 5);
    n = rio_readnb(&rio, buf, sizeof(buf));
    CHECK(n == 4 && memcmp(buf, "tail", 4) == 0,
          "rio_readnb at end of file returned %zd, want the 4 bytes left", n);
    CHECK(rio_readnb(&rio, buf, 1) == 0, "no end of file after the last byte");
}

static void writen_and_readnb_move_a_megabyte(void)
{
    enum { LEN = 1 << 20 };
    char *data = random_bytes(LEN, 1), *back = Malloc(LEN);
    rio_t rio;
    pthread_t tid;
    feeder_t f = {.data = data, .len = LEN, .chunk = LEN}; /* one rio_writen */

    rio_readinitb(&rio, start_feeder(&tid, &f));
    ssize_t n = rio_readnb(&rio, back, LEN);
    Pthread_join(tid, NULL);
    CHECK(n == LEN && memcmp(data, back, LEN) == 0,
          "moved %zd bytes, want %d unchanged", n, LEN);
    free(data);
    free(back);
}

static void reports_a_read_error(void)
{
    char buf[8];
    rio_t rio;

    rio_readinitb(&rio, -1);
    CHECK(rio_readlineb(&rio, buf, sizeof(buf)) == -1 && errno == EBADF,
          "rio_readlineb on a bad descriptor did not return -1/EBADF");
    CHECK(rio_writen(-1, "x", 1) == -1 && errno == EBADF,
          "rio_writen on a bad descriptor did not return -1/EBADF");
}

/*
 * The fuzz target's script on seeded random input: the same properties
 * checked everywhere, with or without libFuzzer. Lengths of the choices
 * and payload vary, so short lines, long lines, NUL bytes and unterminated
 * last lines all occur; newlines are made common enough to matter.
 */
static void survives_random_splits_and_read_sizes(void)
{
    enum { SCRIPTS = 400 };
    unsigned failed = 0;

    for (unsigned seed = 1; seed <= SCRIPTS; seed++) {
        size_t size = 2 + (seed * 7919u) % 40000;
        uint8_t *script = (uint8_t *)random_bytes(size, seed);
        for (size_t i = size / 2; i < size; i++)
            if (script[i] % 16 == 0)
                script[i] = '\n';
        if (rio_play_script(script, size) != 0 && failed++ == 0)
            CHECK(0, "script with seed %u broke RIO (see above)", seed);
        free(script);
    }
    CHECK(failed == 0, "%u of %d scripts broke RIO", failed, SCRIPTS);
}

static const test_t tests[] = {
    TEST(reads_a_line_arriving_one_byte_at_a_time),
    TEST(splits_several_lines_from_one_chunk),
    TEST(returns_a_long_line_in_pieces_without_overflow),
    TEST(passes_nul_bytes_through),
    TEST(returns_a_last_line_without_newline),
    TEST(restarts_reads_interrupted_by_a_signal),
    TEST(restarts_unbuffered_readn_interrupted_by_a_signal),
    TEST(mixes_readlineb_and_readnb_on_one_stream),
    TEST(writen_and_readnb_move_a_megabyte),
    TEST(reports_a_read_error),
    TEST(survives_random_splits_and_read_sizes),
};

int main(int argc, char **argv)
{
    return run_tests("rio", tests, sizeof(tests) / sizeof(tests[0]), argc, argv);
}
