/*
 * test_prefork.c - what the preforked pool (echoserverp_pre) promises
 * beyond the contract every server keeps (test_servers.c): up to its pool
 * size served at once, the rest served as others leave; a child count
 * that never moves; a worker killed with SIGKILL replaced while the
 * others go on; no worker left once the parent is stopped or killed; one
 * byte total shared by all workers; bad process counts refused; a worker
 * out of descriptors dropping the connection, not dying.
 * Counting processes reads /proc: those tests are skipped where there is
 * none.
 * Run: tests/bin/test_prefork [test_name...]
 */
#include "testlib.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#define PROG "./echoserverp_pre"
/* The same server built with -DNO_PDEATHSIG: its workers watch for the
 * parent's death with the portable timer instead of Linux's prctl. */
#define PROG_TIMER "tests/bin/echoserverp_pre_timer"

static const char *self; /* this binary, for the --nofile mode */

/*
 * The pid ending the nth "server received" line of the log ("... on fd F
 * (pid P)"), waiting up to 2 s for it; -1 after a failed check. With one
 * client sending at a time, the last line names that client's worker.
 */
static pid_t worker_of_line(server_t *s, int nth)
{
    if (!CHECK(server_log_wait(s, "server received ", nth, 2000) == 0,
               "fewer than %d \"server received\" lines in the log", nth))
        return -1;
    char *log = server_log(s), *line = log - 1, *end;
    int pid = -1;

    for (int i = 0; i < nth && line != NULL; i++)
        line = strstr(line + 1, "server received ");
    if (line != NULL && (end = strchr(line, '\n')) != NULL)
        *end = '\0';
    char *open = line != NULL ? strstr(line, "(pid ") : NULL;
    CHECK(open != NULL && sscanf(open, "(pid %d)", &pid) == 1,
          "log line %d does not end in \"(pid P)\": %.80s", nth,
          line != NULL ? line : "");
    free(log);
    return (pid_t)pid;
}

/* Waits until every one of the n pids has ended; returns how many still run. */
static int wait_all_ended(const pid_t *pids, int n, int timeout_ms)
{
    long long deadline = now_ms() + scaled(timeout_ms);

    for (;;) {
        int running = 0;
        for (int i = 0; i < n; i++)
            running += proc_running(pids[i]);
        if (running == 0 || now_ms() >= deadline)
            return running;
        sleep_ms(10);
    }
}

/* Stores the pids of the pool of n, waiting up to 1 s for it to be full. */
static int pool_pids(server_t *s, pid_t *pids, int n)
{
    int zombies, found = wait_children(s->pid, n, &zombies, 1000);

    if (found == n)
        found = proc_child_pids(s->pid, pids, n, &zombies);
    return CHECK(found == n, "%d workers, want %d", found, n);
}

