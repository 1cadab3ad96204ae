/*
 * g_conc.c - the concurrency group, by the model the server claims (-m):
 * many serves a second client while a first sits silent; pool=N serves N
 * at once and the next waits its turn; one serves one at a time. Under
 * every model, lines that arrive in one segment all come back and 100
 * clients at once each get their own line; under many and pool, a client
 * holding half a line or flooding without reading delays nobody.
 */
#include "echocheck.h"

#include <poll.h>

/* A client that connects, sends its line and reads its echo, and stays
 * connected. Returns its descriptor, or -1 with r failed. */
static int served_client(int port, int i, result_t *r)
{
    char line[64], got[64];
    int n = snprintf(line, sizeof(line), "held client %d\n", i);
    int fd = cl_connect(port);

    if (fd < 0) {
        fail(r, "client %d could not connect: %s", i, strerror(errno));
        return -1;
    }
    xfer_t x = { .out = line, .outlen = (size_t)n, .in = got,
                 .inlen = (size_t)n };
    if (xfer(fd, &x, WAIT_MS) == 0 && memcmp(got, line, (size_t)n) == 0)
        return fd;
    fail(r, "client %d got no echo of its line within %d ms", i, WAIT_MS);
    close(fd);
    return -1;
}

/* Opens n served clients into fds; returns 0, or -1 (all closed). */
static int hold_clients(int port, int *fds, int n, result_t *r)
{
    for (int i = 0; i < n; i++)
        if ((fds[i] = served_client(port, i + 1, r)) < 0) {
            while (i-- > 0)
                close(fds[i]);
            return -1;
        }
    return 0;
}

static void close_all(int *fds, int n)
{
    for (int i = 0; i < n; i++)
        if (fds[i] >= 0)
            close(fds[i]);
}

static void second_client(check_ctx_t *c, result_t *r)
{
    static const char line[] = "second client, while the first is silent\n";
    int first = cl_connect(c->srv.port);

    observe(r, EV_CLIENTS_AT_ONCE); /* a death here: shared-descriptor */
    if (first < 0) {
        fail(r, "the first client could not connect: %s", strerror(errno));
        return;
    }
    nap(ms(100)); /* the server takes the first client in */
    if (echo_once(c->srv.port, line, sizeof(line) - 1, 0, r) != 0) {
        note(r, "a first client was connected and silent all along");
        /* One at a time only if it serves a client once the first left:
         * a server that serves nobody waits on nobody. */
        close(first);
        first = -1;
        result_t next = { 0 };
        if (has_seen(r, EV_NOTHING_BACK) &&
            echo_once(c->srv.port, line, sizeof(line) - 1, 0, &next) == 0) {
            note(r, "once the first client had left, a fresh client was "
                    "served");
            observe(r, EV_SECOND_WAITED);
        }
        blame_echo(r, CAUSE_ITERATIVE);
    } else if (readable_within(first, 0))
        not_provoked(r, "the first client was not held: its connection "
                     "ended (or it was answered) before the second was "
                     "served");
    if (first >= 0)
        close(first);
}

static void pool_serves_n(check_ctx_t *c, result_t *r)
{
    int *fds = Calloc((size_t)opt.pool, sizeof(int));

    observe(r, EV_CLIENTS_AT_ONCE); /* a death here: shared-descriptor */
    if (hold_clients(c->srv.port, fds, opt.pool, r) < 0) {
        note(r, "the earlier clients stayed connected: a pool of %d serves %d "
                "at once", opt.pool, opt.pool);
        observe(r, EV_POOL_UNSERVED);
        blame(r, CAUSE_POOL_SHORT);
    } else
        close_all(fds, opt.pool);
    free(fds);
}

