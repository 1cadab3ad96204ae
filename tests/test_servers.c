/*
 * test_servers.c - the contract every echo server keeps (the project contract),
 * checked against the real binaries started on port 0: arguments and exit
 * codes, exact echo, half-close, hostile clients, signals, and whether
 * clients are served one at a time (echoserveri) or at once (the rest).
 * Run: tests/bin/test_servers ./echoserveri ./echoservert ...
 */
#include "testlib.h"

static const char *prog; /* the server under test, e.g. "./echoserveri" */

/* One client at a time (the list's "serves one"): the rest wait. */
static int is_iterative(void) { return server_has(prog, "serves", "one"); }

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

/* ---- Exact echo ---- */

static void echoes_nul_bytes_cr_lf_and_a_last_line_without_newline(void)
{
    static const char data[] = "plain\n\0nul\0\n\r\ncr lf\r\n\n\x01\x7f\xff\nlast";
    server_t s;

    if (start(&s) < 0)
        return;
    int fd = tcp_connect("127.0.0.1", s.port);
    if (fd >= 0)
        echo_exact(fd, data, sizeof(data) - 1, 5000);
}

static void echoes_a_100000_byte_line(void)
{
    enum { LEN = 100000 };
    char *line = Malloc(LEN);
    server_t s;

    for (int i = 0; i < LEN - 1; i++)
        line[i] = (char)('a' + i % 26);
    line[LEN - 1] = '\n';
    if (start(&s) == 0) {
        int fd = tcp_connect("127.0.0.1", s.port);
        if (fd >= 0)
            echo_exact(fd, line, LEN, 10000);
    }
    free(line);
}

static void echoes_four_megabytes_of_random_bytes(void)
{
    enum { LEN = 4 << 20 };
    char *data = random_bytes(LEN, 42);
    server_t s;

    if (start(&s) == 0) {
        int fd = tcp_connect("127.0.0.1", s.port);
        if (fd >= 0)
            echo_exact(fd, data, LEN, 20000);
    }
    free(data);
}

static void returns_pending_bytes_then_closes_after_half_close(void)
{
    server_t s;
    char buf[64];

    if (start(&s) < 0)
        return;
    int fd = tcp_connect(host_has_ipv6() ? "::1" : "127.0.0.1", s.port);
    if (fd < 0)
        return;
    send_all(fd, "one\ntwo, no newline", 19);
    shutdown(fd, SHUT_WR);
    size_t got = recv_upto(fd, buf, sizeof(buf), 5000);
    CHECK(got == 19 && memcmp(buf, "one\ntwo, no newline", 19) == 0,
          "after half-close got %zu bytes back, want the 19 sent", got);
    CHECK(wait_eof(fd, 3000), "the server did not close after the half-close");
}

/* ---- Clients that misbehave cost only their own connection ---- */

static void survives_a_client_that_resets_mid_line(void)
{
    server_t s;

    if (start(&s) < 0)
        return;
    int bad = tcp_connect("127.0.0.1", s.port);
    if (bad < 0)
        return;
    send_all(bad, "half a li", 9);
    sleep_ms(50);
    close_with_reset(bad);
    int good = tcp_connect("127.0.0.1", s.port);
    if (good >= 0)
        echo_exact(good, "next client\n", 12, 5000);
    CHECK_ALIVE(&s);
}

static void survives_a_client_that_leaves_before_reading_its_echo(void)
{
    enum { LEN = 4 << 20 };
    char *data = random_bytes(LEN, 7);
    server_t s;

    if (start(&s) == 0) {
        /* The server is still echoing when we are gone: its writes fail
         * with EPIPE or ECONNRESET (or SIGPIPE, if it forgot to ignore it). */
        for (int round = 0; round < 3; round++) {
            int bad = tcp_connect("127.0.0.1", s.port);
            if (bad < 0)
                break;
            send_what_fits(bad, data, LEN, 200);
            close_with_reset(bad);
        }
        int good = tcp_connect("127.0.0.1", s.port);
        if (good >= 0)
            echo_exact(good, "still here?\n", 12, 5000);
        CHECK_ALIVE(&s);
    }
    free(data);
}

static void survives_a_client_that_closes_without_reading(void)
{
    server_t s;

    if (start(&s) < 0)
        return;
    for (int round = 0; round < 5; round++) {
        int bad = tcp_connect("127.0.0.1", s.port);
        if (bad < 0)
            return;
        send_all(bad, "line one\nline two\nline three\n", 29);
        close(bad); /* a FIN with unread echo: the server's next write resets */
    }
    int good = tcp_connect("127.0.0.1", s.port);
    if (good >= 0)
        echo_exact(good, "after them\n", 11, 5000);
    CHECK_ALIVE(&s);
}

/* ---- Signals ---- */

static void exits_on_signal(int sig)
{
    server_t s;

    if (start(&s) < 0)
        return;
    int fd = tcp_connect("127.0.0.1", s.port); /* a client is connected */
    if (fd >= 0)
        echoes_line(fd, "hi\n", 3000);
    CHECK(server_signal_wait(&s, sig, 1000) == 0,
          "still running 1 s after signal %d", sig);
}

static void exits_within_a_second_of_sigterm(void) { exits_on_signal(SIGTERM); }
static void exits_within_a_second_of_sigint(void) { exits_on_signal(SIGINT); }

/* ---- One at a time, or all at once ---- */

static void serves_clients_one_at_a_time_or_at_once(void)
{
    server_t s;
    char buf[8];

    if (start(&s) < 0)
        return;
    int first = tcp_connect("127.0.0.1", s.port);
    int second = tcp_connect("127.0.0.1", s.port); /* the backlog takes it */
    if (first < 0 || second < 0)
        return;
    echoes_line(first, "first\n", 3000);
    send_all(second, "second\n", 7);
    if (is_iterative()) {
        CHECK(!readable_within(second, 500),
              "the second client was answered while the first was connected");
        close(first);
        CHECK(recv_upto(second, buf, 7, 5000) == 7 && memcmp(buf, "second\n", 7) == 0,
              "the second client's echo did not come once the first left");
    } else {
        CHECK(recv_upto(second, buf, 7, 3000) == 7 && memcmp(buf, "second\n", 7) == 0,
              "the second client was not answered while the first was connected");
        echoes_line(first, "first again\n", 3000);
    }
}

static const test_t tests[] = {
    TEST(prints_usage_and_exits_2_without_a_port),
    TEST(prints_usage_on_stdout_and_exits_0_for_help),
    TEST(rejects_a_bad_port_with_status_2),
    TEST(reports_a_port_in_use_and_exits_1),
    TEST(announces_the_real_port_it_listens_on),
    TEST(logs_each_connection),
    TEST(logs_promptly_when_stdout_is_a_pipe),
    TEST(echoes_nul_bytes_cr_lf_and_a_last_line_without_newline),
    TEST(echoes_a_100000_byte_line),
    TEST(echoes_four_megabytes_of_random_bytes),
    TEST(returns_pending_bytes_then_closes_after_half_close),
    TEST(survives_a_client_that_resets_mid_line),
    TEST(survives_a_client_that_leaves_before_reading_its_echo),
    TEST(survives_a_client_that_closes_without_reading),
    TEST(exits_within_a_second_of_sigterm),
    TEST(exits_within_a_second_of_sigint),
    TEST(serves_clients_one_at_a_time_or_at_once),
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
