/*
 * eb_churn.c - echobench's churn mode (-m churn): the cost of adding and
 * removing a client. Each of CLIENTS clients, over and over: connects,
 * sends one LINE_BYTES line, reads its echo and checks every byte, sees
 * the server close, closes; the workload of an HTTP/1.0 server (UNP
 * chapter 30). Reported: connections per second, the latency of a whole
 * connect-echo-close, failed connects, and the CPU both sides spent per
 * 1000 connections. A wrong, short or missing echo, a connection the
 * server does not finish before SECONDS + 3 s, or any failed connect fails
 * the run (exit 1, with the reason on stderr).
 *
 * TIME_WAIT and ephemeral ports: the side of a TCP connection that sends
 * its FIN first keeps the connection in TIME_WAIT for a minute or two (60 s
 * on Linux), and a client's connection in TIME_WAIT holds its port. An echo
 * server never closes first (it echoes until the client's FIN: the
 * contract), so the TIME_WAIT is always ours. At thousands of connections a
 * second from one source address that would use up its ~28,000 ephemeral
 * ports within seconds, and connect would fail (EADDRNOTAVAIL). So each
 * connection binds the next source address of 127.0.0.0/8 before it
 * connects (16 million of them, all local on Linux): a port of one address
 * comes round again only after 16 million connections, long after its
 * TIME_WAIT is over. Where only 127.0.0.1 answers (macOS, unless configured)
 * or the target is not IPv4 loopback (::1), it connects from the one
 * address the kernel picks; a kernel that reuses loopback TIME_WAITs (Linux
 * does) keeps that going, and one that does not shows as failed connects,
 * which fail the run: never as quietly skewed figures. The kernel caps the
 * TIME_WAITs it keeps (tcp_max_tw_buckets on Linux) and closes connections
 * beyond that without one; that costs nothing here.
 * The client sends its line and, at once, its FIN (a shutdown of its
 * sending side), then reads the echo up to the server's close: so the
 * server's close is part of what is measured and checked, and no round
 * trip is spent waiting between the two.
 *
 * Each worker thread (-t) drives its clients with non-blocking sockets and
 * the poller, so one thread keeps many connections in flight; a client's
 * state and descriptor are touched by its worker only.
 */
#include <netdb.h>
#include <netinet/in.h>

#include "csapp.h"
#include "echobench.h"

enum { CH_IDLE, CH_CONNECTING, CH_ECHOING };   /* client_t.state */

static struct addrinfo *target;   /* set before the workers start, read-only after */
static atomic_bool spread;         /* bind source addresses across 127/8? (see top) */
static atomic_uint next_source;    /* how many have been handed out */

/* Binds fd to the next source address of 127.0.0.0/8 while spreading:
 * 0 if that worked or is not done here, -1 (errno set) if it failed. */
static int bind_source(int fd)
{
    if (!spread)
        return 0;
    uint32_t k = atomic_fetch_add(&next_source, 1) % 0xFFFFFEu + 1;  /* .0.0.1 - .255.255.254 */
    struct sockaddr_in a = { .sin_family = AF_INET,
                             .sin_addr.s_addr = htonl(0x7F000000u | k) };
    if (bind(fd, (SA *)&a, sizeof a) == 0)
        return 0;
    if (errno != EADDRNOTAVAIL)
        return -1;
    spread = false;                /* only 127.0.0.1 answers here */
    return 0;
}

static void connect_failed(worker_t *w, client_t *c, int err)
{
    w->connects_failed++;
    w->connect_errno = err;
    c->state = CH_IDLE;            /* the next round tries again */
}

