/*
 * test_servers.c - the conventions every server of this suite keeps (the
 * project contract), checked against the real binaries started on port 0:
 * arguments and exit codes, the "listening on port N" and "Connected to"
 * log lines (IPv6 too), a prompt log, SIGINT. What any echo server must
 * do (exact echo, half-close, concurrency as its model says, hostile
 * clients, resources, SIGTERM) is echocheck's, run on every server by
 * tests/test_echocheck.sh.
 * Run: tests/bin/test_servers ./echoserveri ./echoservert ...
 */
#include "testlib.h"

static const char *prog; /* the server under test, e.g. "./echoserveri" */


static int start(server_t *s) { return server_start(s, prog, "0", NULL); }

/* ---- Arguments, start-up and exit codes ---- */

static void run_server(char *arg, int timeout_ms, run_result_t *r)
{
    char *argv[] = {(char *)prog, arg, NULL};
    run_program(argv, NULL, 0, timeout_ms, r);
}

static void prints_usage_and_exits_2_without_a_port(void)
{
    run_result_t r;
    run_server(NULL, 2000, &r);
    CHECK(r.status == 2, "exit status %d, want 2", r.status);
    CHECK(strstr(r.err.data, "usage: ") && strstr(r.err.data, "<port>"),
          "stderr \"%s\" has no \"usage: ... <port>\" line", r.err.data);
    run_result_free(&r);
}

static void prints_usage_on_stdout_and_exits_0_for_help(void)
{
    check_help(prog);
}

static void rejects_a_bad_port_with_status_2(void)
{
    char *bad[] = {"abc", "70000", "-1", "12ab", ""};

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        run_result_t r;
        run_server(bad[i], 2000, &r);
        CHECK(r.status == 2, "port '%s': exit status %d, want 2", bad[i],
              r.status);
        char quoted[16];
        snprintf(quoted, sizeof(quoted), "'%s'", bad[i]);
        CHECK(strstr(r.err.data, quoted) != NULL,
              "port '%s': stderr \"%s\" does not name the bad value", bad[i],
              r.err.data);
        run_result_free(&r);
    }
}

static void reports_a_port_in_use_and_exits_1(void)
{
    server_t first;
    run_result_t r;
    char port[16];

    if (start(&first) < 0)
        return;
    snprintf(port, sizeof(port), "%d", first.port);
    run_server(port, 3000, &r);
    CHECK(r.status == 1, "second server on port %s: exit status %d, want 1",
          port, r.status);
    /* The system's own words: glibc says "Address already in use", musl
     * "Address in use". The test is built with the servers' C library. */
    CHECK(strstr(r.err.data, strerror(EADDRINUSE)) != NULL,
          "stderr \"%s\" does not say \"%s\" (strerror(EADDRINUSE))",
          r.err.data, strerror(EADDRINUSE));
    CHECK(r.elapsed_ms < scaled(1000), "it took %lld ms to give up, want < 1 s",
          r.elapsed_ms);
    run_result_free(&r);
}

static void announces_the_real_port_it_listens_on(void)
{
    server_t s;
    if (start(&s) < 0)
        return;
    CHECK(s.port > 0, "announced port %d", s.port);
    int fd = tcp_connect("127.0.0.1", s.port);
    if (fd >= 0)
        echoes_line(fd, "hello\n", 3000);
}

static void logs_each_connection(void)
{
    server_t s;
    if (start(&s) < 0)
        return;
    int a = tcp_connect("127.0.0.1", s.port);
    CHECK(server_log_wait(&s, "Connected to (127.0.0.1, ", 1, 3000) == 0,
          "no \"Connected to (127.0.0.1, PORT)\" line in the log");
    close(a);
    if (!host_has_ipv6()) {
        printf("    no IPv6 loopback here: the IPv6 half is not checked\n");
        return;
    }
    int b = tcp_connect("::1", s.port);
    if (b < 0)
        return;
    CHECK(server_log_wait(&s, "Connected to (::1, ", 1, 3000) == 0,
          "no \"Connected to (::1, PORT)\" line for an IPv6 client");
    echoes_line(b, "over IPv6\n", 3000); /* echocheck keeps to IPv4 */
    close(b);
}

/* A log left in stdio's buffer shows only when stdout is not a terminal:
 * a pipe (here) or a file (every other test). The server is idle,
 * waiting, when the line must already be there. */
static void logs_promptly_when_stdout_is_a_pipe(void)
{
    server_t s;
    if (server_start_stdout_piped(&s, prog, "0", NULL) < 0)
        return;
    int fd = tcp_connect("127.0.0.1", s.port);
    if (fd < 0)
        return;
    echoes_line(fd, "hello\n", 3000);
    CHECK(server_log_wait(&s, "Connected to (127.0.0.1, ", 1, 1000) == 0,
          "no \"Connected to (127.0.0.1, PORT)\" line through the pipe "
          "within 1 s of the echo");
    close(fd);
}

/* ---- Signals ---- */

/* SIGTERM, like the exact echo, half-close, concurrency as the model
 * says and hostile clients, is one of the checks any echo server must
 * pass: echocheck runs them (tests/test_echocheck.sh). SIGINT is ours. */
static void exits_within_a_second_of_sigint(void)
{
    server_t s;

    if (start(&s) < 0)
        return;
    int fd = tcp_connect("127.0.0.1", s.port); /* a client is connected */
    if (fd >= 0)
        echoes_line(fd, "hi\n", 3000);
    CHECK(server_signal_wait(&s, SIGINT, 1000) == 0,
          "still running 1 s after SIGINT");
}

/* A shell starts a script's background job (./server &) with SIGINT
 * ignored, and exec keeps it ignored: the server must undo that. */
static void exits_on_sigint_even_when_started_with_it_ignored(void)
{
    server_t s;
    void (*was)(int) = signal(SIGINT, SIG_IGN); /* inherited by the server */
    int rc = start(&s);

    signal(SIGINT, was);
    if (rc < 0)
        return;
    CHECK(server_signal_wait(&s, SIGINT, 1000) == 0,
          "still running 1 s after SIGINT, having started with it ignored");
}

static const test_t tests[] = {
    TEST(prints_usage_and_exits_2_without_a_port),
    TEST(prints_usage_on_stdout_and_exits_0_for_help),
    TEST(rejects_a_bad_port_with_status_2),
    TEST(reports_a_port_in_use_and_exits_1),
    TEST(announces_the_real_port_it_listens_on),
    TEST(logs_each_connection),
    TEST(logs_promptly_when_stdout_is_a_pipe),
    TEST(exits_within_a_second_of_sigint),
    TEST(exits_on_sigint_even_when_started_with_it_ignored),
};

int main(int argc, char **argv)
{
    int status = 0;

    if (argc < 2) {
        fprintf(stderr, "usage: %s SERVER...\n", argv[0]);
        return 2;
    }
    for (int i = 1; i < argc; i++) {
        prog = argv[i];
        status |= run_tests(prog_name(prog), tests, sizeof(tests) / sizeof(tests[0]),
                            0, NULL);
    }
    return status;
}
