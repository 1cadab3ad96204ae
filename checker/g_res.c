/*
 * g_res.c - the resources group. After one warm-up client the server's
 * idle counts are taken (threads, descriptors, memory mappings); then 50
 * clients come and go, one after another, and each check waits (up to
 * WAIT_MS) for its count to be back: no zombie child, threads and
 * descriptors at their idle values, mappings not grown per client (a
 * thread never detached or joined keeps its stack mapped: 8 MB each under
 * glibc, far less under musl, so stacks are counted, not bytes). A few
 * threads more than idle may be the runtime's own (a JVM's collector):
 * 50 clients more tell, since a thread per client grows again. Then
 * no-zombies has 15 clients leave together while the server is stopped:
 * their children's SIGCHLDs merge, which a handler reaping one child per
 * signal misses. These need /proc. fd-limit-64 needs none: its own instance,
 * started with a limit of 64 descriptors, must survive 100 clients and
 * serve again; it passes only where it met the limit (/proc shows the
 * descriptors held), so it is for model many: a server that serves one
 * or a pool at a time leaves the rest in its backlog and never holds 64.
 * bounded-memory and idle-cpu, what the server costs, are in g_cost.c.
 */
#include "echocheck.h"

#define CLIENTS 50
#define BURST 15    /* no-zombies: clients that leave together */
/* Fewer threads than this above idle may be a runtime's own, started
 * under load and kept (a JVM's garbage-collector threads): judged again
 * by whether they grow with more clients (growth_repeats). */
#define RUNTIME_THREADS (CLIENTS / 10)

typedef struct {
    pid_t pid;            /* the instance these were measured on */
    int ok;               /* the clients were served */
    int cause;            /* else the cause their failure showed */
    int threads, fds, maps, stacks;
    int fds_were_back;    /* fds-back passed: each client's was closed */
    long long maps_bytes;
} idle_t;

/* The idle counts, after a warm-up client and a moment to settle. */
static void measure(idle_t *s, pid_t pid)
{
    s->pid = pid;
    s->threads = count_threads(pid);
    s->fds = count_fds(pid);
    s->maps = count_maps(pid, &s->maps_bytes, &s->stacks);
}

/* Runs the group's clients once per instance; 0 when they were served. */
static int scenario(check_ctx_t *c, result_t *r)
{
    static const char line[] = "a client that comes and goes\n";
    idle_t *s = c->state;

    if (s != NULL && s->pid == c->srv.pid) {
        if (s->ok)
            return 0;
        fail(r, "not checked: the clients were not served (see the first "
                "check above)");
        r->cause = s->cause; /* judged there: said once */
        return -1;
    }
    if (s == NULL)
        c->state = s = Calloc(1, sizeof(idle_t));
    s->ok = 0;
    s->pid = c->srv.pid;
    result_t first = { 0 };
    if (echo_once(c->srv.port, line, sizeof(line) - 1, 0, &first) != 0) {
        fail_from(r, "the warm-up client was not served", &first);
        blame_echo(r, CAUSE_NONE);
        s->cause = r->cause;
        return -1;
    }
    nap(ms(200));
    measure(s, c->srv.pid);
    step("idle: %d threads, %d descriptors, %d mappings (%lld KB, %d stacks)",
         s->threads, s->fds, s->maps, s->maps_bytes >> 10, s->stacks);
    for (int i = 0; i < CLIENTS; i++) {
        result_t one = { 0 };
        if (echo_once(c->srv.port, line, sizeof(line) - 1, 0, &one) != 0) {
            char what[64];
            snprintf(what, sizeof(what), "client %d of the %d was not served",
                     i + 1, CLIENTS);
            fail_from(r, what, &one);
            blame_echo(r, CAUSE_NONE);
            s->cause = r->cause;
            return -1;
        }
    }
    s->ok = 1;
    return 0;
}

typedef int count_fn(check_ctx_t *c);

/* Polls count until it is at most limit, for up to WAIT_MS; returns the
 * last count seen. */
static int wait_at_most(check_ctx_t *c, count_fn *count, int limit)
{
    long long end = now_ms() + WAIT_MS;
    int n;

    while ((n = count(c)) > limit && now_ms() < end)
        nap(50);
    return n;
}

