/*
 * stress.c - make stress: each server against hundreds of clients at once
 * for a bounded time, with nothing lost. One thread drives every client
 * with non-blocking sockets and poll. A client is one of three kinds:
 *   echo   sends a random mix of short lines, CR LF lines, lines longer
 *          than 8192 bytes, runs of NUL bytes and a last line with or
 *          without a newline, in writes of random sizes while it reads,
 *          then half-closes; it must get back exactly what it sent, then
 *          end of file;
 *   reset  sends part of such a payload, stopping mid-line, checks the
 *          echo so far, then resets the connection (SO_LINGER 0);
 *   leave  sends without ever reading, then closes (a reset, since its
 *          echo is unread).
 * A finished client is replaced at once until the time is up. Then the
 * server must still be alive and back to idle: threads, descriptors and
 * children as before the run. A table sums up each server; the exit
 * status is 1 on any lost or corrupted byte, stalled client, dead or
 * non-idle server.
 * echoserveri is run with one client at a time (its model: any more would
 * only wait in the backlog). echoservert_pre runs 256 workers for 500
 * clients, so half of them wait their turn in its buffer and the backlog.
 * With -b (make stress, not stress-quick), echoservere also faces 10,000
 * clients at once, if the descriptor limit allows (README: ulimit -n).
 * This file is the driver: the options, the servers' specs, one run per
 * server and the table. The clients are in stress_client.c, the server
 * under test in stress_server.c.
 * Run: tests/bin/stress [-b] [-t SECONDS] [-s SEED] [SERVER...]
 */
#include "stress.h"

#include <poll.h>
#include <time.h>

#define DRAIN_MS 30000 /* after the time is up, clients still running get this */
/* New clients per round: a burst far past the listen backlog (LISTENQ)
 * would have its SYNs dropped, and the kernel retries them only after 1,
 * 3, 7, 15 s: stalls of the load generator's making, not the server's. */
#define START_MAX 256
/* With thousands of clients a round is long, and a server whose log pipe
 * stays full meanwhile waits in write: the log is read this often. */
#define LOG_DRAIN_EVERY 128

/* ---- The servers and how many clients each holds at once ---- */

#define MAX_SPECS 32
#define POOL_SIZE 256 /* a pool's size: half the clients wait their turn */

/*
 * One spec per server of tests/servers.txt, its load from its traits: one
 * client for a server that serves one at a time, 500 for processes (a
 * fork each) and for a pool of POOL_SIZE, 1000 for the rest (the select
 * loop stays below FD_SETSIZE with its own descriptors).
 */
static int load_specs(spec_t *specs)
{
    size_t n;
    const server_info_t *list = server_list(&n);

    for (size_t k = 0; k < n && k < MAX_SPECS; k++) {
        spec_t *sp = &specs[k];
        snprintf(sp->prog, sizeof(sp->prog), "./%s", list[k].name);
        sp->nargs = server_pool_args(&list[k], POOL_SIZE, sp->args, 3);
        if (strcmp(list[k].serves, "one") == 0)
            sp->concurrent = 1;
        else if (strcmp(list[k].serves, "pool") == 0 ||
                 strcmp(list[k].runs, "processes") == 0)
            sp->concurrent = 500;
        else
            sp->concurrent = 1000;
        /* A pool of processes keeps its workers when idle. */
        sp->pool = strcmp(list[k].serves, "pool") == 0 &&
                   strcmp(list[k].runs, "processes") == 0 ? POOL_SIZE : 0;
    }
    return n < MAX_SPECS ? (int)n : MAX_SPECS;
}

/*
 * With -b, a run past FD_SETSIZE tenfold for each server built to hold
 * that many (its own descriptor limit permitting): appended to specs.
 */
#define BIG_CLIENTS 10000
static const char *const big_servers[] = {"echoservere"};

static int add_big_specs(spec_t *specs, int nspecs)
{
    int n = nspecs;

    for (size_t b = 0; b < sizeof(big_servers) / sizeof(big_servers[0]); b++)
        for (int k = 0; k < nspecs && n < MAX_SPECS; k++)
            if (strcmp(specs[k].prog + 2, big_servers[b]) == 0) {
                specs[n] = specs[k];
                specs[n++].concurrent = BIG_CLIENTS;
            }
    return n;
}