/* Starts c's next connection: line number c->done, sent once connected. */
static void churn_start(worker_t *w, client_t *c, uint64_t now)
{
    c->t_start = now;
    c->rpos = c->opos = 0;
    make_header(c->hdr, c->id, c->done);
    make_line(c->out, c->id, c->done);
    int fd = socket(target->ai_family, target->ai_socktype, target->ai_protocol);
    if (fd < 0) {
        connect_failed(w, c, errno);   /* EMFILE: our limit, still a failure */
        return;
    }
    set_nonblocking(fd);
    if (bind_source(fd) < 0 ||
        (connect(fd, target->ai_addr, target->ai_addrlen) < 0 && errno != EINPROGRESS)) {
        int err = errno;
        close(fd);
        connect_failed(w, c, err);
        return;
    }
    c->fd = fd;
    c->state = CH_CONNECTING;
    w->pending++;
    poller_add(w, c, true);           /* writable: the handshake is over */
}

static void churn_close(worker_t *w, client_t *c)
{
    close(c->fd);
    c->fd = -1;
    c->state = CH_IDLE;
    w->pending--;
}

/* Sends what is left of the line, then our FIN (see the top of the file). */
static void churn_write(worker_t *w, client_t *c)
{
    size_t s = (size_t)opt.line_bytes;
    while (c->opos < s) {
        ssize_t n = write(c->fd, c->out + c->opos, s - c->opos);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && would_wait(errno))
            return;                    /* still watching for writability */
        if (n < 0) {
            fail("client %u connection %llu: write: %s", (unsigned)c->id,
                 (unsigned long long)c->done, strerror(errno));
            return;
        }
        c->opos += (size_t)n;
    }
    shutdown(c->fd, SHUT_WR);
    poller_set(w, c, false);
}

static void churn_connected(worker_t *w, client_t *c)
{
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
        err = errno;
    if (err != 0) {
        churn_close(w, c);
        connect_failed(w, c, err);
        return;
    }
    c->state = CH_ECHOING;
    churn_write(w, c);
}

/* A whole connection: counted if it ended inside the measured window. */
static void churn_done(worker_t *w, client_t *c, uint64_t now)
{
    if (now >= measure_from_ns && now < stop_at_ns) {
        hist_add(&w->hist, now - c->t_start);
        w->lines++;
    }
    c->done++;
    churn_close(w, c);
}

/* One read of the echo, checked as it comes. Returns 1 to read again
 * (bytes came and more may follow), else 0: nothing yet, done, or failed. */
static int churn_read(worker_t *w, client_t *c, uint64_t now)
{
    size_t s = (size_t)opt.line_bytes;
    ssize_t n = read(c->fd, w->rbuf, READBUF);
    if (n < 0 && (would_wait(errno) || errno == EINTR))
        return 0;
    if (n < 0)
        fail("client %u connection %llu: read: %s", (unsigned)c->id,
             (unsigned long long)c->done, strerror(errno));
    else if (n == 0 && c->rpos < s)
        fail("client %u connection %llu: the server closed after %zu of %zu echoed bytes",
             (unsigned)c->id, (unsigned long long)c->done, c->rpos, s);
    else if (n == 0)
        churn_done(w, c, now);
    else if (c->rpos + (size_t)n > s)
        fail("client %u connection %llu: server echoed %zu bytes but was sent only %zu",
             (unsigned)c->id, (unsigned long long)c->done, c->rpos + (size_t)n, s);
    else if (echo_matches(c, w->rbuf, (size_t)n)) {
        c->rpos += (size_t)n;
        return 1;
    }
    return 0;
}

static void churn_handle(worker_t *w, client_t *c, int rev, uint64_t now)
{
    if (c->fd < 0)
        return;
    if (c->state == CH_CONNECTING) {
        churn_connected(w, c);         /* any event ends a connect */
        return;
    }
    if (rev & EV_OUT)
        churn_write(w, c);
    /* The server's close often comes with the echo: read on until it has,
     * rather than wait another round for it. */
    if (rev & EV_IN)
        while (c->fd >= 0 && !failed && churn_read(w, c, now))
            ;
}

/* Each round starts a connection for every idle client, then handles events;
 * a failed connect is retried next round (after at most TICK_MS). */