static int zombies(check_ctx_t *c) { return count_group(c->srv.pid, 1); }
static int threads(check_ctx_t *c) { return count_threads(c->srv.pid); }
static int fds(check_ctx_t *c) { return count_fds(c->srv.pid); }
static int stacks(check_ctx_t *c)
{
    long long bytes;
    int n;
    return count_maps(c->srv.pid, &bytes, &n) < 0 ? -1 : n;
}

/* BURST clients connect at once and each sends a line; returns how many
 * were answered, waiting until as many as the server serves at once (all
 * of them, or its pool) are, or WAIT_MS. */
static int burst_join(int port, int fdv[BURST])
{
    static const char line[] = "one of a crowd that leaves together\n";
    int heard[BURST] = { 0 }, answered = 0;
    int want = opt.model == M_MANY || opt.pool > BURST ? BURST : opt.pool;
    char scrap[256];

    for (int i = 0; i < BURST; i++)
        if ((fdv[i] = cl_connect(port)) >= 0)
            send(fdv[i], line, sizeof(line) - 1, MSG_NOSIGNAL);
    for (long long end = now_ms() + WAIT_MS;
         answered < want && now_ms() < end; nap(10))
        for (int i = 0; i < BURST; i++)
            if (fdv[i] >= 0 && !heard[i] &&
                recv(fdv[i], scrap, sizeof(scrap), 0) > 0)
                heard[i] = 1, answered++;
    return answered;
}

/* The crowd leaves together while the server's first process is stopped
 * (SIGSTOP), as a loaded machine may keep it off the CPU: the children
 * that served them end meanwhile, so their SIGCHLDs merge into one
 * pending signal, for certain, which SIGCONT then delivers. */
static int burst_and_leave(check_ctx_t *c)
{
    int fdv[BURST], idle = count_group(c->srv.pid, 2); /* living ones */
    int answered = burst_join(c->srv.port, fdv);
    int paused = inst_pause(&c->srv) == 0;

    for (int i = 0; i < BURST; i++)
        if (fdv[i] >= 0)
            close(fdv[i]);
    for (long long end = now_ms() + WAIT_MS; paused &&
         count_group(c->srv.pid, 2) > idle && now_ms() < end; nap(10))
        ; /* until the children that served them have ended */
    int merged = paused && count_group(c->srv.pid, 2) <= idle;
    inst_resume(&c->srv);
    step("%d clients left together, %d of them answered, the server %s",
         BURST, answered, paused ? "stopped meanwhile" : "not stopped");
    return merged;
}

static void no_zombies(check_ctx_t *c, result_t *r)
{
    if (scenario(c, r) < 0)
        return;
    int n = wait_at_most(c, zombies, 0);
    if (n > 0) {
        fail(r, "%d zombie children remained %d ms after %d clients left, "
             "one after another%s", n, WAIT_MS, CLIENTS,
             n == CLIENTS + 1 ? " (and a client's before them)"
             : n > CLIENTS   ? " (and clients' before them)" : "");
        /* Every client's child (a reap per signal misses only some). */
        observe(r, n >= CLIENTS ? EV_ZOMBIES_ALL : EV_ZOMBIES_SOME);
        if (!blame(r, CAUSE_NEVER_REAPS))
            blame(r, CAUSE_REAPS_ONE);
        return;
    }
    observe(r, EV_CLIENTS_AT_ONCE); /* a death here: shared-descriptor */
    int merged = burst_and_leave(c);
    if ((n = wait_at_most(c, zombies, 0)) == 0) {
        if (!merged)
            not_provoked(r, "the server could not be kept stopped until the "
                         "processes that served the %d had ended, so their "
                         "SIGCHLDs need not have merged", BURST);
        return;
    }
    fail(r, "%d zombie children remained %d ms after %d clients left "
         "together", n, WAIT_MS, BURST);
    note(r, "none remained after %d clients had left one after another",
         CLIENTS);
    observe(r, EV_ZOMBIES_SOME);
    blame(r, CAUSE_REAPS_ONE);
}

/* Threads above the idle count, when there are, are the fault: what they
 * hold (descriptors, stacks) follows from it. Notes their count and CPU
 * use, the busiest by name when they spin (alive, not "undetached");
 * returns 1 when so. */
static int threads_alive(pid_t pid, int idle, result_t *r)
{
    int n = count_threads(pid);

    if (idle < 0 || n <= idle)
        return 0;
    note(r, "%d threads are alive, %d when idle", n, idle);
    note_spinning(pid, 1, r); /* busy ones: their spinning is the cause */
    observe(r, EV_THREADS_LEFT);
    return 1;
}

