/*
 * test_epoll.c - what echoservere adds to the event loop, checked with
 * each of its pollers (echoservere: epoll on Linux; echoservere-poll):
 * it holds and serves 2,000 clients at once, far past FD_SETSIZE; with 1
 * and with 2 loops, clients that stall mid-line or flood without reading
 * delay nobody, on their own loop or another; 64 clients spread over 2
 * loops, at least 16 on each, and each loop's thread does its part of the
 * work; the thread count stays loops + 1 however many clients come; loop
 * threads need no more than musl's 128 KiB of stack. Once, for both:
 * bad loop counts exit 2, and the loop-count line.
 * Run: tests/bin/test_epoll [test_name...]
 */
#include "testlib.h"

#include <dirent.h>
#include <sys/resource.h>

static const char *prog; /* the binary under test: one per poller */

/* Starts prog with that many loops; its loop-count line comes once every
 * loop's thread exists. */
static int start_loops(server_t *s, const char *loops)
{
    if (server_start(s, prog, "0", loops, NULL) < 0)
        return -1;
    return CHECK(server_log_wait(s, " event loop", 1, 2000) == 0,
                 "no loop-count line after the listening line") ? 0 : -1;
}

/* ---- Many clients, past FD_SETSIZE ---- */

/* The highest descriptor in the log's "bytes on fd F" lines. */
static int highest_logged_fd(server_t *s)
{
    static const char marker[] = "bytes on fd ";
    char *log = server_log(s);
    int highest = -1;

    for (char *at = strstr(log, marker); at != NULL; at = strstr(at, marker)) {
        at += sizeof(marker) - 1;
        int fd = atoi(at);
        highest = fd > highest ? fd : highest;
    }
    free(log);
    return highest;
}

static void holds_and_serves_2000_clients_at_once(void)
{
    enum { N = 2000 };
    static int fd[N];
    char msg[64], buf[64];
    server_t s;

    /* Both sides need a descriptor per client; the server inherits ours. */
    if (set_nofile_limit(N + 100) < 0)
        skip_test("the hard descriptor limit is below 2100 (README: "
                  "ulimit -n)");
    if (start_loops(&s, "2") < 0)
        return;
    for (int i = 0; i < N; i++)
        if ((fd[i] = tcp_connect("127.0.0.1", s.port)) < 0)
            return;
    for (int i = 0; i < N; i++) { /* all connected: all send, then all read */
        snprintf(msg, sizeof(msg), "client %d of %d\n", i, N);
        send_all(fd[i], msg, strlen(msg));
    }
    int wrong = 0;
    for (int i = 0; i < N; i++) {
        size_t n = (size_t)snprintf(msg, sizeof(msg), "client %d of %d\n", i,
                                    N);
        if (recv_upto(fd[i], buf, n, 5000) != n || memcmp(buf, msg, n) != 0)
            wrong++;
    }
    CHECK(wrong == 0, "%d of %d clients connected at once did not get their "
          "line back", wrong, N);
    CHECK(server_log_count(&s, "Connected to") == N, "%d \"Connected to\" "
          "lines for %d clients", server_log_count(&s, "Connected to"), N);
    int highest = highest_logged_fd(&s);
    CHECK(highest >= FD_SETSIZE, "the highest descriptor served was %d; with "
          "%d clients held, want one at or past FD_SETSIZE (%d)", highest, N,
          FD_SETSIZE);
    CHECK(server_log_count(&s, "dropping") == 0, "clients were dropped");
    CHECK_ALIVE(&s);
}

/* ---- Stalled and flooding clients, with 1 and with 2 loops ---- */

/*
 * S sends half a line and stalls; F floods without reading until the
 * server stops reading it (its echo fills every buffer). Round-robin puts
 * S and F on loops 0 and 1 and the bystanders on both, so with 2 loops
 * each loop has a misbehaving client: every bystander must be served at
 * once all the same, and S and F lose nothing.
 */