static void *churn_main(void *arg)
{
    worker_t *w = arg;
    size_t max = w->nc > MAX_EVENTS ? (size_t)w->nc : MAX_EVENTS;  /* poll() may report all */
    ready_t r = { Calloc(max, sizeof(int)), Calloc(max, sizeof(int)) };
    for (;;) {
        uint64_t now = now_ns();
        if (failed || now >= give_up_ns || (now >= stop_at_ns && w->pending == 0))
            break;
        for (int i = 0; i < w->nc && now < stop_at_ns; i++)
            if (w->c[i].fd < 0)
                churn_start(w, &w->c[i], now);
        int n = poller_wait(w, &r, TICK_MS);
        now = now_ns();
        for (int i = 0; i < n && !failed; i++)
            churn_handle(w, &w->c[r.idx[i]], r.rev[i], now);
    }
    for (int i = 0; i < w->nc; i++)  /* unfinished: w->pending says how many */
        if (w->c[i].fd >= 0)
            close(w->c[i].fd);
    free(r.idx);
    free(r.rev);
    return NULL;
}

/* The first address host and port resolve to; exits 1 if none. */
static struct addrinfo *resolve(void)
{
    struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *list;
    int rc = getaddrinfo(opt.host, opt.port, &hints, &list);
    if (rc != 0) {
        fprintf(stderr, "echobench: %s port %s: %s\n", opt.host, opt.port, gai_strerror(rc));
        exit(1);
    }
    return list;
}

/* Says on stderr what went wrong in a run; returns the error count. */
static uint64_t churn_errors(const totals_t *tot)
{
    if (tot->connects_failed)
        fprintf(stderr, "echobench: ERROR: %llu connects to %s port %s failed: %s\n",
                (unsigned long long)tot->connects_failed, opt.host, opt.port,
                strerror(tot->connect_errno));
    if (tot->unanswered && !failed)
        fprintf(stderr, "echobench: ERROR: %llu connections unfinished %d ms after the run "
                "(server stopped answering or closing?)\n",
                (unsigned long long)tot->unanswered, DRAIN_TIMEOUT_MS);
    bool none = opt.seconds > 0 && tot->served == 0;   /* measured nothing */
    if (none && !failed && !tot->connects_failed)
        fprintf(stderr, "echobench: ERROR: no connection completed in %d s\n", opt.seconds);
    return (uint64_t)failed + tot->unanswered + tot->connects_failed + none;
}

/* Churn for SECONDS, then let the connections in flight finish. Returns errors. */
uint64_t run_churn(client_t *c, int n, int nthreads, totals_t *tot)
{
    target = resolve();
    spread = target->ai_family == AF_INET &&
             ntohl(((struct sockaddr_in *)target->ai_addr)->sin_addr.s_addr) >> 24 == 127;
    for (int i = 0; i < n; i++) {
        c[i] = (client_t){ .fd = -1, .id = (uint32_t)i, .state = CH_IDLE };
        c[i].out = Calloc((size_t)opt.line_bytes, 1);
    }
    uint64_t start = now_ns();
    measure_from_ns = start;
    stop_at_ns = start + (uint64_t)opt.seconds * 1000000000u;
    give_up_ns = stop_at_ns + DRAIN_TIMEOUT_MS * 1000000ull;
    double cpu0 = cpu_if_asked(), self0 = self_cpu();
    worker_t *w = start_workers(c, n, nthreads, 0, churn_main);
    sleep_until(stop_at_ns);
    double cpu1 = cpu_if_asked(), self1 = self_cpu();
    join_workers(w, nthreads, tot);
    freeaddrinfo(target);
    uint64_t errors = churn_errors(tot);
    report_churn(tot, (double)(stop_at_ns - start) / 1e9,
                 cpu0 >= 0 && cpu1 >= 0 ? cpu1 - cpu0 : -1, self1 - self0, errors);
    return errors;
}