/* Runs CLIENTS more clients, one after another; 0 when each was served. */
static int clients_again(check_ctx_t *c, result_t *r)
{
    static const char line[] = "a client that comes and goes, again\n";

    for (int i = 0; i < CLIENTS; i++) {
        result_t one = { 0 };
        if (echo_once(c->srv.port, line, sizeof(line) - 1, 0, &one) != 0) {
            fail_from(r, "a client of the second round was not served", &one);
            blame_echo(r, CAUSE_NONE);
            return -1;
        }
    }
    return 0;
}

/* A few threads more than idle may be the runtime's own (a JVM starts
 * garbage-collector threads lazily, under load, and keeps them): a thread
 * per client, or per some clients, grows again with the next clients. So
 * a growth under a tenth of the clients is judged by a second round: it
 * is a leak when the count grows again by at least half as much; else
 * the count after the first round is the idle one from then on. Returns
 * the count to judge against idle (idle itself when forgiven); *clients
 * gets how many clients had come and gone by then. */
static int growth_repeats(check_ctx_t *c, idle_t *s, int n, int *clients,
                          result_t *r)
{
    int grown = n - s->threads;

    *clients = CLIENTS;
    if (grown >= RUNTIME_THREADS || clients_again(c, r) < 0)
        return n;
    *clients = 2 * CLIENTS;
    int again = wait_at_most(c, threads, n);
    if (again - n > 0 && 2 * (again - n) >= grown) {
        note(r, "%d more threads after %d more clients left: the count "
             "grows with the clients", again - n, CLIENTS);
        return again;
    }
    step("%d threads more than idle after %d clients, none more after %d "
         "more: the runtime's own, not the clients'", grown, CLIENTS, CLIENTS);
    s->threads = again > n ? again : n;
    return s->threads;
}

static void threads_back(check_ctx_t *c, result_t *r)
{
    if (scenario(c, r) < 0)
        return;
    idle_t *s = c->state; /* scenario's: with --check, it made it */
    int n = wait_at_most(c, threads, s->threads);
    if (n <= s->threads)
        return;
    int idle = s->threads, clients;
    n = growth_repeats(c, s, n, &clients, r);
    if (r->failed || n <= s->threads)
        return;
    fail(r, "%d threads, %d when idle, %d ms after %d clients left", n,
         idle, WAIT_MS, clients);
    threads_alive(c->srv.pid, idle, r);
    blame(r, CAUSE_THREADS_LEFT);
}

static void fds_back(check_ctx_t *c, result_t *r)
{
    if (scenario(c, r) < 0)
        return;
    idle_t *s = c->state; /* scenario's: with --check, it made it */
    int n = wait_at_most(c, fds, s->fds);
    if ((s->fds_were_back = n <= s->fds))
        return;
    fail(r, "%d open descriptors, %d when idle, %d ms after %d clients left",
         n, s->fds, WAIT_MS, CLIENTS);
    if (!threads_alive(c->srv.pid, s->threads, r)) {
        note_spinning(c->srv.pid, 0, r); /* busy: it spins on them */
        observe(r, EV_FDS_LEFT);
    }
    if (!blame(r, CAUSE_THREADS_LEFT))
        blame(r, CAUSE_FDS_LEFT);
}

static void maps_not_grown(check_ctx_t *c, result_t *r)
{
    if (scenario(c, r) < 0)
        return;
    idle_t *s = c->state; /* scenario's: with --check, it made it */
    /* Stacks are counted, not bytes: glibc's are 8 MB, musl's 128 KB, and
     * allocators (a sanitizer's above all) grow by other mappings. glibc
     * caches a few stacks of ended threads: far fewer than one per two
     * clients, which a stack left per client exceeds. */
    int limit = s->stacks + CLIENTS / 2;
    int n = wait_at_most(c, stacks, limit - 1);
    if (n < limit)
        return;
    long long bytes;
    int all, ignored;
    all = count_maps(c->srv.pid, &bytes, &ignored);
    fail(r, "%d thread stacks still mapped, %d when idle, after %d clients "
         "left", n, s->stacks, CLIENTS);
    note(r, "seen: %d memory mappings (%lld MB), %d when idle (%lld MB)", all,
         bytes >> 20, s->maps, s->maps_bytes >> 20);
    if (!threads_alive(c->srv.pid, s->threads, r))
        observe(r, EV_STACKS_NO_THREADS);
    if (!blame(r, CAUSE_THREADS_LEFT))
        blame(r, CAUSE_UNDETACHED);
}

