/*
 * testlib.c - the test runner and its checks; see testlib.h. Each test
 * runs in a child process that leads its own process group, so whatever a
 * test starts (servers, their children, clients) can be killed together
 * when it ends, even if the test itself crashed or hung. Also here: the
 * clocks every bounded wait uses, and the growing byte buffer.
 * The rest of the harness: proc.c (running programs, /proc readers),
 * server_ctl.c (servers in the background), net.c (talking to them).
 */
#include "testlib.h"

#include <poll.h>
#include <stdarg.h>
#include <time.h>

#define TEST_LIMIT_S 45  /* a test still running by then has hung */
#define SKIP_STATUS 77   /* a test's exit status meaning "skipped" */

/* ---- Clocks ---- */

long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void sleep_ms(int ms) { poll(NULL, 0, ms); }

int ms_left(long long deadline)
{
    long long left = deadline - now_ms();
    return left > 0 ? (int)left : 0;
}

/*
 * Under valgrind or a sanitizer everything runs several times slower;
 * TEST_TIME_SCALE stretches every bounded wait (and the contract's time
 * limits) so those runs check behaviour, not speed.
 */
int scaled(int ms)
{
    static int scale;
    if (scale == 0) {
        const char *env = getenv("TEST_TIME_SCALE");
        scale = env && atoi(env) > 0 ? atoi(env) : 1;
    }
    return ms * scale;
}

int running_under(const char *checker)
{
    const char *env = getenv("TEST_SANITIZER");
    return env != NULL && (checker == NULL || strcmp(env, checker) == 0);
}

/* ---- Checks ---- */

static int failures; /* failed checks in the current test (its own process) */

int check_(int ok, const char *file, int line, const char *fmt, ...)
{
    va_list ap;

    if (ok)
        return 1;
    failures++;
    printf("    %s:%d: ", file, line);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
    return 0;
}

/* ---- The runner ---- */

static void on_test_timeout(int sig)
{
    (void)sig;
    static const char msg[] = "    test timed out\n";
    write(STDOUT_FILENO, msg, sizeof(msg) - 1);
    _exit(3); /* the runner kills the test's process group */
}

static int selected(const char *name, int argc, char **argv)
{
    if (argc < 2)
        return 1;
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], name) == 0)
            return 1;
    return 0;
}

void skip_test(const char *why)
{
    printf("    skipped: %s\n", why);
    kill_servers();
    fflush(stdout);
    _exit(SKIP_STATUS);
}

static void child_runs(const test_t *t, int outfd)
{
    setpgid(0, 0);
    dup2(outfd, STDOUT_FILENO);
    dup2(outfd, STDERR_FILENO);
    close(outfd);
    signal(SIGALRM, on_test_timeout);
    alarm((unsigned)scaled(TEST_LIMIT_S));
    t->run();
    kill_servers();
    fflush(stdout);
    _exit(failures > 0 ? 1 : 0);
}

/*
 * Reads the test's output until end of file. A process the test started
 * may keep the pipe open after the test itself timed out, so the read has
 * its own deadline: past it, the test's whole process group is killed and
 * what is left is read, for two seconds at most. Returns 1 if it had to
 * kill: the test counts as failed then, whatever its status.
 */
static int collect_output(int fd, pid_t pgid, bytes_t *out)
{
    static const char killed_msg[] = "    test hung: its process group killed\n";
    long long deadline = now_ms() + 1000LL * (scaled(TEST_LIMIT_S) + 5);
    int killed = 0;
    char buf[4096];

    for (;;) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (ms_left(deadline) == 0) {
            if (killed)
                return killed;
            kill(-pgid, SIGKILL);
            killed = 1;
            bytes_add(out, killed_msg, sizeof(killed_msg) - 1);
            deadline = now_ms() + 2000;
        }
        if (poll(&p, 1, ms_left(deadline)) <= 0)
            continue; /* EINTR or the deadline: checked above */
        ssize_t n = read(fd, buf, sizeof(buf));
        if (n > 0)
            bytes_add(out, buf, (size_t)n);
        else if (n == 0 || errno != EINTR)
            return killed;
    }
}

/*
 * Runs one test; collects its output so its verdict line comes first.
 * Returns 1 passed, 0 failed, -1 skipped.
 */
static int run_one(const char *group, const test_t *t)
{
    int fds[2], status;
    bytes_t out = {0};
    pid_t pid;

    fflush(stdout);
    if (pipe(fds) < 0)
        unix_error("pipe");
    if ((pid = Fork()) == 0) {
        close(fds[0]);
        child_runs(t, fds[1]);
    }
    close(fds[1]);
    setpgid(pid, pid); /* also here: no race with the child's own call */
    int hung = collect_output(fds[0], pid, &out);
    close(fds[0]);
    waitpid(pid, &status, 0);
    kill(-pid, SIGKILL); /* anything the test started and left behind */

    int passed = !hung && WIFEXITED(status) && WEXITSTATUS(status) == 0;
    int skipped = !hung && WIFEXITED(status) && WEXITSTATUS(status) == SKIP_STATUS;
    printf("%s %s %s\n", passed ? "PASS" : skipped ? "SKIP" : "FAIL", group,
           t->name);
    if (!passed && WIFSIGNALED(status))
        printf("    test crashed with signal %d\n", WTERMSIG(status));
    if (out.len > 0)
        fwrite(out.data, 1, out.len, stdout);
    bytes_free(&out);
    return skipped ? -1 : passed;
}

int run_tests(const char *group, const test_t *tests, size_t ntests,
              int argc, char **argv)
{
    int failed = 0;

    signal(SIGPIPE, SIG_IGN); /* a peer that vanished is a failed check */
    for (size_t i = 0; i < ntests; i++)
        if (selected(tests[i].name, argc, argv) && run_one(group, &tests[i]) == 0)
            failed++;
    fflush(stdout);
    return failed > 0 ? 1 : 0;
}

/* ---- Byte buffers ---- */

void bytes_add(bytes_t *b, const void *data, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->data = Realloc(b->data, b->cap);
    }
    memcpy(b->data + b->len, data, n);
    b->len += n;
    b->data[b->len] = '\0'; /* so text output can be searched with strstr */
}

void bytes_free(bytes_t *b)
{
    free(b->data);
    memset(b, 0, sizeof(*b));
}

char *random_bytes(size_t n, unsigned seed)
{
    char *buf = Malloc(n);
    unsigned long x = seed * 2654435761UL + 1;

    for (size_t i = 0; i < n; i++) {
        x = x * 6364136223846793005UL + 1442695040888963407UL;
        buf[i] = (char)(x >> 56);
    }
    return buf;
}

/* Drains fd into b; returns 0 once it reached end of file. */
int drain_fd(int fd, bytes_t *b)
{
    char buf[65536];
    ssize_t n;

    while ((n = read(fd, buf, sizeof(buf))) > 0)
        bytes_add(b, buf, (size_t)n);
    if (n < 0 && (would_wait(errno) || errno == EINTR))
        return 1;
    return 0; /* end of file, or an error such as a reset: nothing more */
}