/* ---- One server's run ---- */

/* The clients of a run, and the poll set: one entry per client, then the
 * server's log. */
typedef struct {
    client_t *c;
    struct pollfd *p;
    int n;
} crowd_t;

/* Starts a client in each free slot while the time is not up, and fills
 * the poll set. Returns how many clients are running. */
static int fill_poll_set(crowd_t *w, server_proc_t *s, long long now,
                         long long end)
{
    int active = 0, started = 0;

    for (int i = 0; i < w->n; i++) {
        if (w->c[i].fd < 0 && now < end && started++ < START_MAX)
            client_start(&w->c[i], s->port);
        w->p[i].fd = w->c[i].fd;
        w->p[i].events = w->c[i].fd >= 0 ? client_events(&w->c[i]) : 0;
        active += w->c[i].fd >= 0;
    }
    w->p[w->n].fd = s->logfd;
    w->p[w->n].events = POLLIN;
    return active;
}

/* Gives each running client its turn; ends the ones that are over. */
static void step_all(crowd_t *w, server_proc_t *s, long long now)
{
    for (int i = 0; i < w->n; i++) {
        if (w->c[i].fd >= 0 && client_step(&w->c[i], w->p[i].revents, now) < 0)
            client_end(&w->c[i]);
        if (i % LOG_DRAIN_EVERY == LOG_DRAIN_EVERY - 1)
            drain_log(s);
    }
}

/* Ends every client still running; as failures when they overran. */
static void end_all(crowd_t *w, int overran)
{
    for (int i = 0; i < w->n; i++)
        if (w->c[i].fd >= 0) {
            if (overran)
                report(&w->c[i], "still running %d s after the end",
                       DRAIN_MS / 1000);
            client_end(&w->c[i]);
        }
}

/* Drives `concurrent` clients at a time for `seconds`, then lets them end. */
static void drive(server_proc_t *s, int concurrent, int seconds)
{
    crowd_t w = {Calloc((size_t)concurrent, sizeof(client_t)),
                 Calloc((size_t)concurrent + 1, sizeof(struct pollfd)),
                 concurrent};
    long long start = now_ms(), end = start + seconds * 1000LL;
    long long hard_end = end + DRAIN_MS, checked = start;

    for (int i = 0; i < concurrent; i++)
        w.c[i].fd = -1;
    for (;;) {
        long long now = now_ms();
        int active = fill_poll_set(&w, s, now, end);
        if (active == 0 && now >= end)
            break;
        if (now >= hard_end) {
            end_all(&w, 1);
            break;
        }
        poll(w.p, (nfds_t)concurrent + 1, 50);
        drain_log(s);
        now = now_ms();
        step_all(&w, s, now);
        if (now - checked > 500) {
            checked = now;
            if (server_died(s)) {
                end_all(&w, 0);
                break;
            }
        }
    }
    free(w.c);
    free(w.p);
}

static void run_server(const spec_t *spec, int concurrent, int seconds,
                       tally_t *t)
{
    server_proc_t s;

    memset(t, 0, sizeof(*t));
    memset(&s, 0, sizeof(s));
    t->concurrent = concurrent;
    tally = t;
    printf("==== %s: %d client%s at once for %d s ====\n", spec->prog + 2,
           concurrent, concurrent == 1 ? "" : "s", seconds);
    fflush(stdout);
    if (server_spawn(&s, spec) < 0 || warm_up(&s) < 0) {
        t->failures++;
        if (s.pid > 0)
            server_kill(&s);
        return;
    }
    counts_t idle = idle_counts(&s, spec->pool), after = idle;
    drive(&s, concurrent, seconds);

    t->alive = server_running(&s);
    if (t->alive) {
        t->idle = back_to_idle(&s, idle, &after);
        snprintf(t->idle_note, sizeof(t->idle_note), "%d/%d/%d",
                 after.tasks, after.fds, after.children);
        server_kill(&s);
    } else {
        printf("    FAIL the server is dead\n");
        snprintf(t->idle_note, sizeof(t->idle_note), "dead");
    }
    if (t->failures > MAX_REPORTS)
        printf("    ... and %ld more failures\n", t->failures - MAX_REPORTS);
}

/* ---- The whole run ---- */