/* The limited instance serves no more. Descriptors still held after the
 * clients left, by live threads or not, are that fault, not the limit's,
 * unless the same server gave each client's back when not limited
 * (fds_were_back): then holding them is what running out did to it. */
static void blame_held(instance_t *lim, int idle, int idle_fds,
                       int fds_were_back, result_t *r)
{
    int fds_now = count_fds(lim->pid);
    /* a few more may be the runtime's: a thread per client is ~60 here */
    int grown = count_threads(lim->pid) - idle;

    if (grown < RUNTIME_THREADS || !threads_alive(lim->pid, idle, r)) {
        if (idle_fds >= 0 && fds_now > idle_fds) {
            note(r, "%d open descriptors, %d when idle, after the 100 left",
                 fds_now, idle_fds);
            if (fds_were_back)
                note(r, "(without the limit, every client's descriptor was "
                        "closed: resources/fds-back)");
        }
        observe(r, idle_fds >= 0 && fds_now > idle_fds && !fds_were_back
                       ? EV_FDS_LEFT : EV_EMFILE_FATAL);
    }
    if (!blame(r, CAUSE_THREADS_LEFT) && !blame(r, CAUSE_FDS_LEFT))
        blame(r, CAUSE_EMFILE);
}

#define LIMIT 64      /* fd-limit-64: the descriptors it may hold */

/* What the crowd met at the limited server: the most descriptors its
 * listening process held (one) and its processes together (all), and
 * how many clients it closed before they had sent a byte (dropped). */
typedef struct {
    int one, all, dropped;
} held_t;

static void watch_held(instance_t *lim, held_t *h)
{
    int one = count_fds(lim->server ? lim->server : lim->pid);
    int all = count_group_fds(lim->pid);

    h->one = one > h->one ? one : h->one;
    h->all = all > h->all ? all : h->all;
}

/* The limit was met: one process held all LIMIT descriptors (its next
 * accept fails with EMFILE); or it held all but one and closed clients
 * unasked (a server that keeps a spare descriptor to close them with
 * sits at LIMIT - 1 between two); or its processes together held more
 * than one may (each under its own limit). Unknown without /proc: 1. */
static int limit_met(const held_t *h)
{
    return !have_procfs() || h->one >= LIMIT || h->all > LIMIT ||
           (h->one >= LIMIT - 1 && h->dropped > 0);
}

/* Clients of fdv[] the server has closed (end of file or a reset). */
static int count_dropped(const int *fdv, int n)
{
    int dropped = 0;
    char byte;

    for (int i = 0; i < n; i++)
        if (fdv[i] >= 0 && readable_within(fdv[i], 0) &&
            recv(fdv[i], &byte, 1, MSG_PEEK | MSG_DONTWAIT) <= 0)
            dropped++;
    return dropped;
}

/* 100 clients connect at once to the instance limited to LIMIT
 * descriptors and each sends a line; they stay until the limit is met,
 * then all leave. A small listen backlog lets them in a few at a time:
 * the handshakes it dropped are sent again after 1, 3 and 7 s, so the
 * wait lasts past 7 s (only where the limit is not met sooner). On a
 * loaded machine the server may still be taking the crowd in then (CI
 * saw a server stop 2 short of the limit that it met a moment later):
 * while its count still grows, the wait goes on, up to as long again. */
#define CROWD_WAIT_MS ms(8000)
static void crowd_and_leave(instance_t *lim, held_t *h)
{
    int fdv[100], most = 0;

    for (int i = 0; i < 100; i++)
        fdv[i] = cl_connect_later(lim->port);
    long long end = now_ms() + CROWD_WAIT_MS, grew = now_ms();
    do {
        nap(10);
        watch_held(lim, h);
        h->dropped = count_dropped(fdv, 100);
        if (h->one + h->all > most)
            most = h->one + h->all, grew = now_ms();
    } while (!limit_met(h) &&
             (now_ms() < end || (now_ms() - grew < ms(1000) &&
                                 now_ms() < end + CROWD_WAIT_MS)));
    nap(ms(300)); /* the server meets the limit again and again */
    for (int i = 0; i < 100; i++)
        if (fdv[i] >= 0)
            send(fdv[i], "one of a hundred\n", 17, MSG_NOSIGNAL);
    nap(ms(500));
    watch_held(lim, h);
    for (int i = 0; i < 100; i++)
        if (fdv[i] >= 0)
            cl_reset(fdv[i]);
}

