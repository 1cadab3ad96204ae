/*
 * test_run.c - `make run` as a person uses it from a terminal: the build
 * is quiet (the server's "listening" line is not scrolled away by compiler
 * lines), and Ctrl-C ends it without make's "Interrupt" or "Error" line,
 * leaving the port free for the next `make run`. `make demo` ends on
 * Ctrl-C the same way, its server stopped.
 * A terminal's Ctrl-C sends SIGINT to every process of the foreground job:
 * make, the recipe's shell and the server. The test does the same, to each
 * by PID (a shell script cannot: its background jobs ignore SIGINT).
 * Run: tests/bin/test_run [test_name...]
 */
#include "testlib.h"

#define MAX_PIDS 16

/* Adds the descendants of pid to pids (n of them so far); returns n. */
static int add_descendants(pid_t pid, pid_t *pids, int n)
{
    pid_t kids[MAX_PIDS];
    int zombies, nkids = proc_child_pids(pid, kids, MAX_PIDS, &zombies);

    for (int i = 0; i < nkids && i < MAX_PIDS && n < MAX_PIDS; i++) {
        pids[n++] = kids[i];
        n = add_descendants(kids[i], pids, n);
    }
    return n;
}

/* The whole of file fd, NUL-terminated. */
static void read_all(int fd, bytes_t *b)
{
    char buf[4096];
    ssize_t got;

    lseek(fd, 0, SEEK_SET);
    while ((got = read(fd, buf, sizeof(buf))) > 0)
        bytes_add(b, buf, (size_t)got);
    bytes_add(b, "", 1);
}

/* A make command run as from a terminal: its output, its processes. */
typedef struct {
    int fd;               /* a file holding its stdout and stderr */
    pid_t pids[MAX_PIDS]; /* make first, then what it started */
    int n;
    bytes_t out;          /* the output so far */
} job_t;

/* Starts make with args (a shell command line), as a terminal would. */
static void job_start(job_t *j, const char *args)
{
    char path[] = "/tmp/make-job-XXXXXX", cmd[256];
    char *argv[] = {"/bin/sh", "-c", cmd, NULL};

    snprintf(cmd, sizeof(cmd), "exec make %s", args);
    memset(j, 0, sizeof(*j));
    j->fd = mkstemp(path);
    unlink(path);
    unsetenv("MAKEFLAGS"); /* not make test's own -s, -j and jobserver */
    unsetenv("MAKELEVEL");
    signal(SIGINT, SIG_DFL); /* as in a terminal, even if we inherited SIG_IGN */
    j->pids[0] = spawn_program(argv, -1, j->fd, j->fd);
}

/* Waits up to ms for text in the output; where it starts, or NULL. */
static const char *job_wait_for(job_t *j, const char *text, int ms)
{
    long long deadline = now_ms() + scaled(ms);
    const char *at;

    for (;;) {
        bytes_free(&j->out);
        read_all(j->fd, &j->out);
        if ((at = strstr(j->out.data, text)) != NULL)
            return at;
        if (!proc_running(j->pids[0]) || now_ms() > deadline)
            return NULL;
        sleep_ms(50);
    }
}

/* 1 while sig is sent to pid but not yet taken (/proc/PID/status). */
static int signal_pending(pid_t pid, int sig)
{
    char path[64], line[256];
    unsigned long long mask, pending = 0;
    FILE *f;

    snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
    if ((f = fopen(path, "r")) == NULL)
        return 0;
    while (fgets(line, sizeof(line), f) != NULL)
        if ((sscanf(line, "ShdPnd: %llx", &mask) == 1 ||
             sscanf(line, "SigPnd: %llx", &mask) == 1))
            pending |= mask;
    fclose(f);
    return (pending >> (sig - 1)) & 1;
}