static void pool_next_waits(check_ctx_t *c, result_t *r)
{
    static const char line[] = "the one who waits\n";
    char got[sizeof(line)];
    int *fds = Calloc((size_t)opt.pool, sizeof(int)), next = -1;

    observe(r, EV_CLIENTS_AT_ONCE); /* a death here: shared-descriptor */
    if (hold_clients(c->srv.port, fds, opt.pool, r) < 0) {
        observe(r, EV_POOL_UNSERVED); /* pool-serves-n's fault, again */
        blame(r, CAUSE_POOL_SHORT);
        goto out;
    }
    if ((next = cl_connect(c->srv.port)) < 0) {
        fail(r, "client %d could not connect: %s", opt.pool + 1,
             strerror(errno));
        goto out;
    }
    send(next, line, sizeof(line) - 1, MSG_NOSIGNAL);
    if (readable_within(next, QUIET_MS)) {
        fail(r, "client %d was answered while %d were served: more than the "
             "pool's %d at once", opt.pool + 1, opt.pool, opt.pool);
        observe(r, EV_POOL_EXTRA);
        blame(r, CAUSE_NOT_POOL);
        goto out;
    }
    close(fds[0]);
    fds[0] = -1;
    xfer_t x = { .in = got, .inlen = sizeof(line) - 1 };
    if (xfer(next, &x, WAIT_MS) != 0) {
        fail(r, "client %d waited, as it should, but was not served within "
             "%d ms after another left", opt.pool + 1, WAIT_MS);
        observe(r, EV_WAITER_UNSERVED);
        blame(r, CAUSE_NO_NEXT);
    }
out:
    if (next >= 0)
        close(next);
    close_all(fds, opt.pool);
    free(fds);
}

static void one_at_a_time(check_ctx_t *c, result_t *r)
{
    static const char line[] = "the second client\n";
    char got[sizeof(line)];
    int first = -1, second = -1;

    observe(r, EV_CLIENTS_AT_ONCE); /* a death here: shared-descriptor */
    if (hold_clients(c->srv.port, &first, 1, r) < 0)
        return;
    if ((second = cl_connect(c->srv.port)) < 0) {
        fail(r, "the second client could not connect: %s (the listen backlog "
             "should hold it)", strerror(errno));
        close(first);
        return;
    }
    send(second, line, sizeof(line) - 1, MSG_NOSIGNAL);
    if (readable_within(second, QUIET_MS)) {
        fail(r, "the second client was answered while the first was served");
        observe(r, EV_SECOND_ANSWERED);
        blame(r, CAUSE_NOT_ONE);
    } else {
        close(first);
        first = -1;
        xfer_t x = { .in = got, .inlen = sizeof(line) - 1 };
        if (xfer(second, &x, WAIT_MS) != 0) {
            fail(r, "the second client was not served within %d ms after the "
                 "first left", WAIT_MS);
            observe(r, EV_WAITER_UNSERVED);
            blame(r, CAUSE_NO_NEXT);
        }
    }
    if (first >= 0)
        close(first);
    close(second);
}

static void lines_in_one_segment(check_ctx_t *c, result_t *r)
{
    static const char lines[] = "first line\nsecond line\nthird line\n";

    if (echo_once(c->srv.port, lines, sizeof(lines) - 1, 0, r) == 0)
        return;
    note(r, "the three lines left in one send, so they arrive together");
    blame_echo(r, CAUSE_SEGMENT);
}

/* A bystander's echo failed beside a client that holds the server:
 * nothing came back (not even once it shut down) is what blocking shows,
 * and what serving one at a time shows too: when second-client showed
 * that already, it is that fault again, not judged twice. */
static void blame_blocking(result_t *r, int ev, int cause)
{
    if (has_seen(r, EV_NOTHING_BACK) && !has_seen(r, EV_HELD_TO_EOF)) {
        observe(r, ev);
        observe(r, EV_SECOND_WAITED);
    }
    if (!cause_shown(CAUSE_ITERATIVE) || !blame(r, CAUSE_ITERATIVE))
        blame_echo(r, cause);
}

