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
 * signal misses. These need /proc. fd-limit-64, a crowd at a server
 * limited to 64 descriptors, is in g_fdlimit.c; bounded-memory and
 * idle-cpu, what the server costs, in g_cost.c.
 */
#include "g_res.h"

#define BURST 15    /* no-zombies: clients that leave together */

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
int threads_alive(pid_t pid, int idle, result_t *r)
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
