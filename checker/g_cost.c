/*
 * g_cost.c - the resources group's checks of what the server costs, as
 * /proc shows it for its whole process group (usage.c):
 *   bounded-memory: after a warm-up client, a client offers up to 256 MB
 *     without ever reading; the server's memory (PSS, summed over its
 *     processes) must grow by at most 64 MiB: a server that cannot write
 *     to a client must stop reading from it (back-pressure);
 *   idle-cpu: once its clients have left, one of them by half-closing,
 *     the server must rest: under 5% of a core in the lowest of three
 *     1-second windows within 5 s (a runtime's compiler or collector may
 *     work on for a moment after its clients left), with no thread
 *     ready to run 90% of that window (a spinning thread on a machine
 *     so busy that it gets under 5% of a core).
 * Both run on a fresh instance, after fd-limit-64; the warm-up client
 * makes a runtime that compiles or sizes its heap on first use do so
 * before the measure. Also the CPU of threads still alive after their
 * clients left, for threads-back and maps-not-grown in g_res.c.
 */
#include "echocheck.h"

#define OFFER (256u << 20)       /* what the client without reading offers */
#define GROWTH_MIB 64            /* growth allowed */
#define SANITIZED_GROWTH_MIB 256 /* under --no-mem-limit (ASan, TSan) */
#define IDLE_PERCENT 5.0
#define SPIN_READY 90.0 /* a thread ready to run this much spins */
#define WINDOWS 3

/* What the memory watch keeps while the client sends. */
typedef struct {
    pid_t pgid;
    long long base, peak, bound; /* KiB */
} mem_watch_t;

/* Samples the group's memory; nonzero once it grew past the bound (the
 * client stops sending: the verdict is in). */
static int mem_tick(void *arg)
{
    mem_watch_t *w = arg;
    long long kib = group_pss_kib(w->pgid);

    if (kib > w->peak)
        w->peak = kib;
    return w->peak - w->base > w->bound;
}

/* The warm-up: a client whose 1 MB of lines come back. 0, or -1 with r
 * failed. */
static int warm_up(check_ctx_t *c, result_t *r)
{
    size_t n = 1u << 20;
    char *lines = numbered_lines(n);
    result_t first = { 0 };
    int rc = echo_once(c->srv.port, lines, n, 0, &first);

    free(lines);
    if (rc != 0) {
        fail_from(r, "the warm-up client was not served", &first);
        blame_echo(r, CAUSE_NONE);
    }
    return rc == 0 ? 0 : -1;
}

void bounded_memory(check_ctx_t *c, result_t *r)
{
    int mib = opt.no_mem_limit ? SANITIZED_GROWTH_MIB : GROWTH_MIB;
    mem_watch_t w = { .pgid = c->srv.pid, .bound = (long long)mib << 10 };

    if (warm_up(c, r) < 0)
        return;
    nap(ms(200));
    if ((w.base = w.peak = group_pss_kib(w.pgid)) < 0) {
        fail(r, "its memory could not be read (/proc/%d/smaps_rollup)",
             (int)w.pgid);
        return;
    }
    int fd = cl_connect(c->srv.port);
    if (fd < 0) {
        fail(r, "cannot connect: %s", strerror(errno));
        return;
    }
    char *lines = numbered_lines(65536);
    unread_t u = { .data = lines, .len = 65536, .max = OFFER,
                   .limit_ms = ms(10000), .tick = mem_tick, .arg = &w };
    size_t sent = send_unread(fd, &u);
    nap(ms(300)); /* what it took last, it may still be reading */
    mem_tick(&w);
    cl_reset(fd);
    free(lines);
    if (!u.held && !u.err && sent < OFFER && w.peak - w.base <= w.bound) {
        not_provoked(r, "the client was never held back: in %d ms the "
                     "server took all %zu MB it sent, as fast as it came",
                     ms(10000), sent >> 20);
        note(r, "its memory is judged once it holds back a client that does "
                "not read, or has taken 256 MB from it: neither happened");
        return;
    }
    step("%zu MB taken from a client that reads nothing; memory %.1f MiB, "
         "%.1f MiB at most", sent >> 20, w.base / 1024.0, w.peak / 1024.0);
    if (w.peak - w.base <= w.bound)
        return;
    fail(r, "the server's memory grew by %lld MiB (at most %d allowed) while "
         "one client sent %zu MB without reading its echo",
         (w.peak - w.base) >> 10, mib, sent >> 20);
    note(r, "seen: its memory (PSS, summed over its processes) was %.1f MiB "
         "after a warm-up client, %.1f MiB while the client sent",
         w.base / 1024.0, w.peak / 1024.0);
    if (opt.no_mem_limit)
        note(r, "(under --no-mem-limit, for sanitizer builds, %d MiB are "
             "allowed instead of %d)", SANITIZED_GROWTH_MIB, GROWTH_MIB);
    observe(r, EV_GREW_UNREAD);
    blame(r, CAUSE_NO_BACKPRESSURE);
}

