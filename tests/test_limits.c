/*
 * test_limits.c - every server under a descriptor limit of 64 (as after
 * `ulimit -n 64`), facing more clients than that: it keeps serving the
 * clients it holds, drops the rest with a log line (or, where the model
 * serves a few at a time, lets them wait in the listen backlog), does not
 * spin on a listening socket it cannot accept from, and serves new
 * clients once the old ones leave. The servers inherit the limit from
 * this process, which lowers it only while it starts them.
 * Fork and pthread_create failures are tested in test_models.c.
 * Run: tests/bin/test_limits [SERVER...]
 */
#include "testlib.h"

#define NOFILE 64     /* the servers' descriptor limit */
#define CLIENTS 100   /* more than NOFILE: some cannot be held */
#define BURST 20      /* clients arriving at once once the server is full */
#define CPU_MAX_MS 250 /* CPU the server may use in the 1 s it is watched */
#define SMALL_POOL 4   /* a pool that holds fewer clients than descriptors */
#define BIG_POOL 80    /* one that would hold more: descriptors run out */

static const char *prog;            /* the server under test: "./echoservers" */
static const server_info_t *info;  /* its traits, from tests/servers.txt */

/* Starts prog under the limit, its pool (if it has one) sized to serve
 * pool clients at once; 0 keeps its default size. */
static int start_limited(server_t *s, int pool)
{
    char args[3][16];
    int nargs = pool > 0 ? server_pool_args(info, pool, args, 2) : 0;
    struct rlimit saved;

    /* valgrind keeps descriptors of its own near the limit and polices
     * the limit itself: what the server would do is not what runs. */
    if (running_under("valgrind"))
        skip_test("valgrind changes the descriptor limit; see ASan/TSan runs");
    getrlimit(RLIMIT_NOFILE, &saved);
    if (set_nofile_limit(NOFILE) < 0)
        skip_test("cannot lower the descriptor limit");
    int rc = server_start(s, prog, "0", nargs > 0 ? args[0] : NULL,
                          nargs > 1 ? args[1] : NULL, NULL);
    setrlimit(RLIMIT_NOFILE, &saved); /* this test needs more than 64 */
    return rc;
}

/* Checks that a connected client is echoed a line. */
static int still_served(int fd, int i)
{
    char line[64];

    snprintf(line, sizeof(line), "client %d again\n", i);
    int r = served_or_dropped(fd, line, 3000);
    return CHECK(r == 1, "held client %d: line not echoed within 3 s "
                 "(outcome %d)", i, r);
}

/*
 * The server's CPU time over one second, while clients wait. A server
 * that retries a failing accept at once uses the whole second.
 */
static void check_stays_cool(server_t *s, const char *when)
{
    long long before = proc_cpu_ms(s->pid);
    sleep_ms(1000);
    long long used = proc_cpu_ms(s->pid) - before;

    /* Under a checker the same work costs more; a spin still costs all. */
    int most = scaled(CPU_MAX_MS) < 600 ? scaled(CPU_MAX_MS) : 600;

    if (before < 0)
        return; /* no /proc here */
    CHECK(used <= most, "the server used %lld ms of CPU in 1 s %s; want at "
          "most %d (does it spin on the listening socket?)", used, when, most);
}

/*
 * For the servers that hold as many clients as they have descriptors
 * (select loop, thread per client, a pool larger than the limit): clients
 * arrive one by one until the server holds what it can; each one after
 * that is dropped at once with a log line; a burst of them neither makes
 * the server spin nor harms the held clients; and when those leave, the
 * descriptors are back to idle and a new client is served.
 */