static void delays_nobody_while_clients_stall_and_flood(const char *loops)
{
    enum { LEN = 8 << 20, BYSTANDERS = 4 };
    char *data = random_bytes(LEN, 15), *back = Malloc(LEN), buf[16];
    int small = 16384, by[BYSTANDERS];
    server_t s;

    if (start_loops(&s, loops) < 0)
        goto out;
    int stall = tcp_connect("127.0.0.1", s.port);
    int flood = tcp_connect("127.0.0.1", s.port);
    if (stall < 0 || flood < 0)
        goto out;
    setsockopt(flood, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
    for (int i = 0; i < BYSTANDERS; i++)
        if ((by[i] = tcp_connect("127.0.0.1", s.port)) < 0)
            goto out;
    send_all(stall, "half a li", 9);
    size_t sent = send_what_fits(flood, data, LEN, 300);
    for (int i = 0; i < BYSTANDERS; i++)
        echoes_line(by[i], "a bystander is served at once\n", 1000);
    CHECK(!readable_within(stall, 0), "S's half line came back before its end");
    send_all(stall, "ne\n", 3);
    CHECK(recv_upto(stall, buf, 12, 2000) == 12 &&
              memcmp(buf, "half a line\n", 12) == 0,
          "S's line did not come back whole once finished");
    shutdown(flood, SHUT_WR);
    size_t got = recv_upto(flood, back, LEN, 10000);
    CHECK(got == sent && memcmp(back, data, sent) == 0, "F sent %zu bytes "
          "and half-closed, read back %zu (or different ones)", sent, got);
    CHECK_ALIVE(&s);
out:
    free(data);
    free(back);
}

static void delays_nobody_while_clients_stall_and_flood_with_1_loop(void)
{
    delays_nobody_while_clients_stall_and_flood("1");
}

static void delays_nobody_while_clients_stall_and_flood_with_2_loops(void)
{
    delays_nobody_while_clients_stall_and_flood("2");
}

/* ---- Every loop carries part of the load ---- */

/*
 * The voluntary context switches of each of pid's threads but the main
 * one (the acceptor): a loop that serves clients sleeps in its poller
 * between their lines. Fills sw[0..max); returns how many, -1 without
 * /proc. Threads are listed in the same order while none comes or goes.
 */
static int loop_switches(pid_t pid, long *sw, int max)
{
    char path[64], line[128];
    struct dirent *e;
    int n = 0;
    DIR *dir;

    snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
    if ((dir = opendir(path)) == NULL)
        return -1;
    while ((e = readdir(dir)) != NULL && n < max) {
        if (e->d_name[0] == '.' || atoi(e->d_name) == (int)pid)
            continue;
        snprintf(path, sizeof(path), "/proc/%d/task/%.16s/status", (int)pid,
                 e->d_name);
        FILE *fp = fopen(path, "r");
        sw[n] = -1;
        while (fp != NULL && fgets(line, sizeof(line), fp) != NULL)
            if (strncmp(line, "voluntary_ctxt_switches:", 24) == 0)
                sw[n] = atol(line + 24);
        if (fp != NULL)
            fclose(fp);
        n++;
    }
    closedir(dir);
    return n;
}

static void spreads_64_clients_over_2_loops(void)
{
    enum { N = 64, LINES = 4, MAX_THREADS = 8 };
    long before[MAX_THREADS], after[MAX_THREADS];
    int fd[N];
    server_t s;

    if (start_loops(&s, "2") < 0)
        return;
    int threads = loop_switches(s.pid, before, MAX_THREADS);
    for (int i = 0; i < N; i++) {
        if ((fd[i] = tcp_connect("127.0.0.1", s.port)) < 0)
            return;
        for (int k = 0; k < LINES; k++) /* one line at a time: ping-pong */
            if (!echoes_line(fd[i], "which loop serves me?\n", 2000))
                return;
    }
    int on0 = server_log_count(&s, ") on loop 0\n");
    int on1 = server_log_count(&s, ") on loop 1\n");
    CHECK(on0 + on1 == N && on0 >= N / 4 && on1 >= N / 4, "%d clients: "
          "%d logged on loop 0, %d on loop 1; want all, at least %d on each",
          N, on0, on1, N / 4);
    /* The log says where each went; the threads' sleeps show who served. */
    if (threads < 0 || running_under("thread"))
        return; /* no /proc; TSan adds a thread of its own */
    CHECK(threads == 2, "%d threads besides the acceptor, want 2", threads);
    if (loop_switches(s.pid, after, MAX_THREADS) != threads)
        return;
    for (int t = 0; t < threads; t++)
        CHECK(after[t] - before[t] >= N / 4, "loop thread %d slept %ld times "
              "in its poller while %d clients sent %d lines each one at a "
              "time; want at least %d: does it serve any?", t,
              after[t] - before[t], N, LINES, N / 4);
}

/* ---- The thread count never grows with the clients ---- */

static void keeps_loops_plus_one_threads_whatever_the_clients(void)
{
    enum { N = 100 };
    int fd[N];
    server_t s;

    if (proc_count(getpid(), "task") < 0)
        skip_test("no /proc here to count threads");
    if (start_loops(&s, "3") < 0)
        return;
    int idle = proc_count(s.pid, "task");
    /* A checker may run a thread of its own: then only "constant" holds. */
    if (!running_under(NULL))
        CHECK(idle == 4, "3 loops and the acceptor, but %d threads", idle);
    for (int i = 0; i < N; i++)
        if ((fd[i] = tcp_connect("127.0.0.1", s.port)) < 0 ||
            !echoes_line(fd[i], "hello\n", 2000))
            return;
    int busy = proc_count(s.pid, "task");
    for (int i = 0; i < N; i++)
        close(fd[i]);
    sleep_ms(100);
    int after = proc_count(s.pid, "task");
    CHECK(busy == idle && after == idle, "threads: %d idle, %d with %d "
          "clients, %d once they left; want the same throughout", idle, busy,
          N, after);
}

/*
 * A poller left watching for room to write reports every socket on every
 * wait (there is always room): the loops spin at 100% CPU with nothing
 * to do. After a burst of echo, idle clients must cost no CPU.
 */
static void uses_no_cpu_while_its_clients_are_idle(void)
{
    enum { N = 50, LEN = 1 << 20, CPU_MAX_MS = 100 };
    char *data = random_bytes(LEN, 21);
    int fd[N];
    server_t s;

    if (start_loops(&s, "2") < 0)
        goto out;
    for (int i = 0; i < N; i++)
        if ((fd[i] = tcp_connect("127.0.0.1", s.port)) < 0 ||
            !echoes_line(fd[i], "hello, then silence\n", 2000))
            goto out;
    /* One that needed its echo queued (it read slowly), then idles. */
    int slow = tcp_connect("127.0.0.1", s.port);
    if (slow < 0 || !echo_exact(slow, data, LEN, 10000))
        goto out;
    long long before = proc_cpu_ms(s.pid);
    if (before < 0)
        skip_test("no /proc here to read the server's CPU time");
    sleep_ms(500);
    long long used = proc_cpu_ms(s.pid) - before;
    CHECK(used <= CPU_MAX_MS, "the server used %lld ms of CPU in 0.5 s with "
          "%d idle clients; want at most %d (does it watch for writing with "
          "nothing to write?)", used, N + 1, CPU_MAX_MS);
out:
    free(data);
}

/* ---- The loops' stack ---- */

/*
 * glibc gives each new thread a stack as large as RLIMIT_STACK, so a
 * limit of 128 KiB gives the loops musl's default stack: a step that kept
 * its buffer on the stack (264 KiB) would crash here.
 */
static void serves_with_loop_threads_on_a_128_kib_stack(void)
{
    enum { LEN = 1 << 20 };
    struct rlimit saved, small;
    char *data = random_bytes(LEN, 3);
    server_t s;

    if (running_under(NULL))
        skip_test("a checker's own stack use is not the server's");
    getrlimit(RLIMIT_STACK, &saved);
    small = saved;
    small.rlim_cur = 128 * 1024;
    if (saved.rlim_max != RLIM_INFINITY && saved.rlim_max < small.rlim_cur)
        small.rlim_cur = saved.rlim_max;
    if (setrlimit(RLIMIT_STACK, &small) < 0)
        skip_test("cannot set RLIMIT_STACK");
    int rc = start_loops(&s, "2");
    setrlimit(RLIMIT_STACK, &saved);
    for (int i = 0; rc == 0 && i < 2; i++) { /* one client on each loop */
        int fd = tcp_connect("127.0.0.1", s.port);
        if (fd < 0 || !echo_exact(fd, data, LEN, 10000))
            break;
        close(fd);
    }
    if (rc == 0)
        CHECK_ALIVE(&s);
    free(data);
}

/* ---- Arguments (once: both pollers share them) ---- */

static void run_with_loops(char *loops, run_result_t *r)
{
    char *argv[] = {"./echoservere", "0", loops, NULL};
    run_program(argv, NULL, 0, 2000, r);
}

static void rejects_bad_loop_counts_with_status_2(void)
{
    char *bad[] = {"0", "1025", "-1", "two", "", "3x", "99999999999999999999"};
    char *extra[] = {"./echoservere", "0", "2", "3", NULL};
    run_result_t r;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char quoted[32];
        run_with_loops(bad[i], &r);
        snprintf(quoted, sizeof(quoted), "'%s'", bad[i]);
        CHECK(r.status == 2 && strstr(r.err.data, quoted) != NULL,
              "loops '%s': status %d, stderr \"%s\"; want 2 and the value "
              "named", bad[i], r.status, r.err.data);
        run_result_free(&r);
    }
    run_program(extra, NULL, 0, 2000, &r);
    CHECK(r.status == 2 && strstr(r.err.data, "usage: echoservere <port>") &&
              strstr(r.err.data, "1024"),
          "too many arguments: status %d, stderr \"%s\"; want 2 and a usage "
          "line stating the maximum, 1024", r.status, r.err.data);
    run_result_free(&r);
}

