/*
 * test_models.c - what each concurrent server's model promises beyond the
 * contract every server keeps (test_servers.c): echoserverp reaps its
 * children and takes them down with it; echoservert's thread and
 * descriptor counts go back to idle; echoservert_pre keeps a fixed pool,
 * serves at most `threads` clients at once and logs a shared byte total.
 * Counting processes and threads reads /proc: those tests are skipped
 * where there is none.
 * Run: tests/bin/test_models [test_name...]
 */
#include "testlib.h"

#include <sys/resource.h>

/*
 * ThreadSanitizer holds a signal back while the only thread is blocked in
 * accept, so SIGCHLD and SIGTERM handling cannot be watched under it; the
 * process server has one thread anyway, and is checked under ASan
 * instead.
 */
static void skip_signals_under_tsan(void)
{
    if (running_under("thread"))
        skip_test("TSan defers signal handlers in accept; see ASan/valgrind runs");
}

/* Waits until proc_count(pid, what) == want; returns the last count seen. */
static int wait_count(pid_t pid, const char *what, int want, int timeout_ms)
{
    long long deadline = now_ms() + scaled(timeout_ms);
    int count;

    while ((count = proc_count(pid, what)) != want && now_ms() < deadline)
        sleep_ms(10);
    return count;
}

/* ---- echoserverp: a process per client ---- */

static void echoserverp_runs_one_child_per_client(void)
{
    enum { CLIENTS = 5 };
    int fds[CLIENTS], zombies;
    server_t s;

    need_proc();
    if (server_start(&s, "./echoserverp", "0", NULL) < 0)
        return;
    for (int i = 0; i < CLIENTS; i++)
        if ((fds[i] = tcp_connect("127.0.0.1", s.port)) < 0 ||
            !echoes_line(fds[i], "hello\n", 3000))
            return;
    int n = wait_children(s.pid, CLIENTS, &zombies, 1000);
    CHECK(n == CLIENTS, "%d clients connected, %d child processes", CLIENTS, n);
}

/*
 * Half the clients come and go one by one; the other half leave at once,
 * so that several children exit together: their SIGCHLDs merge into one,
 * and a handler that reaped one child per signal would leave zombies.
 */
static void echoserverp_leaves_no_zombie_after_30_clients(void)
{
    enum { CLIENTS = 30, TOGETHER = 15 };
    int fds[TOGETHER], zombies;
    server_t s;

    need_proc();
    skip_signals_under_tsan();
    if (server_start(&s, "./echoserverp", "0", NULL) < 0)
        return;
    for (int i = 0; i < CLIENTS - TOGETHER; i++) {
        int fd = tcp_connect("127.0.0.1", s.port);
        if (fd < 0 || !echoes_line(fd, "come and go\n", 3000))
            return;
        close(fd);
    }
    for (int i = 0; i < TOGETHER; i++)
        if ((fds[i] = tcp_connect("127.0.0.1", s.port)) < 0 ||
            !echoes_line(fds[i], "all together\n", 3000))
            return;
    for (int i = 0; i < TOGETHER; i++)
        close(fds[i]);
    int n = wait_children(s.pid, 0, &zombies, 1000);
    CHECK(n == 0 && zombies == 0,
          "1 s after %d clients left, the server has %d children, %d of them "
          "zombies", CLIENTS, n, zombies);
    CHECK_ALIVE(&s);
}

static void echoserverp_sigterm_ends_the_clients_sessions_too(void)
{
    server_t s;
    int zombies;

    need_proc();
    skip_signals_under_tsan();
    if (server_start(&s, "./echoserverp", "0", NULL) < 0)
        return;
    int fd = tcp_connect("127.0.0.1", s.port);
    if (fd < 0 || !echoes_line(fd, "hi\n", 3000))
        return;
    pid_t child;
    if (!CHECK(proc_child_pids(s.pid, &child, 1, &zombies) == 1,
               "want one child serving the client"))
        return;
    CHECK(server_signal_wait(&s, SIGTERM, 1000) == 0,
          "still running 1 s after SIGTERM");
    CHECK(wait_eof(fd, 1000),
          "1 s after SIGTERM to the server, its child still serves the client");
    long long deadline = now_ms() + scaled(1000);
    while (proc_running(child) && now_ms() < deadline)
        sleep_ms(10);
    CHECK(!proc_running(child), "the child %d still runs 1 s after SIGTERM "
          "to the server", (int)child);
}