/* 1 when nobody listens on port any more (the connection is refused). */
static int port_refuses(int port)
{
    struct sockaddr_in addr = {0};
    int fd = Socket(AF_INET, SOCK_STREAM, 0), refused;

    addr.sin_family = AF_INET;
    addr.sin_port = htons((unsigned short)port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    refused = connect(fd, (SA *)&addr, sizeof(addr)) < 0 && errno == ECONNREFUSED;
    close(fd);
    return refused;
}

/*
 * 1 when port refuses connections within ms. A process's state turns
 * to zombie when its first thread ends; another thread (a checker's)
 * may hold its descriptors a moment longer.
 */
static int port_refuses_within(int port, int ms)
{
    long long deadline = now_ms() + scaled(ms);

    while (!port_refuses(port)) {
        if (now_ms() >= deadline)
            return 0;
        sleep_ms(10);
    }
    return 1;
}

/* ---- The pool: its size served at once, the rest in turn ---- */

/* "N worker processes" is said once the pool is full, so a benchmark can
 * wait for it: with 100 to fork, a line said before the forks shows. */
static void says_its_size_once_every_worker_runs(void)
{
    int zombies;
    server_t s;

    need_proc();
    if (server_start(&s, PROG, "0", "100", NULL) < 0)
        return;
    server_log_wait(&s, "100 worker processes", 1, 2000);
    int running = proc_children(s.pid, &zombies);
    CHECK(server_log_count(&s, "100 worker processes") == 1,
          "no \"100 worker processes\" line within 2 s of listening");
    CHECK(running == 100, "the pool said it was full with %d of its 100 "
          "workers running", running);
}

static void serves_pool_size_at_once_and_the_next_when_one_leaves(void)
{
    server_t s;

    if (server_start(&s, PROG, "0", "2", NULL) < 0)
        return;
    server_log_wait(&s, "2 worker processes", 1, 2000);
    CHECK(server_log_count(&s, "2 worker processes") == 1,
          "no \"2 worker processes\" line within 2 s of the listening line");
    check_pool_of_two_holds_a_third(&s, "worker processes", 0);
}

/*
 * 30 clients at once for a pool of 4: only 4 are accepted, and as each
 * leaves the next is served, while the child count stays at 4.
 */
static void child_count_stays_at_pool_size_with_30_clients(void)
{
    enum { CLIENTS = 30, POOL = 4 };
    int fds[CLIENTS], zombies, n;
    char line[32], buf[32];
    server_t s;

    need_proc();
    if (server_start(&s, PROG, "0", NULL) < 0)
        return;
    n = wait_children(s.pid, POOL, &zombies, 2000);
    CHECK(n == POOL, "%d children when idle, want the default pool of %d", n, POOL);
    for (int i = 0; i < CLIENTS; i++) {
        if ((fds[i] = tcp_connect("127.0.0.1", s.port)) < 0)
            return;
        int len = snprintf(line, sizeof(line), "client %d\n", i);
        send_all(fds[i], line, (size_t)len);
    }
    CHECK(server_log_wait(&s, "Connected to", POOL, 3000) == 0 &&
              server_log_wait(&s, "Connected to", POOL + 1, 300) < 0,
          "want exactly %d of %d clients accepted at first", POOL, CLIENTS);
    for (int i = 0; i < CLIENTS; i++) {
        size_t len = (size_t)snprintf(line, sizeof(line), "client %d\n", i);
        if (!CHECK(recv_upto(fds[i], buf, len, 3000) == len &&
                       memcmp(buf, line, len) == 0,
                   "client %d of %d not served within 3 s of its turn", i, CLIENTS))
            return;
        n = proc_children(s.pid, &zombies);
        if (!CHECK(n == POOL && zombies == 0, "with client %d served: %d "
                   "children (%d zombies), want %d", i, n, zombies, POOL))
            return;
        close(fds[i]);
    }
    CHECK_ALIVE(&s);
}

/* ---- Supervision ---- */

/* Checks the pool is back to `pool` children within 1 s, none of them `dead`. */
static void expect_pool_refilled(server_t *s, int pool, pid_t dead)
{
    long long deadline = now_ms() + scaled(1000);
    pid_t pids[64];
    int n, zombies, found;

    for (;;) {
        n = proc_child_pids(s->pid, pids, 64, &zombies);
        found = 0;
        for (int i = 0; i < n && i < 64; i++)
            found += pids[i] == dead;
        if ((n == pool && zombies == 0 && !found) || now_ms() >= deadline)
            break;
        sleep_ms(10);
    }
    CHECK(n == pool && zombies == 0 && !found, "1 s after worker %d was "
          "killed: %d children (%d zombies, the dead one %s), want %d",
          (int)dead, n, zombies, found ? "among them" : "gone", pool);
}

static void replaces_a_sigkilled_worker_and_keeps_serving(void)
{
    int a, b, c, d;
    char buf[8];
    server_t s;

    need_proc();
    if (server_start(&s, PROG, "0", "2", NULL) < 0)
        return;
    if ((a = tcp_connect("127.0.0.1", s.port)) < 0 || !echoes_line(a, "a\n", 3000))
        return;
    pid_t victim = worker_of_line(&s, 1);
    if ((b = tcp_connect("127.0.0.1", s.port)) < 0 || !echoes_line(b, "b\n", 3000))
        return;
    pid_t other = worker_of_line(&s, 2);
    if (!CHECK(victim > 0 && other > 0 && victim != other,
               "two clients, workers %d and %d: want two", (int)victim, (int)other))
        return;
    kill(victim, SIGKILL);
    CHECK(wait_eof(a, 1000), "the killed worker's client is still connected");
    echoes_line(b, "b goes on\n", 3000); /* the other worker is untouched */
    expect_pool_refilled(&s, 2, victim);
    CHECK(server_log_wait(&s, "replacing one that ended", 1, 1000) == 0,
          "no \"worker P started, replacing one that ended\" line");
    close(b); /* both workers free: two new clients are served at once */
    if ((c = tcp_connect("127.0.0.1", s.port)) < 0 ||
        (d = tcp_connect("127.0.0.1", s.port)) < 0)
        return;
    send_all(c, "c\n", 2);
    send_all(d, "d\n", 2);
    CHECK(recv_upto(c, buf, 2, 3000) == 2 && recv_upto(d, buf, 2, 3000) == 2,
          "after the replacement, two clients were not served at once");
    CHECK_ALIVE(&s);
}

static void sigterm_to_the_parent_leaves_no_child(void)
{
    enum { POOL = 4 };
    pid_t pids[POOL];
    server_t s;

    need_proc();
    if (server_start(&s, PROG, "0", NULL) < 0)
        return;
    int fd = tcp_connect("127.0.0.1", s.port); /* one worker busy */
    if (fd < 0 || !echoes_line(fd, "hi\n", 3000))
        return;
    if (!pool_pids(&s, pids, POOL))
        return;
    CHECK(server_signal_wait(&s, SIGTERM, 1000) == 0,
          "still running 1 s after SIGTERM");
    CHECK(wait_eof(fd, 1000), "1 s after SIGTERM, the client is still served");
    int left = wait_all_ended(pids, POOL, 1000);
    CHECK(left == 0, "%d of %d workers still run 1 s after SIGTERM to the "
          "parent", left, POOL);
}

/*
 * The parent cannot catch SIGKILL: its workers must notice on their own,
 * an idle one (in accept) as well as a busy one (reading its client).
 */
static void workers_exit_when_the_parent_is_killed(const char *prog)
{
    enum { POOL = 3 };
    pid_t pids[POOL];
    server_t s;

    need_proc();
    if (server_start(&s, prog, "0", "3", NULL) < 0)
        return;
    int fd = tcp_connect("127.0.0.1", s.port);
    if (fd < 0 || !echoes_line(fd, "hi\n", 3000))
        return;
    if (!pool_pids(&s, pids, POOL))
        return;
    server_signal_wait(&s, SIGKILL, 1000);
    int left = wait_all_ended(pids, POOL, 1000);
    CHECK(left == 0, "%d of %d workers still run 1 s after the parent was "
          "killed with SIGKILL", left, POOL);
    CHECK(wait_eof(fd, 1000), "the busy worker's client is still connected");
    CHECK(port_refuses_within(s.port, 1000), "port %d still accepts "
          "connections 1 s after the parent and its workers are gone", s.port);
}

static void workers_exit_within_a_second_of_parent_sigkill(void)
{
    workers_exit_when_the_parent_is_killed(PROG);
}

static void workers_exit_within_a_second_of_parent_sigkill_portable_watch(void)
{
    /* TSan holds a signal handler back while the only thread waits in
     * accept: the timer's checks would never run (sigsuspend, where the
     * supervisor waits, is fine). */
    if (running_under("thread"))
        skip_test("TSan defers SIGALRM in accept; see the ASan run");
    workers_exit_when_the_parent_is_killed(PROG_TIMER);
}

/* ---- The shared total ---- */

/*
 * Checks every "server received" line: well formed, with a total no other
 * line has; that the totals add up to `sum` and the largest is `sum`;
 * and that `workers` different pids wrote them. A lost update would
 * repeat a total, a torn write (two workers' lines mixed) break a line.
 */
/* What the log holds so far, in the shape the check below reads. */
typedef struct {
    unsigned long long added, max;
    int npids, count, torn, repeated;
} tally_t;

static void tally_log(server_t *s, tally_t *t)
{
    char *log = server_log(s), *line = log, *next;
    unsigned long long added = 0, max = 0, *totals = NULL;
    int pids[8], npids = 0, count = 0, torn = 0, repeated = 0;

    for (; line != NULL && *line != '\0'; line = next) {
        unsigned long long total;
        size_t n;
        int fd, pid, end = 0, known = 0;

        if ((next = strchr(line, '\n')) != NULL)
            *next++ = '\0';
        if (strstr(line, "server received ") == NULL)
            continue;
        if (sscanf(line, "server received %zu (%llu total) bytes on fd %d (pid %d)%n",
                   &n, &total, &fd, &pid, &end) != 4 || line[end] != '\0') {
            if (torn++ == 0)
                printf("    a torn or malformed log line: \"%.100s\"\n", line);
            continue;
        }
        totals = Realloc(totals, (size_t)(count + 1) * sizeof(*totals));
        for (int i = 0; i < count; i++)
            repeated += totals[i] == total;
        totals[count++] = total;
        added += n;
        max = total > max ? total : max;
        for (int i = 0; i < npids; i++)
            known |= pids[i] == pid;
        if (!known && npids < 8)
            pids[npids++] = pid;
    }
    *t = (tally_t){added, max, npids, count, torn, repeated};
    free(totals);
    free(log);
}

static void expect_totals_add_up(server_t *s, unsigned long long sum, int workers)
{
    /* The largest total can be logged before a line another worker added
     * to it earlier: each worker writes its own lines. Read until every
     * byte is logged, or 3 s. */
    long long deadline = now_ms() + scaled(3000);
    tally_t t;

    tally_log(s, &t);
    while (t.added < sum && now_ms() < deadline) {
        sleep_ms(50);
        tally_log(s, &t);
    }
    CHECK(t.torn == 0 && t.repeated == 0 && t.added == sum && t.max == sum &&
              t.npids == workers,
          "%d log lines: %d torn, %d totals repeated, bytes logged %llu, "
          "largest total %llu, want both %llu; %d workers wrote them, want %d",
          t.count, t.torn, t.repeated, t.added, t.max, sum, t.npids, workers);
}

/*
 * Three clients held at once by a pool of three, so each has its own
 * worker process; each then sends lines of its own length. The log's
 * total must count every byte of all three, through one shared counter.
 */
static void total_is_shared_by_three_workers(void)
{
    enum { CLIENTS = 3, LINES = 1500 };
    static char data[CLIENTS][LINES * 12];
    unsigned long long sum = 0;
    int fds[CLIENTS];
    char want[64];
    server_t s;

    if (server_start_stdout_piped(&s, PROG, "0", "3", NULL) < 0)
        return;
    for (int c = 0; c < CLIENTS; c++) { /* all three held before any sends more */
        if ((fds[c] = tcp_connect("127.0.0.1", s.port)) < 0 ||
            !echoes_line(fds[c], "hi\n", 3000))
            return;
        sum += 3;
    }
    size_t len[CLIENTS];
    for (int c = 0; c < CLIENTS; c++) {
        size_t line = (size_t)(4 + 3 * c); /* 4, 7, 10 bytes */
        len[c] = line * LINES;
        for (size_t i = 0; i < len[c]; i++)
            data[c][i] = (i + 1) % line == 0 ? '\n' : (char)('a' + c);
        sum += len[c];
    }
    for (int c = 0; c < CLIENTS; c++)
        send_all(fds[c], data[c], len[c]);
    for (int c = 0; c < CLIENTS; c++)
        CHECK(recv_upto(fds[c], data[c], len[c], 5000) == len[c],
              "client %d: its echo did not all come back", c);
    snprintf(want, sizeof(want), "(%llu total)", sum);
    if (!CHECK(server_log_wait(&s, want, 1, 3000) == 0, "no \"%s\" line after "
               "three clients sent %llu bytes in all", want, sum))
        return;
    expect_totals_add_up(&s, sum, CLIENTS);
}

/* ---- Arguments and limits ---- */

/* Runs the server with args; checks exit status 2 and that stderr holds want. */
static void expect_refused(char *arg2, char *arg3, const char *want)
{
    char *argv[] = {PROG, "0", arg2, arg3, NULL};
    run_result_t r;

    run_program(argv, NULL, 0, 2000, &r);
    CHECK(r.status == 2 && strstr(r.err.data, want) != NULL,
          PROG " 0 %s %s: status %d, stderr \"%s\"; want status 2 and \"%s\"",
          arg2, arg3 ? arg3 : "", r.status, r.err.data, want);
    run_result_free(&r);
}

static void rejects_bad_process_counts_with_status_2(void)
{
    expect_refused("0", NULL, "'0'");
    expect_refused("two", NULL, "'two'");
    expect_refused("4x", NULL, "'4x'");
    expect_refused("-3", NULL, "'-3'");
    expect_refused("", NULL, "''");
    expect_refused("1025", NULL, "'1025'");
    expect_refused("4", "extra", "usage: echoserverp_pre <port> [processes]");
    expect_refused("4", "extra", "at most 1024"); /* the usage states the maximum */
}

/*
 * A worker with no descriptor left for a new connection (its limit is 5:
 * stdin, stdout, stderr, the listener and the spare accept_client keeps)
 * drops that connection with a log line, and neither it nor the server
 * dies. `test_prefork --nofile N PROG ARGS...` applies the limit, then
 * execs.
 */
static void a_worker_out_of_descriptors_drops_the_connection(void)
{
    int zombies;
    server_t s;

    if (server_start(&s, self, "--nofile", "5", PROG, "0", "1", NULL) < 0)
        return;
    for (int i = 1; i <= 3; i++) {
        int fd = tcp_connect("127.0.0.1", s.port);
        if (fd < 0)
            return;
        CHECK(wait_eof(fd, 2000), "client %d: not dropped within 2 s", i);
        CHECK(server_log_wait(&s, "dropping a connection", i, 1000) == 0,
              "client %d: no \"dropping a connection\" line in the log", i);
        close(fd);
    }
    CHECK_ALIVE(&s);
    int n = proc_children(s.pid, &zombies);
    if (n >= 0)
        CHECK(n == 1 && zombies == 0, "%d workers (%d zombies) after the "
              "drops, want the one it had", n, zombies);
    CHECK(server_log_count(&s, "replacing one that ended") == 0,
          "the worker died of the drops and was replaced");
}

static const test_t tests[] = {
    TEST(says_its_size_once_every_worker_runs),
    TEST(serves_pool_size_at_once_and_the_next_when_one_leaves),
    TEST(child_count_stays_at_pool_size_with_30_clients),
    TEST(replaces_a_sigkilled_worker_and_keeps_serving),
    TEST(sigterm_to_the_parent_leaves_no_child),
    TEST(workers_exit_within_a_second_of_parent_sigkill),
    TEST(workers_exit_within_a_second_of_parent_sigkill_portable_watch),
    TEST(total_is_shared_by_three_workers),
    TEST(rejects_bad_process_counts_with_status_2),
    TEST(a_worker_out_of_descriptors_drops_the_connection),
};

int main(int argc, char **argv)
{
    if (argc > 3 && strcmp(argv[1], "--nofile") == 0) {
        if (set_nofile_limit((rlim_t)atoi(argv[2])) < 0)
            return 77;
        execv(argv[3], argv + 3);
        fprintf(stderr, "exec %s: %s\n", argv[3], strerror(errno));
        return 127;
    }
    self = argv[0];
    return run_tests("prefork", tests, sizeof(tests) / sizeof(tests[0]), argc,
                     argv);
}