static void holds_what_it_can_and_drops_the_rest(void)
{
    int held[CLIENTS], burst[BURST], nheld = 0, dropped = 0;
    char line[64];
    server_t s;

    if (start_limited(&s, BIG_POOL) < 0)
        return;
    /* One client first: the server sets its spare descriptor aside. */
    int first = tcp_connect("127.0.0.1", s.port);
    if (first < 0 || !CHECK(served_or_dropped(first, "first\n", 3000) == 1,
                            "the first client was not served"))
        return;
    close(first);
    sleep_ms(100);
    int idle_fds = proc_count(s.pid, "fd");

    for (int i = 0; i < CLIENTS; i++) {
        int fd = tcp_connect("127.0.0.1", s.port);
        if (fd < 0)
            return;
        snprintf(line, sizeof(line), "client %d\n", i);
        int r = served_or_dropped(fd, line, 2000);
        /* Kept waiting: go on to see whether the server spins meanwhile. */
        if (!CHECK(r >= 0, "client %d (%d held, %d dropped): %s within 2 s",
                   i, nheld, dropped, r == -1 ? "neither served nor dropped"
                                              : "a corrupted echo"))
            break;
        if (r == 1)
            held[nheld++] = fd;
        else {
            dropped++;
            close(fd);
        }
    }
    if (!CHECK(nheld > 0, "no client of %d was held", CLIENTS))
        return;
    CHECK(nheld >= NOFILE / 2 && dropped > 0, "under a limit of %d "
          "descriptors, %d of %d clients were held and %d dropped; want "
          "most of the limit held and the rest dropped", NOFILE, nheld,
          CLIENTS, dropped);
    /* The client may see its connection closed a moment before the
     * server's log line is flushed: wait for the line, within bounds. */
    server_log_wait(&s, "dropping a connection", dropped, 2000);
    int logged = server_log_count(&s, "dropping a connection");
    CHECK(logged >= dropped, "%d clients dropped, but %d \"dropping a "
          "connection\" lines in the log", dropped, logged);

    for (int i = 0; i < BURST; i++) { /* all at once this time */
        if ((burst[i] = tcp_connect("127.0.0.1", s.port)) < 0)
            return;
        send_all(burst[i], "burst\n", 6);
    }
    check_stays_cool(&s, "after a burst of clients it cannot hold");
    int waiting = 0;
    for (int i = 0; i < BURST; i++) {
        waiting += !wait_eof(burst[i], 2000);
        close(burst[i]);
    }
    CHECK(waiting == 0, "%d of %d clients of a burst beyond the limit were "
          "neither served nor dropped within 2 s", waiting, BURST);
    int ok = 1; /* a sample, first and last included; stop at a failure */
    for (int i = 0; i < nheld && ok; i += 7)
        ok = still_served(held[i], i);
    if (ok)
        still_served(held[nheld - 1], nheld - 1);

    for (int i = 0; i < nheld; i++)
        close(held[i]);
    /* Until the next client comes, the server may wait for it with its
     * spare lent out (server.c's accept_with_spare): one below idle. */
    int nfds = wait_proc_count_at_most(s.pid, "fd", idle_fds, 2000);
    CHECK(nfds <= idle_fds, "2 s after the clients left: %d descriptors "
          "open, %d when idle", nfds, idle_fds);
    serves_a_new_client(&s);
    nfds = wait_proc_count(s.pid, "fd", idle_fds, 2000);
    CHECK(nfds == idle_fds, "2 s after a new client came and went: %d "
          "descriptors open, %d when idle", nfds, idle_fds);
    CHECK_ALIVE(&s);
}

/*
 * For the servers that serve `at_once` clients and let the rest wait
 * (iterative, a small prethreaded pool): CLIENTS more clients than the
 * descriptor limit wait their turn in the listen backlog (and the pool's
 * buffer), none echoed yet, none dropped, the server idle meanwhile;
 * then each is served in turn as the one before it leaves.
 */
static void serves_at_once_and_delays_the_rest(int at_once)
{
    int held[8], waiting[CLIENTS];
    char line[64];
    server_t s;

    if (start_limited(&s, at_once) < 0)
        return;
    for (int i = 0; i < at_once; i++) {
        snprintf(line, sizeof(line), "client %d\n", i);
        if ((held[i] = tcp_connect("127.0.0.1", s.port)) < 0 ||
            !CHECK(served_or_dropped(held[i], line, 3000) == 1,
                   "client %d of the first %d was not served", i, at_once))
            return;
    }
    for (int i = 0; i < CLIENTS; i++) {
        if ((waiting[i] = tcp_connect("127.0.0.1", s.port)) < 0)
            return;
        snprintf(line, sizeof(line), "waiting %d\n", i);
        send_all(waiting[i], line, strlen(line));
    }
    check_stays_cool(&s, "while clients wait for their turn");
    int answered = 0;
    for (int i = 0; i < CLIENTS; i++)
        answered += readable_within(waiting[i], 0);
    CHECK(answered == 0, "%d of the clients beyond the first %d were answered "
          "(or dropped) while those were still connected", answered, at_once);
    for (int i = 0; i < at_once; i++) {
        still_served(held[i], i);
        close(held[i]);
    }
    for (int i = 0; i < CLIENTS; i++) {
        char buf[64];
        size_t n = (size_t)snprintf(line, sizeof(line), "waiting %d\n", i);
        size_t got = recv_upto(waiting[i], buf, n, 3000);
        if (!CHECK(got == n && memcmp(buf, line, n) == 0, "waiting client %d "
                   "of %d: its line did not come back within 3 s of its turn",
                   i, CLIENTS))
            return;
        close(waiting[i]);
    }
    CHECK(server_log_count(&s, "dropping") == 0,
          "clients were dropped although they could wait in the backlog");
    CHECK_ALIVE(&s);
}

