/*
 * test_models.c - what each concurrent server's model promises beyond the
 * contract every server keeps (test_servers.c, and echocheck's checks in
 * test_echocheck.sh: no zombies, counts back to idle, SIGTERM ending the
 * whole process group): echoserverp runs a child per client and reaps
 * children that end together; echoservert runs a thread per client
 * (echoservert_pre's pool: test_prethreaded.c). Both survive fork and
 * memory failures.
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

static void echoservert_runs_one_thread_per_client(void)
{
    enum { CLIENTS = 100 };
    int fds[CLIENTS];
    server_t s;

    need_proc();
    if (server_start(&s, "./echoservert", "0", NULL) < 0)
        return;
    /* Idle: one thread. (Back to idle once clients leave, and no zombie
     * after they leave: echocheck's resources group, test_echocheck.sh.) */
    int first = tcp_connect("127.0.0.1", s.port);
    if (first < 0 || !echoes_line(first, "first\n", 3000))
        return;
    close(first);
    int idle_tasks = wait_proc_count(s.pid, "task", 1, 2000);
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
        CHECK(wait_proc_count(s.pid, "task", 1, 2000) == 1,
              "the served clients' threads did not end when they left");
    serves_a_new_client(&s); /* once the memory came back */
    CHECK_ALIVE(&s);
}

static const test_t tests[] = {
    TEST(echoserverp_runs_one_child_per_client),
    TEST(echoserverp_leaves_no_zombie_after_30_clients),
    TEST(echoserverp_survives_fork_failure),
    TEST(echoservert_runs_one_thread_per_client),
    TEST(echoservert_survives_running_out_of_address_space),
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