static void prints_its_loop_count_one_per_cpu_by_default(void)
{
    long cpus = -1;
    char want[64];
    server_t s;

#ifdef _SC_NPROCESSORS_ONLN /* not POSIX: hidden on macOS, as in the server */
    cpus = sysconf(_SC_NPROCESSORS_ONLN);
#endif

    if (cpus < 1)
        skip_test("no online CPU count here");
    if (server_start(&s, "./echoservere", "0", NULL) < 0)
        return;
    snprintf(want, sizeof(want), "echoservere: %ld event loop%s (", cpus,
             cpus == 1 ? "" : "s");
    CHECK(server_log_wait(&s, want, 1, 1000) == 0,
          "no \"%s...\" line after the listening line", want);
    if (server_start(&s, "./echoservere-poll", "0", "3", NULL) < 0)
        return;
    CHECK(server_log_wait(&s, "echoservere-poll: 3 event loops (poll)", 1,
                          1000) == 0,
          "echoservere-poll 0 3 did not say it runs 3 loops with poll");
}

static const test_t tests[] = {
    TEST(holds_and_serves_2000_clients_at_once),
    TEST(delays_nobody_while_clients_stall_and_flood_with_1_loop),
    TEST(delays_nobody_while_clients_stall_and_flood_with_2_loops),
    TEST(spreads_64_clients_over_2_loops),
    TEST(uses_no_cpu_while_its_clients_are_idle),
    TEST(keeps_loops_plus_one_threads_whatever_the_clients),
    TEST(serves_with_loop_threads_on_a_128_kib_stack),
};

static const test_t once[] = {
    TEST(rejects_bad_loop_counts_with_status_2),
    TEST(prints_its_loop_count_one_per_cpu_by_default),
};

int main(int argc, char **argv)
{
    static const char *const pollers[] = {"./echoservere",
                                          "./echoservere-poll"};
    int status = 0;

    for (size_t i = 0; i < sizeof(pollers) / sizeof(pollers[0]); i++) {
        char group[64];
        prog = pollers[i];
        snprintf(group, sizeof(group), "epoll %s", prog + 2);
        status |= run_tests(group, tests, sizeof(tests) / sizeof(tests[0]),
                            argc, argv);
    }
    status |= run_tests("epoll", once, sizeof(once) / sizeof(once[0]), argc,
                        argv);
    return status;
}
