/*
 * test_run.c - `make run` as a person uses it from a terminal: the build
 * is quiet (the server's "listening" line is not scrolled away by compiler
 * lines), and Ctrl-C ends it without make's "Interrupt" or "Error" line,
 * leaving the port free for the next `make run`.
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

/* Waits for make's output to say the server listens; its port, or -1. */
static int wait_listening(int fd, pid_t make, bytes_t *out)
{
    long long deadline = now_ms() + scaled(40000); /* a link, on a busy VM */
    const char *at;
    int status;

    for (;;) {
        bytes_free(out);
        read_all(fd, out);
        if ((at = strstr(out->data, "listening on port ")) != NULL)
            return atoi(at + strlen("listening on port "));
        if (waitpid(make, &status, WNOHANG) == make || now_ms() > deadline)
            return -1;
        sleep_ms(50);
    }
}

static void make_run_builds_quietly_and_ctrl_c_ends_it_cleanly(void)
{
    char path[] = "/tmp/make-run-XXXXXX";
    char *argv[] = {"/bin/sh", "-c", "exec make run PORT=0", NULL};
    pid_t pids[MAX_PIDS];
    bytes_t out = {0};
    int fd = mkstemp(path), status = 0, n;

    if (running_under(NULL))
        skip_test("a checker's copy of the tree is built by its own rules");
    need_proc();
    unlink(path);
    unlink("hello"); /* so that make run has something to build */
    unsetenv("MAKEFLAGS"); /* not make test's own -s, -j and jobserver */
    unsetenv("MAKELEVEL");
    signal(SIGINT, SIG_DFL); /* as in a terminal, even if we inherited SIG_IGN */
    pids[0] = spawn_program(argv, -1, fd, fd);
    int port = wait_listening(fd, pids[0], &out);
    CHECK(port > 0, "make run printed no \"listening on port N\": \"%s\"",
          out.data);
    n = add_descendants(pids[0], pids, 1);
    for (int i = 0; i < n; i++) /* what Ctrl-C does: the whole job */
        kill(pids[i], SIGINT);
    long long deadline = now_ms() + scaled(5000);
    while (waitpid(pids[0], &status, WNOHANG) == 0 && now_ms() < deadline)
        sleep_ms(10);
    CHECK(!proc_running(pids[0]), "make run still runs 5 s after SIGINT");
    for (int i = 0; i < n; i++)
        kill(pids[i], SIGKILL); /* whatever failed to end, for the next test */
    waitpid(pids[0], &status, 0);
    bytes_free(&out);
    read_all(fd, &out);
    close(fd);
    CHECK(access("hello", X_OK) == 0, "make run built nothing: nothing tested: %s", out.data);
    CHECK(!strstr(out.data, " -o ") && !strstr(out.data, " -c "),
          "make run showed the build's commands: \"%s\"", out.data);
    CHECK(!strstr(out.data, "Interrupt") && !strstr(out.data, "Error") &&
              !strstr(out.data, "***"),
          "make run's output after SIGINT: \"%s\"", out.data);
    char port_arg[16];
    snprintf(port_arg, sizeof(port_arg), "%d", port);
    int again = port > 0 ? open_listenfd(port_arg) : 0;
    CHECK(again >= 0, "port %d is still in use after make run ended", port);
    if (again >= 0)
        close(again);
    bytes_free(&out);
}

static const test_t tests[] = {
    TEST(make_run_builds_quietly_and_ctrl_c_ends_it_cleanly),
};

int main(int argc, char **argv)
{
    return run_tests("run", tests, sizeof(tests) / sizeof(tests[0]), argc,
                     argv);
}