/*
 * More clients than descriptors arrive at once and stay a second; then
 * all leave. The server may have dropped some of them (they waited while
 * no descriptor was free), but the first client to arrive after the
 * descriptors came back must be served: not held in the backlog, and not
 * taken for one of the dropped.
 */
static void serves_the_first_client_once_descriptors_are_back(void)
{
    int fds[CLIENTS];
    server_t s;

    if (start_limited(&s, BIG_POOL) < 0)
        return;
    for (int i = 0; i < CLIENTS; i++) {
        if ((fds[i] = tcp_connect("127.0.0.1", s.port)) < 0)
            return;
        send_all(fds[i], "crowd\n", 6);
    }
    sleep_ms(500); /* long enough for the server to take what it can */
    for (int i = 0; i < CLIENTS; i++)
        close(fds[i]);
    sleep_ms(scaled(300)); /* the server closes what the crowd left */
    int fd = tcp_connect("127.0.0.1", s.port);
    if (fd < 0)
        return;
    int r = served_or_dropped(fd, "the first after the crowd\n", 3000);
    CHECK(r == 1, "the first client after the crowd left was %s",
          r == 0 ? "dropped (reset or closed)" : r == -1
          ? "not served within 3 s" : "sent a corrupted echo");
    close(fd);
    CHECK_ALIVE(&s);
}

/* One client at a time: the rest wait in the backlog. */
static void serves_one_and_the_rest_wait(void)
{
    serves_at_once_and_delays_the_rest(1);
}

/* A pool of SMALL_POOL: that many served, the rest wait their turn. */
static void small_pool_serves_its_size_and_the_rest_wait(void)
{
    serves_at_once_and_delays_the_rest(SMALL_POOL);
}

/*
 * The parent closes its copy of each connection (or, in a preforked pool
 * as large as the crowd, never holds one), so a descriptor limit does not
 * bound how many clients it serves: each child holds one.
 */
static void serves_more_clients_than_its_descriptor_limit(void)
{
    int fds[CLIENTS], zombies;
    char line[64];
    server_t s;

    if (start_limited(&s, CLIENTS) < 0) /* a pool: a worker per client */
        return;
    for (int i = 0; i < CLIENTS; i++) {
        snprintf(line, sizeof(line), "client %d\n", i);
        if ((fds[i] = tcp_connect("127.0.0.1", s.port)) < 0)
            return;
        int r = served_or_dropped(fds[i], line, 3000);
        if (!CHECK(r == 1, "client %d under a limit of %d descriptors: %s", i,
                   NOFILE, r == 0 ? "dropped" : "not served within 3 s"))
            return;
    }
    check_stays_cool(&s, "holding more clients than descriptors");
    still_served(fds[0], 0);
    int n = proc_children(s.pid, &zombies);
    if (n >= 0)
        CHECK(n == CLIENTS, "%d clients connected, %d child processes",
              CLIENTS, n);
    for (int i = 0; i < CLIENTS; i++)
        close(fds[i]);
    serves_a_new_client(&s);
    CHECK_ALIVE(&s);
}

/*
 * Which of the tests above fit a server follows from its traits: how many
 * it serves at once, and whether one descriptor table holds them all (a
 * process per client, or a pool of processes, each has its own).
 */
static size_t tests_for(test_t *tests)
{
    size_t n = 0;
    int own_tables = strcmp(info->runs, "processes") == 0;

    if (strcmp(info->serves, "one") == 0) {
        tests[n++] = (test_t)TEST(serves_one_and_the_rest_wait);
        return n;
    }
    if (strcmp(info->serves, "pool") == 0)
        tests[n++] = (test_t)TEST(small_pool_serves_its_size_and_the_rest_wait);
    if (own_tables)
        tests[n++] = (test_t)TEST(serves_more_clients_than_its_descriptor_limit);
    else
        tests[n++] = (test_t)TEST(holds_what_it_can_and_drops_the_rest);
    tests[n++] = (test_t)TEST(serves_the_first_client_once_descriptors_are_back);
    return n;
}

/* Run: tests/bin/test_limits [SERVER...] (default: every listed server) */
int main(int argc, char **argv)
{
    size_t nservers;
    const server_info_t *list = server_list(&nservers);
    int status = 0;
    char path[64];

    for (size_t k = 0; k < nservers; k++) {
        test_t tests[4];
        int chosen = argc < 2;
        for (int i = 1; i < argc; i++)
            chosen |= strcmp(prog_name(argv[i]), list[k].name) == 0;
        if (!chosen)
            continue;
        snprintf(path, sizeof(path), "./%s", list[k].name);
        prog = path;
        info = &list[k];
        status |= run_tests(info->name, tests, tests_for(tests), 0, NULL);
    }
    return status;
}