/* The limited instance died: r fails with how, the cause its output
 * shows (a runtime's report quoted there wins), else the limit's. */
static void limit_death(instance_t *lim, result_t *r)
{
    char how[96];

    status_text(lim->status, how, sizeof(how));
    unfail(r, "seen"); /* the death is the news; what it caused follows */
    fail(r, "the server died when 100 clients came at once with 64 "
         "descriptors allowed: %s", how);
    observe(r, EV_EMFILE_FATAL);
    note_death(r, lim);
    if (r->cause == CAUSE_EXITED || r->cause == CAUSE_KILLED ||
        r->cause == CAUSE_ONE_CLIENT ||
        (r->cause == CAUSE_WRAPPER && /* no connection to close: accept's */
         out_report_says(&lim->out, "Too many open files")))
        r->cause = CAUSE_NONE; /* the limit is the better evidence */
    blame(r, CAUSE_EMFILE);
}

/* 1 once the limited instance has died, waiting up to 300 ms: a next
 * client refused or reset while it exits is its death's. */
static int dies_soon(instance_t *lim)
{
    for (long long end = now_ms() + ms(300); now_ms() < end; nap(10))
        if (!inst_alive(lim))
            return 1;
    return !inst_alive(lim);
}

static void fd_limit_64(check_ctx_t *c, result_t *r)
{
    instance_t lim;
    idle_t *s = c->state;

    /* The group's instance goes first: with -p both would want the port. */
    inst_stop(&c->srv);
    if (inst_start(&lim, LIMIT) < 0) {
        fail(r, "it did not start with a limit of 64 descriptors: %s", lim.why);
        note_last_lines(r, &lim);
        inst_stop(&lim);
        return;
    }
    int idle = count_threads(lim.pid), idle_fds = count_fds(lim.pid);
    held_t h = { 0, 0, 0 };
    observe(r, EV_CLIENTS_AT_ONCE); /* a death here: shared-descriptor */
    crowd_and_leave(&lim, &h);
    step("with %d descriptors allowed: at most %d held by the server, %d "
         "by its processes together; %d clients dropped", LIMIT, h.one,
         h.all, h.dropped);
    nap(ms(200));
    int served = 0;
    if (inst_alive(&lim) && !(served = serves_next(lim.port, r) == 0) &&
        !dies_soon(&lim)) {
        note(r, "100 clients had come at once, with 64 descriptors "
                "allowed, and left");
        if (blame(r, CAUSE_HELD)) /* the echo's fault, not the limit's */
            ;
        else if (!limit_met(&h)) /* the limit never met: not its fault */
            blame_echo(r, CAUSE_NONE);
        else
            blame_held(&lim, idle, idle_fds, s && s->fds_were_back, r);
        note_last_lines(r, &lim);
    } else if (!inst_alive(&lim)) {
        limit_death(&lim, r);
    } else if (served && !limit_met(&h) && cause_shown(CAUSE_CROWD)) {
        /* Clients at once went unanswered before: the same fault kept
         * this crowd out, and the limit out of reach. */
        fail(r, "the limit of %d descriptors was never reached: the "
             "crowd did not get in", LIMIT);
        r->cause = CAUSE_CROWD;
    } else if (served && !limit_met(&h)) {
        not_provoked(r, "the limit of %d descriptors was never reached "
                     "(at most %d held by the server, %d by its "
                     "processes together)", LIMIT, h.one, h.all);
        note_last_lines(r, &lim);
    }
    inst_stop(&lim);
}

const check_t res_checks[] = {
    { "no-zombies", M_ALL, 1, no_zombies },
    { "threads-back", M_ALL, 1, threads_back },
    { "fds-back", M_ALL, 1, fds_back },
    { "maps-not-grown", M_ALL, 1, maps_not_grown },
    { "fd-limit-64", M_MANY, 0, fd_limit_64 },
    { "bounded-memory", M_ALL, 2, bounded_memory },
    { "idle-cpu", M_ALL, 1, idle_cpu },
};
const int n_res_checks = sizeof(res_checks) / sizeof(res_checks[0]);