static int usage(void)
{
    fprintf(stderr, "usage: stress [-b] [-t SECONDS] [-s SEED] [SERVER...]\n");
    return 2;
}

/* Reads the options; chosen[k] marks the servers named (none: all).
 * Returns 0, or -1 on a bad one. */
static int parse_options(int argc, char **argv, int *seconds,
                         unsigned long long *seed, const spec_t *specs,
                         int nspecs, int *chosen)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-b") == 0)
            continue; /* read in main: it adds specs */
        if (strcmp(argv[i], "-t") == 0 && i + 1 < argc)
            *seconds = atoi(argv[++i]);
        else if (strcmp(argv[i], "-s") == 0 && i + 1 < argc)
            *seed = strtoull(argv[++i], NULL, 10);
        else {
            int found = 0;
            for (int k = 0; k < nspecs; k++)
                if (strcmp(argv[i], specs[k].prog + 2) == 0)
                    chosen[k] = found = 1;
            if (!found)
                return -1;
        }
    }
    return *seconds < 1 ? -1 : 0;
}

/* Prints the table of every server run; returns how many failed. */
static int print_table(const spec_t *specs, const tally_t *results, int nspecs)
{
    int bad = 0;

    printf("\n| server | at once | clients | bytes sent | bytes verified | "
           "resets | left unread | failures | idle after (thr/fd/child) |\n"
           "|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
    for (int k = 0; k < nspecs; k++) {
        const tally_t *t = &results[k];
        if (t->clients < 0)
            continue;
        printf("| %s | %d | %ld | %llu | %llu | %ld | %ld | %ld | %s %s |\n",
               specs[k].prog + 2, t->concurrent, t->clients, t->sent,
               t->verified, t->resets, t->leaves, t->failures,
               t->idle ? "yes" : "NO", t->idle_note);
        bad += t->failures > 0 || !t->alive || !t->idle;
    }
    return bad;
}

int main(int argc, char **argv)
{
    static spec_t specs[MAX_SPECS];
    int seconds = 60, nspecs = load_specs(specs), chosen[MAX_SPECS] = {0};
    unsigned long long seed = (unsigned long long)time(NULL) ^ (unsigned)getpid();
    tally_t results[MAX_SPECS];
    struct rlimit rl;

    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "-b") == 0)
            nspecs = add_big_specs(specs, nspecs);
    if (parse_options(argc, argv, &seconds, &seed, specs, nspecs, chosen) < 0)
        return usage();
    int any = 0;
    for (int k = 0; k < nspecs; k++)
        any |= chosen[k];
    signal(SIGPIPE, SIG_IGN); /* a reset peer is a failed write, not death */
    setvbuf(stdout, NULL, _IOLBF, 0);
    /* As many descriptors as the hard limit allows; the servers inherit it. */
    set_nofile_limit(RLIM_INFINITY);
    getrlimit(RLIMIT_NOFILE, &rl);
    stress_seed(seed);
    printf("stress: seed %llu (replay the mix with -s %llu), descriptor "
           "limit %llu\n", seed, seed, (unsigned long long)rl.rlim_cur);

    for (int k = 0; k < nspecs; k++) {
        int concurrent = specs[k].concurrent;
        if (any && !chosen[k]) {
            results[k].clients = -1;
            continue;
        }
        /* A big run is skipped rather than shrunk: its size is its point. */
        if (concurrent == BIG_CLIENTS && rl.rlim_cur != RLIM_INFINITY &&
            (rlim_t)concurrent + 64 > rl.rlim_cur) {
            printf("==== %s: %d clients skipped: the descriptor limit is "
                   "%llu (README: ulimit -n) ====\n", specs[k].prog + 2,
                   concurrent, (unsigned long long)rl.rlim_cur);
            results[k].clients = -1;
            continue;
        }
        /* The server needs a descriptor per client, and so do we. */
        if (rl.rlim_cur != RLIM_INFINITY && (rlim_t)concurrent + 64 > rl.rlim_cur)
            concurrent = rl.rlim_cur > 65 ? (int)rl.rlim_cur - 64 : 1;
        run_server(&specs[k], concurrent, seconds, &results[k]);
    }
    int bad = print_table(specs, results, nspecs);
    printf("stress: %s\n", bad ? "FAILED" : "every byte came back");
    return bad ? 1 : 0;
}