/*
 * What Ctrl-C does: SIGINT to every process of the job. Make first, and
 * the rest once make has taken it: GNU make reaps its children inside its
 * SIGINT handler, and one that died while make was not yet in it can make
 * it fail with "wait: No child processes", a race of make's own (a
 * terminal can meet it too, rarely; here, on a loaded machine, it would
 * make the test flaky). Checks that make ends within 5 s; then kills what
 * is left and reads the output.
 */
static void job_ctrl_c(job_t *j)
{
    int status;

    j->n = add_descendants(j->pids[0], j->pids, 1);
    kill(j->pids[0], SIGINT);
    long long taken = now_ms() + scaled(2000);
    while (signal_pending(j->pids[0], SIGINT) && now_ms() < taken)
        sleep_ms(5);
    sleep_ms(20); /* from the handler's first line to its wait */
    for (int i = 1; i < j->n; i++)
        kill(j->pids[i], SIGINT);
    long long deadline = now_ms() + scaled(5000);
    while (waitpid(j->pids[0], &status, WNOHANG) == 0 && now_ms() < deadline)
        sleep_ms(10);
    CHECK(!proc_running(j->pids[0]), "make still runs 5 s after SIGINT");
    for (int i = 0; i < j->n; i++)
        kill(j->pids[i], SIGKILL); /* whatever failed to end, for the next test */
    waitpid(j->pids[0], &status, 0);
    bytes_free(&j->out);
    read_all(j->fd, &j->out);
    close(j->fd);
    CHECK(!strstr(j->out.data, "Interrupt") && !strstr(j->out.data, "Error") &&
              !strstr(j->out.data, "***"),
          "make's output after SIGINT: \"%s\"", j->out.data);
}

static void make_run_builds_quietly_and_ctrl_c_ends_it_cleanly(void)
{
    const char *at;
    char port[16] = "";
    job_t j;

    if (running_under(NULL))
        skip_test("a checker's copy of the tree is built by its own rules");
    need_proc();
    unlink("hello"); /* so that make run has something to build */
    job_start(&j, "run PORT=0");
    if ((at = job_wait_for(&j, "listening on port ", 40000)) != NULL)
        snprintf(port, sizeof(port), "%d", atoi(at + strlen("listening on port ")));
    CHECK(at != NULL, "make run printed no \"listening on port N\": \"%s\"",
          j.out.data);
    job_ctrl_c(&j);
    CHECK(access("hello", X_OK) == 0, "make run built nothing: nothing tested");
    CHECK(!strstr(j.out.data, " -o ") && !strstr(j.out.data, " -c "),
          "make run showed the build's commands: \"%s\"", j.out.data);
    int again = at != NULL ? open_listenfd(port) : 0;
    CHECK(again >= 0, "port %s is still in use after make run ended", port);
    if (again >= 0)
        close(again);
    bytes_free(&j.out);
}

/* The lecture's Ctrl-C: the demo says it stops, and stops its server. */
static void make_demo_ends_on_ctrl_c_without_an_error_line(void)
{
    const char *at;
    int server = 0;
    job_t j;

    if (running_under(NULL))
        skip_test("a checker's copy of the tree is built by its own rules");
    need_proc();
    job_start(&j, "demo STEP=1");
    if ((at = job_wait_for(&j, "(pid ", 20000)) != NULL)
        server = atoi(at + strlen("(pid "));
    CHECK(server > 0, "make demo started no server: \"%s\"", j.out.data);
    job_ctrl_c(&j);
    CHECK(strstr(j.out.data, "demo: interrupted") != NULL,
          "the demo did not say it was interrupted: \"%s\"", j.out.data);
    CHECK(server <= 0 || !proc_running(server),
          "the demo's server %d outlived it", server);
    bytes_free(&j.out);
}

static const test_t tests[] = {
    TEST(make_run_builds_quietly_and_ctrl_c_ends_it_cleanly),
    TEST(make_demo_ends_on_ctrl_c_without_an_error_line),
};

int main(int argc, char **argv)
{
    return run_tests("run", tests, sizeof(tests) / sizeof(tests[0]), argc,
                     argv);
}