static void half_line(check_ctx_t *c, result_t *r)
{
    static const char half[] = "half a li", rest[] = "ne\n";
    static const char line[] = "a bystander's line\n";
    char got[16];
    int holder = cl_connect(c->srv.port);

    observe(r, EV_CLIENTS_AT_ONCE); /* a death here: shared-descriptor */
    if (holder < 0) {
        fail(r, "the first client could not connect: %s", strerror(errno));
        return;
    }
    send(holder, half, sizeof(half) - 1, MSG_NOSIGNAL);
    nap(ms(300)); /* the server reads the half line (a blocking one waits) */
    if (echo_once(c->srv.port, line, sizeof(line) - 1, 0, r) != 0) {
        note(r, "meanwhile a first client had sent \"half a li\" and waited");
        blame_blocking(r, EV_WAITED_HALF_LINE, CAUSE_BLOCK_READ);
    } else {
        xfer_t x = { .out = rest, .outlen = 3, .in = got, .inlen = 12 };
        if (xfer(holder, &x, WAIT_MS) != 0 ||
            memcmp(got, "half a line\n", 12) != 0) {
            fail(r, "the half line, once completed with \"ne\\n\", did not "
                 "come back whole");
            observe(r, EV_HALF_NOT_WHOLE);
            blame(r, CAUSE_PARTIAL_LINE);
        }
    }
    close(holder);
}

static void flooder(check_ctx_t *c, result_t *r)
{
    static const char line[] = "a bystander's line\n";
    int fd = cl_connect(c->srv.port);

    observe(r, EV_CLIENTS_AT_ONCE); /* a death here: shared-descriptor */
    if (fd < 0) {
        fail(r, "the flooding client could not connect: %s", strerror(errno));
        return;
    }
    long long start = now_ms();
    size_t sent = flood(fd);
    /* Not provoked: the flood was cut by its time limit while the server
     * still took bytes, so its writes never backed up. (One that takes
     * 64 MB without its echo backing up loses the echo: the echo group's
     * fault to judge, not this check's to excuse.) */
    int cut = sent < (64u << 20) && now_ms() - start >= WAIT_MS;
    step("the flooder sent %zu bytes and reads nothing; %zu of its echo "
         "waiting unread", sent, bytes_waiting(fd));
    if (echo_once(c->srv.port, line, sizeof(line) - 1, 0, r) != 0) {
        note(r, "meanwhile a first client had sent %zu bytes of lines and read "
                "none of its echo", sent);
        blame_blocking(r, EV_WAITED_FLOODER, CAUSE_BLOCK_WRITE);
    } else if (cut)
        not_provoked(r, "the flood (%zu bytes) was cut by its time limit "
                     "before the server's writes to it backed up", sent);
    /* Leaves politely, reading the rest of its echo (the robustness
     * group is where clients vanish), unless the server is stuck anyway. */
    xfer_t x = { .shut = 1, .want_eof = 1 };
    if (!r->failed)
        xfer(fd, &x, WAIT_MS);
    cl_reset(fd);
}

static void hundred_clients(check_ctx_t *c, result_t *r)
{
    int crossed;

    observe(r, EV_CLIENTS_AT_ONCE); /* a death here: shared-descriptor */
    int answered = many_clients(c->srv.port, 100, &crossed, r);
    if (answered == 100)
        return;
    note(r, "each client sent one line of its own, at once, and left after "
            "its echo");
    if (crossed > 0)
        observe(r, EV_CROSSTALK);
    else if (answered > 0)
        observe(r, EV_UNANSWERED); /* some were served: not the server's end */
    if (!blame(r, CAUSE_HELD) && !blame(r, CAUSE_CROSSTALK) &&
        !blame(r, CAUSE_CROWD))
        blame(r, CAUSE_NO_ECHO);
}

const check_t conc_checks[] = {
    { "second-client", M_MANY, 0, second_client },
    { "pool-serves-n", M_POOL, 0, pool_serves_n },
    { "pool-next-waits", M_POOL, 0, pool_next_waits },
    { "one-at-a-time", M_ONE, 0, one_at_a_time },
    { "lines-in-one-segment", M_ALL, 0, lines_in_one_segment },
    { "half-line-delays-nobody", M_MANY | M_POOL, 0, half_line },
    { "flooder-delays-nobody", M_MANY | M_POOL, 0, flooder },
    { "hundred-clients", M_ALL, 0, hundred_clients },
};
const int n_conc_checks = sizeof(conc_checks) / sizeof(conc_checks[0]);