/*
 * Fork failure, provoked portably: RLIMIT_NPROC of 1 leaves no room for a
 * child of a user already running a process. Root ignores the limit, so
 * root runs the server as nobody. The test binary does that itself:
 * `test_models --nproc-1 PROG ARGS...` applies the limit, then execs.
 */
static const char *self; /* this binary, for the --nproc-1 mode */

static void limit_processes(void)
{
    struct rlimit one = {1, 1};

    if (getuid() == 0 && (setgid(65534) < 0 || setuid(65534) < 0))
        exit(77);
    if (setrlimit(RLIMIT_NPROC, &one) < 0)
        exit(77);
}

/* Returns 1 if a process under limit_processes cannot fork. */
static int fork_can_be_made_to_fail(void)
{
    int status;
    pid_t pid = Fork();

    if (pid == 0) {
        limit_processes();
        pid_t child = fork();
        if (child == 0)
            _exit(0);
        _exit(child < 0 ? 0 : 1);
    }
    waitpid(pid, &status, 0);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static void echoserverp_survives_fork_failure(void)
{
    server_t s;

    skip_signals_under_tsan();
    if (!fork_can_be_made_to_fail())
        skip_test("cannot make fork fail here (RLIMIT_NPROC not enforced)");
    if (server_start(&s, self, "--nproc-1", "./echoserverp", "0", NULL) < 0)
        return;
    for (int i = 1; i <= 3; i++) { /* every fork fails: each is dropped */
        int fd = tcp_connect("127.0.0.1", s.port);
        if (fd < 0)
            return;
        CHECK(wait_eof(fd, 2000), "client %d: not dropped within 2 s", i);
        CHECK(server_log_wait(&s, "fork: ", i, 1000) == 0,
              "client %d: no \"fork: REASON\" line in the log", i);
        close(fd);
    }
    CHECK_ALIVE(&s);
    CHECK(server_signal_wait(&s, SIGTERM, 1000) == 0,
          "still running 1 s after SIGTERM");
}

/* ---- echoservert: a thread per client ---- */

static void echoservert_counts_return_to_idle_after_100_clients(void)
{
    enum { CLIENTS = 100 };
    int fds[CLIENTS];
    server_t s;

    need_proc();
    if (server_start(&s, "./echoservert", "0", NULL) < 0)
        return;
    /* One client first: the server sets a spare descriptor aside then. */
    int first = tcp_connect("127.0.0.1", s.port);
    if (first < 0 || !echoes_line(first, "first\n", 3000))
        return;
    close(first);
    int idle_tasks = wait_count(s.pid, "task", 1, 2000);
    int idle_fds = proc_count(s.pid, "fd");
    /* ThreadSanitizer runs a helper thread of its own. */
    if (!running_under("thread"))
        CHECK(idle_tasks == 1, "%d threads when idle, want 1", idle_tasks);

    for (int i = 0; i < CLIENTS; i++)
        if ((fds[i] = tcp_connect("127.0.0.1", s.port)) < 0 ||
            !echoes_line(fds[i], "hello\n", 3000))
            return;
    int busy = proc_count(s.pid, "task");
    CHECK(busy == idle_tasks + CLIENTS, "%d clients connected, %d threads, "
          "want one per client plus main", CLIENTS, busy);
    for (int i = 0; i < CLIENTS; i++)
        close(fds[i]);

    int tasks = wait_count(s.pid, "task", idle_tasks, 2000);
    int nfds = wait_count(s.pid, "fd", idle_fds, 2000);
    CHECK(tasks == idle_tasks, "2 s after %d clients left: %d threads, "
          "want %d as when idle", CLIENTS, tasks, idle_tasks);
    CHECK(nfds == idle_fds, "2 s after %d clients left: %d descriptors, "
          "want %d as when idle", CLIENTS, nfds, idle_fds);
}

/* The log lines that say why connections were dropped: all but the
 * start-up line and the "Connected to" ones. *first gets the first. */
static int drop_lines(server_t *s, char *first, size_t size)
{
    char *log = server_log(s), *line = log, *next;
    int count = 0;

    for (; *line != '\0'; line = next) {
        size_t len = strcspn(line, "\n");
        next = line + len + (line[len] != '\0');
        line[len] = '\0';
        if (strstr(line, "listening on port ") != NULL ||
            strncmp(line, "Connected to (", 14) == 0)
            continue;
        if (count++ == 0)
            snprintf(first, size, "%s", line);
    }
    free(log);
    return count;
}

/* Waits until the log holds at least want drop lines; returns the count. */
static int wait_drop_lines(server_t *s, int want, char *first, size_t size)
{
    long long deadline = now_ms() + scaled(2000);
    int n;

    while ((n = drop_lines(s, first, size)) < want && now_ms() < deadline)
        sleep_ms(10);
    return n;
}

/*
 * Connects clients one by one, each kept connected once served, until
 * DROPS of them were dropped or max were tried. Returns the drops, or -1
 * after a failed check (a client kept waiting, a corrupted echo).
 */
static int connect_until_dropped(server_t *s, int *served, int *nserved,
                                 int max)
{
    enum { DROPS = 3 };
    int dropped = 0;

    while (*nserved + dropped < max && dropped < DROPS) {
        int fd = tcp_connect("127.0.0.1", s->port);
        if (fd < 0)
            return -1;
        int r = served_or_dropped(fd, "x\n", 2000);
        if (!CHECK(r >= 0, "client %d (%d served, %d dropped before it): "
                   "%s within 2 s", *nserved + dropped + 1, *nserved, dropped,
                   r == -1 ? "neither served nor dropped" : "a corrupted echo"))
            return -1;
        if (r == 1) {
            served[(*nserved)++] = fd;
        } else {
            dropped++;
            close(fd);
        }
    }
    return dropped;
}

/*
 * Running out of address space while accepting, provoked by a limit the
 * server inherits. What runs out first depends on the C library: glibc
 * gives each thread a stack of `ulimit -s` (often 8 MiB), so
 * pthread_create fails after a dozen clients; musl's stacks are 128 KiB,
 * so the half megabyte of echo buffers each connection takes runs out
 * first (or malloc fails elsewhere on the way). The contract allows any
 * of these: each client is served, or dropped with a line in the log
 * saying why. Never kept waiting, never dropped without a word, and the
 * server goes on.
 */
static void echoservert_survives_running_out_of_address_space(void)
{
    enum { MAX_CLIENTS = 300 };
    int served[MAX_CLIENTS], nserved = 0;
    struct rlimit saved, limit;
    char why[200] = "";
    server_t s;

    if (running_under(NULL)) /* their shadow memory needs terabytes */
        skip_test("a sanitizer cannot run under an address-space limit");
    getrlimit(RLIMIT_AS, &saved);
    limit = (struct rlimit){128 << 20, saved.rlim_max};
    if (setrlimit(RLIMIT_AS, &limit) < 0)
        skip_test("cannot set RLIMIT_AS");
    int started = server_start(&s, "./echoservert", "0", NULL);
    setrlimit(RLIMIT_AS, &saved); /* only the server is to run short */
    if (started < 0)
        return;
    int dropped = connect_until_dropped(&s, served, &nserved, MAX_CLIENTS);
    if (dropped < 0) {
        CHECK_ALIVE(&s);
        return;
    }
    if (dropped == 0)
        skip_test("nothing ran out under RLIMIT_AS here: all clients served");
    /* A client may see its end a moment before the line is out. */
    int logged = wait_drop_lines(&s, dropped, why, sizeof(why));
    printf("    %d served, then %d dropped; the log says \"%s\"\n", nserved,
           dropped, why);
    CHECK(logged >= dropped, "%d clients dropped, but only %d lines in the log "
          "that say why", dropped, logged);
    CHECK_ALIVE(&s);
    if (nserved > 0 && echoes_line(served[0], "still here\n", 2000))
        echoes_line(served[nserved - 1], "me too\n", 2000);
    for (int i = 0; i < nserved; i++)
        close(served[i]);
    if (proc_count(s.pid, "task") >= 0)
        CHECK(wait_count(s.pid, "task", 1, 2000) == 1,
              "the served clients' threads did not end when they left");
    serves_a_new_client(&s); /* once the memory came back */
    CHECK_ALIVE(&s);
}

/* ---- echoservert_pre: a prethreaded pool ---- */

static void echoservert_pre_thread_count_is_unchanged_with_50_clients(void)
{
    enum { CLIENTS = 50 };
    int fds[CLIENTS];
    server_t s;

    need_proc();
    if (server_start(&s, "./echoservert_pre", "0", NULL) < 0)
        return;
    /* One client first, so that whatever a checker starts lazily runs. */
    int first = tcp_connect("127.0.0.1", s.port);
    if (first < 0 || !echoes_line(first, "first\n", 3000))
        return;
    close(first);
    /* Default pool: 4 workers plus main, created before it listens. */
    int idle = wait_count(s.pid, "task", 5, 2000);
    if (!running_under("thread")) /* TSan runs a helper thread of its own */
        CHECK(idle == 5, "%d threads when idle, want 4 workers + main", idle);
    for (int i = 0; i < CLIENTS; i++) {
        if ((fds[i] = tcp_connect("127.0.0.1", s.port)) < 0)
            return;
        send_all(fds[i], "queued\n", 7);
    }
    /* 4 served, 16 waiting in the buffer, 1 in the main thread's hand:
     * the rest wait in the kernel's listen backlog. */
    CHECK(server_log_wait(&s, "Connected to", 21, 3000) == 0,
          "fewer than 21 of %d clients were accepted", CLIENTS);
    int busy = proc_count(s.pid, "task");
    CHECK(busy == idle, "%d clients connected: %d threads, want %d as when "
          "idle", CLIENTS, busy, idle);
    for (int i = 0; i < CLIENTS; i++)
        close(fds[i]);
    int fd = tcp_connect("127.0.0.1", s.port);
    if (fd >= 0)
        echo_exact(fd, "after the crowd\n", 16, 5000);
}

static void echoservert_pre_serves_at_most_threads_clients_at_once(void)
{
    int a, b, c;
    char buf[16];
    server_t s;

    if (server_start(&s, "./echoservert_pre", "0", "2", "4", NULL) < 0)
        return;
    if ((a = tcp_connect("127.0.0.1", s.port)) < 0 || !echoes_line(a, "a\n", 3000) ||
        (b = tcp_connect("127.0.0.1", s.port)) < 0 || !echoes_line(b, "b\n", 3000) ||
        (c = tcp_connect("127.0.0.1", s.port)) < 0)
        return;
    send_all(c, "c\n", 2);
    CHECK(server_log_wait(&s, "Connected to", 3, 3000) == 0,
          "the third client was not accepted");
    CHECK(!readable_within(c, 500),
          "a third client was served by a pool of 2 threads");
    echoes_line(a, "a again\n", 3000); /* the first two are still served */
    echoes_line(b, "b again\n", 3000);
    close(a);
    CHECK(recv_upto(c, buf, 2, 3000) == 2 && memcmp(buf, "c\n", 2) == 0,
          "the waiting client was not served within 3 s of a worker going free");
}

static void echoservert_pre_logs_bytes_with_a_shared_total(void)
{
    server_t s;

    if (server_start(&s, "./echoservert_pre", "0", NULL) < 0)
        return;
    int a = tcp_connect("127.0.0.1", s.port);
    int b = tcp_connect("127.0.0.1", s.port);
    if (a < 0 || b < 0 || !echoes_line(a, "hello\n", 3000))
        return;
    CHECK(server_log_wait(&s, "server received 6 (6 total) bytes on fd ", 1,
                          1000) == 0, "no \"server received 6 (6 total) "
          "bytes on fd F\" line after a 6-byte line");
    echoes_line(b, "abc\n", 3000); /* another worker, the same total */
    CHECK(server_log_wait(&s, "server received 4 (10 total) bytes on fd ", 1,
                          1000) == 0, "no \"server received 4 (10 total) "
          "bytes on fd F\" line after a second client's 4-byte line");
}

/*
 * Checks the log holds exactly `lines` well-formed "server received 4 (T
 * total) bytes on fd F" lines whose totals are 4, 8, ... each once: a
 * lost update of the shared total would repeat one, a torn write (two
 * workers' output mixed mid-line) would break a line.
 */
static void expect_every_total_once(server_t *s, int lines)
{
    static const char prefix[] = "server received ";
    char *log = server_log(s), *line = log, *next;
    unsigned char *seen = calloc((size_t)lines + 1, 1);
    int count = 0, torn = 0, repeated = 0, missing = 0;

    for (; line != NULL && *line != '\0'; line = next) {
        unsigned long long total;
        int fd, end = 0;

        next = strchr(line, '\n');
        if (next != NULL)
            *next++ = '\0';
        if (strstr(line, prefix) == NULL)
            continue; /* "Connected to ..." and the like */
        count++;
        if (sscanf(line, "server received 4 (%llu total) bytes on fd %d%n",
                   &total, &fd, &end) != 2 || line[end] != '\0' ||
            total % 4 != 0 || total == 0 || total / 4 > (unsigned)lines) {
            if (torn++ == 0)
                printf("  a torn or malformed log line: \"%.100s\"\n", line);
            continue;
        }
        repeated += seen[total / 4]++ > 0;
    }
    for (int i = 1; i <= lines; i++)
        missing += !seen[i];
    CHECK(count == lines && torn == 0 && repeated == 0 && missing == 0,
          "%d log lines for %d lines echoed: %d torn, %d totals repeated, %d "
          "missing", count, lines, torn, repeated, missing);
    free(seen);
    free(log);
}

/*
 * Four clients at once, one per worker, send many lines each, with the
 * server's stdout a pipe: every byte is counted once under the lock, and
 * every worker's log arrives whole.
 */
static void echoservert_pre_total_counts_every_byte_from_4_clients_at_once(void)
{
    enum { CLIENTS = 4, LINES = 5000 };
    static char data[LINES * 4];
    char want[64];
    int fds[CLIENTS];
    server_t s;

    for (int i = 0; i < LINES; i++)
        memcpy(data + 4 * i, "abc\n", 4);
    if (server_start_stdout_piped(&s, "./echoservert_pre", "0", NULL) < 0)
        return;
    for (int c = 0; c < CLIENTS; c++)
        if ((fds[c] = tcp_connect("127.0.0.1", s.port)) < 0)
            return;
    for (int c = 0; c < CLIENTS; c++) /* queue all the bytes before any echo */
        send_all(fds[c], data, sizeof(data));
    for (int c = 0; c < CLIENTS; c++)
        recv_upto(fds[c], data, sizeof(data), 5000);
    snprintf(want, sizeof(want), "(%d total)", CLIENTS * (int)sizeof(data));
    if (!CHECK(server_log_wait(&s, want, 1, 3000) == 0,
               "no \"%s\" line after %d clients sent %zu bytes each", want,
               CLIENTS, sizeof(data)))
        return;
    expect_every_total_once(&s, CLIENTS * LINES);
}

/*
 * A client floods lines without reading its echo, then resets: the
 * worker's write fails with lines of the batch already counted. Their log
 * lines must come out before the error line, not after it.
 */
static void echoservert_pre_logs_a_batch_before_its_echo_fails(void)
{
    static char data[4 << 20];
    server_t s;

    for (size_t i = 0; i < sizeof(data); i += 4)
        memcpy(data + i, "abc\n", 4);
    if (server_start(&s, "./echoservert_pre", "0", NULL) < 0)
        return;
    int fd = tcp_connect("127.0.0.1", s.port);
    if (fd < 0)
        return;
    send_what_fits(fd, data, sizeof(data), 300); /* until the worker blocks */
    close_with_reset(fd);
    if (!CHECK(server_log_wait(&s, "echo: fd ", 1, 3000) == 0,
               "no \"echo: fd F: write: ...\" line after a reset"))
        return;
    sleep_ms(200); /* time for log lines that come late, wrongly */
    char *log = server_log(&s), *error = strstr(log, "echo: fd ");
    CHECK(error != NULL && strstr(error, "server received") == NULL,
          "log lines of the failed batch come after the error line: %.200s",
          error != NULL ? error : "");
    free(log);
    CHECK_ALIVE(&s);
}

/* Runs echoservert_pre with args; checks exit status 2 and that stderr
 * holds `want`. */
static void expect_refused(char *arg2, char *arg3, char *arg4, const char *want)
{
    char *argv[] = {"./echoservert_pre", "0", arg2, arg3, arg4, NULL};
    run_result_t r;

    run_program(argv, NULL, 0, 2000, &r);
    CHECK(r.status == 2 && strstr(r.err.data, want) != NULL,
          "echoservert_pre 0 %s %s %s: status %d, stderr \"%s\"; want status 2 "
          "and \"%s\"", arg2, arg3 ? arg3 : "", arg4 ? arg4 : "", r.status,
          r.err.data, want);
    run_result_free(&r);
}

static void echoservert_pre_rejects_bad_counts_with_status_2(void)
{
    expect_refused("0", NULL, NULL, "'0'");
    expect_refused("two", NULL, NULL, "'two'");
    expect_refused("4x", NULL, NULL, "'4x'");
    expect_refused("-3", NULL, NULL, "'-3'");
    expect_refused("100000", NULL, NULL, "'100000'");
    expect_refused("4", "0", NULL, "'0'");
    expect_refused("4", "", NULL, "''");
    expect_refused("4", "16", "extra", "usage: echoservert_pre <port> [threads [slots]]");
}

static const test_t tests[] = {
    TEST(echoserverp_runs_one_child_per_client),
    TEST(echoserverp_leaves_no_zombie_after_30_clients),
    TEST(echoserverp_sigterm_ends_the_clients_sessions_too),
    TEST(echoserverp_survives_fork_failure),
    TEST(echoservert_counts_return_to_idle_after_100_clients),
    TEST(echoservert_survives_running_out_of_address_space),
    TEST(echoservert_pre_thread_count_is_unchanged_with_50_clients),
    TEST(echoservert_pre_serves_at_most_threads_clients_at_once),
    TEST(echoservert_pre_logs_bytes_with_a_shared_total),
    TEST(echoservert_pre_total_counts_every_byte_from_4_clients_at_once),
    TEST(echoservert_pre_logs_a_batch_before_its_echo_fails),
    TEST(echoservert_pre_rejects_bad_counts_with_status_2),
};

int main(int argc, char **argv)
{
    if (argc > 2 && strcmp(argv[1], "--nproc-1") == 0) {
        limit_processes();
        execv(argv[2], argv + 2);
        fprintf(stderr, "exec %s: %s\n", argv[2], strerror(errno));
        return 127;
    }
    self = argv[0];
    return run_tests("models", tests, sizeof(tests) / sizeof(tests[0]), argc,
                     argv);
}