/* Two samples of the lowest window seen, and the one being taken. */
typedef struct {
    cpu_sample_t a, b;
} window_t;

/* A client that sends a line, shuts down its sending side, reads what
 * comes (its echo, end of file) for a moment and closes: idle-cpu judges
 * no echo (the echo group does). 0, or -1 with r failed. */
static int half_close_and_leave(int port, result_t *r)
{
    static const char line[] = "a client that half-closes, then leaves\n";
    char got[sizeof(line)];
    int fd = cl_connect(port);

    if (fd < 0) {
        fail(r, "cannot connect: %s", strerror(errno));
        return -1;
    }
    xfer_t x = { .out = line, .outlen = sizeof(line) - 1, .shut = 1,
                 .in = got, .inlen = sizeof(line) - 1, .want_eof = 1 };
    xfer(fd, &x, ms(300));
    close(fd);
    return 0;
}

void idle_cpu(check_ctx_t *c, result_t *r)
{
    static const char line[] = "a client that comes and goes\n";
    result_t one = { 0 };
    window_t *low = Malloc(sizeof(*low)), *now = Malloc(sizeof(*now));
    double lowest = -1;
    int quiet = 0;

    if (echo_once(c->srv.port, line, sizeof(line) - 1, 0, &one) != 0) {
        fail_from(r, "a client was not served", &one);
        blame_echo(r, CAUSE_NONE);
        goto out;
    }
    if (half_close_and_leave(c->srv.port, r) < 0)
        goto out;
    for (int i = 0; i < WINDOWS && !quiet; i++) {
        if (i > 0)
            nap(1000); /* windows at 0, 2 and 4 s */
        double pct = cpu_over(c->srv.pid, 1000, &now->a, &now->b);
        if (pct < 0)
            goto out; /* the group is gone: run.c tells of the death */
        double ready = ready_percent(&now->a, &now->b);
        step("window %d: %.1f%% of a core; a thread ready to run %.0f%% of "
             "the time at most", i + 1, pct, ready);
        quiet = pct < IDLE_PERCENT && ready < SPIN_READY;
        if (lowest < 0 || pct < lowest) {
            window_t *t = low;
            low = now, now = t, lowest = pct;
        }
    }
    if (quiet)
        goto out;
    if (lowest >= IDLE_PERCENT)
        fail(r, "the server used %.0f%% of a core with no client connected "
             "(the lowest of %d one-second windows within 5 s)", lowest,
             WINDOWS);
    else
        fail(r, "a thread of the server was ready to run %.0f%% of the time "
             "or more with no client connected, in each of %d one-second "
             "windows within 5 s", SPIN_READY, WINDOWS);
    if (lowest < IDLE_PERCENT)
        note(r, "it got only %.0f%% of a core: the machine is busy, and a "
             "thread that spins gets its share of it", lowest);
    note(r, "its clients had left: one closed after its echo, the other "
            "shut down its sending side first (a half-close), read its echo "
            "and closed");
    note_busy(r, &low->a, &low->b);
    observe(r, EV_BUSY_IDLE);
    blame(r, CAUSE_SPINNING);
out:
    free(low);
    free(now);
}

int note_spinning(pid_t pgid, int always, result_t *r)
{
    cpu_sample_t *a = Malloc(sizeof(*a)), *b = Malloc(sizeof(*b));
    double pct = cpu_over(pgid, 300, a, b);
    int busy = pct >= IDLE_PERCENT || ready_percent(a, b) >= SPIN_READY;

    if (always && !busy && pct >= 0)
        note(r, "they are alive, not busy: %.0f%% of a core over 300 ms",
             pct);
    if (busy) {
        note(r, "the server is busy while no client sends it anything: "
             "%.0f%% of a core over 300 ms", pct);
        note_busy(r, a, b);
        observe(r, EV_BUSY_IDLE);
        blame(r, CAUSE_SPINNING);
    }
    free(a);
    free(b);
    return busy;
}
