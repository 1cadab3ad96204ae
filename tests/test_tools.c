/*
 * test_tools.c - short runs of the measuring tools: echobench must pass a
 * correct server, catch a corrupting one, and refuse bad usage, and in
 * churn mode also catch a dropped echo and refused connects; spawncost
 * must measure both costs; bench/ab.sh must compare servers, measure
 * churn, and stop at a wrong echo.
 * Run: tests/bin/test_tools [test_name...]
 */
#include "testlib.h"

/* Runs echobench with args against a fresh server; returns the result. */
static int bench_against(const char *server, const char *mode, char *args[],
                         run_result_t *r)
{
    /* testlib kills the servers a test started once it ends, through these:
     * they must outlive this call (each test runs in a process of its own). */
    static server_t started[4];
    static int nstarted;
    server_t *s = &started[nstarted++ % 4];
    char port[16], *argv[24];
    int argc = 0;

    if (server_start(s, server, "0", mode, NULL) < 0)
        return -1;
    snprintf(port, sizeof(port), "%d", s->port);
    argv[argc++] = "bench/bin/echobench";
    while (*args != NULL && argc < 20)
        argv[argc++] = *args++;
    argv[argc++] = "127.0.0.1";
    argv[argc++] = port;
    argv[argc] = NULL;
    run_program(argv, NULL, 0, 20000, r);
    return 0;
}

/* The reference peer uses Linux epoll (elsewhere it only says it cannot
 * run); the select server is a correct echo on every system. */
#ifdef __linux__
#define CORRECT_PEER "bench/bin/epollecho"
#else
#define CORRECT_PEER "./echoservers"
#endif

static void echobench_passes_a_correct_server(void)
{
    char *args[] = {"-c", "20", "-s", "200", "-w", "4", "-d", "1", NULL};
    run_result_t r;

    if (bench_against(CORRECT_PEER, NULL, args, &r) < 0)
        return;
    CHECK(r.status == 0, "exit status %d, want 0; stderr: %s", r.status,
          r.err.data);
    CHECK(strstr(r.out.data, "RESULT ") && strstr(r.out.data, "errors=0"),
          "no RESULT line with errors=0 in: %s", r.out.data);
    run_result_free(&r);
}

static void echobench_passes_echoserveri(void)
{
    char *args[] = {"-c", "1", "-s", "8192", "-w", "16", "-d", "1", NULL};
    run_result_t r;

    if (bench_against("./echoserveri", NULL, args, &r) < 0)
        return;
    CHECK(r.status == 0, "exit status %d, want 0; stderr: %s", r.status,
          r.err.data);
    run_result_free(&r);
}

static void expect_caught(const char *mode)
{
    char *args[] = {"-c", "4", "-s", "64", "-w", "4", "-d", "1", NULL};
    run_result_t r;

    if (bench_against("bench/bin/badecho", mode, args, &r) < 0)
        return;
    CHECK(r.status == 1, "against badecho %s: exit status %d, want 1", mode,
          r.status);
    CHECK(strstr(r.err.data, "mismatch") || strstr(r.out.data, "mismatch"),
          "against badecho %s: no mismatch reported; stderr: %s", mode,
          r.err.data);
    run_result_free(&r);
}

static void echobench_catches_a_flipped_bit(void) { expect_caught("flip"); }
static void echobench_catches_swapped_lines(void) { expect_caught("swap"); }

/* A second of churn, clients at a time, against server (mode: its argument). */
static int churn_against(const char *server, const char *mode, char *clients,
                         run_result_t *r)
{
    char *args[] = {"-m", "churn", "-c", clients, "-d", "1", NULL};
    return bench_against(server, mode, args, r);
}

/* The number after key= in the line of out that starts with prefix, or -1. */
static double line_value(const char *out, const char *prefix, const char *key)
{
    char pat[64];
    const char *line = strstr(out, prefix), *at;
    double v;

    snprintf(pat, sizeof(pat), " %s=", key);
    if (line == NULL || (at = strstr(line, pat)) == NULL ||
        sscanf(at + strlen(pat), "%lf", &v) != 1)
        return -1;
    return v;
}

/* The number after key= in the RESULT line of out, or -1. */
static double result_value(const char *out, const char *key)
{
    return line_value(out, "RESULT ", key);
}

/*
 * -m fair counts each client's lines: a pool of 2 threads serves 2 of 6
 * clients and the other 4 get nothing, which is a finding, not an error
 * (exit 0, the run ends on time); an event loop serves all 6.
 */
static void echobench_fair_counts_the_clients_a_pool_leaves_out(void)
{
    char *args[] = {"-m", "fair", "-c", "6", "-w", "2", "-d", "1", NULL};
    run_result_t r;

    if (bench_against("./echoservert_pre", "2", args, &r) < 0)
        return;
    CHECK(r.status == 0, "pool of 2: exit status %d, want 0; stderr: %s",
          r.status, r.err.data);
    CHECK(line_value(r.out.data, "RESULT+ ", "starved") == 4 &&
              line_value(r.out.data, "RESULT+ ", "least") == 0 &&
              line_value(r.out.data, "RESULT+ ", "most") > 0,
          "pool of 2, 6 clients: want starved=4 least=0 and most > 0 in: %s",
          r.out.data);
    run_result_free(&r);
    if (bench_against("./echoservers", NULL, args, &r) < 0)
        return;
    CHECK(r.status == 0 && line_value(r.out.data, "RESULT+ ", "starved") == 0 &&
              line_value(r.out.data, "RESULT+ ", "jain") > 0.5,
          "event loop, 6 clients: want exit 0, starved=0, jain > 0.5: %s",
          r.out.data);
    run_result_free(&r);
}

static void expect_churn_passes(const char *server, char *clients)
{
    run_result_t r;

    if (churn_against(server, NULL, clients, &r) < 0)
        return;
    CHECK(r.status == 0, "%s: exit status %d, want 0; stderr: %s", server,
          r.status, r.err.data);
    CHECK(strstr(r.out.data, "RESULT mode=churn") &&
              result_value(r.out.data, "errors") == 0 &&
              result_value(r.out.data, "failed_connects") == 0,
          "%s: no churn RESULT with errors=0 failed_connects=0 in: %s", server,
          r.out.data);
    CHECK(result_value(r.out.data, "conns") > 0,
          "%s: no connection completed: %s", server, r.out.data);
    run_result_free(&r);
}

static void echobench_churn_passes_a_correct_server(void)
{
    expect_churn_passes(CORRECT_PEER, "4");
    /* one client at a time: the others' connects wait in the backlog */
    expect_churn_passes("./echoserveri", "4");
}

/* badecho drop and garble break every 16th connection they accept. */
static void expect_churn_caught(const char *mode, const char *why)
{
    run_result_t r;

    if (churn_against("bench/bin/badecho", mode, "4", &r) < 0)
        return;
    CHECK(r.status == 1, "against badecho %s: exit status %d, want 1", mode,
          r.status);
    CHECK(strstr(r.err.data, why) != NULL,
          "against badecho %s: no '%s' reported; stderr: %s", mode, why,
          r.err.data);
    run_result_free(&r);
}

static void echobench_churn_catches_a_dropped_echo(void)
{
    expect_churn_caught("drop", "closed after 0 of 64 echoed bytes");
}

static void echobench_churn_catches_a_garbled_echo(void)
{
    expect_churn_caught("garble", "mismatch");
}

static void echobench_churn_fails_where_nothing_listens(void)
{
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    char port[16];
    run_result_t r;

    /* bound, never listening, and held: the port stays ours and refuses */
    if (!CHECK(fd >= 0 && bind(fd, (SA *)&a, sizeof(a)) == 0,
               "cannot bind a loopback port: %s", strerror(errno)))
        return;
    snprintf(port, sizeof(port), "%d", socket_port(fd));
    char *argv[] = {"bench/bin/echobench", "-m", "churn", "-c", "2", "-d", "1",
                    "127.0.0.1", port, NULL};
    run_program(argv, NULL, 0, 20000, &r);
    CHECK(r.status == 1, "exit status %d, want 1", r.status);
    CHECK(result_value(r.out.data, "failed_connects") > 0 &&
              strstr(r.err.data, "failed") != NULL,
          "no failed connects reported; stdout: %s; stderr: %s", r.out.data,
          r.err.data);
    run_result_free(&r);
    close(fd);
}

static void echobench_refuses_bad_usage(void)
{
    char *argv[] = {"bench/bin/echobench", "-c", "many", "127.0.0.1", "1", NULL};
    run_result_t r;

    run_program(argv, NULL, 0, 5000, &r);
    CHECK(r.status == 2, "exit status %d, want 2", r.status);
    CHECK(strstr(r.err.data, "many") != NULL, "the error does not name the bad "
          "value: %s", r.err.data);
    run_result_free(&r);
}

static void spawncost_measures_processes_and_threads(void)
{
    char *argv[] = {"bench/bin/spawncost", "-n", "50", NULL};
    run_result_t r;

    run_program(argv, NULL, 0, 20000, &r);
    CHECK(r.status == 0, "exit status %d, want 0", r.status);
    char *line = strstr(r.out.data, "RESULT process_ns=");
    double process_ns = 0, thread_ns = 0;
    if (CHECK(line != NULL, "no RESULT line in: %s", r.out.data))
        sscanf(line, "RESULT process_ns=%lf thread_ns=%lf", &process_ns,
               &thread_ns);
    CHECK(process_ns > 0 && thread_ns > 0,
          "costs not measured: process %.0f ns, thread %.0f ns", process_ns,
          thread_ns);
    run_result_free(&r);
}

/* Runs bench/ab.sh for two short rounds of 2 clients on the two servers. */
static void run_ab(char *server_a, char *server_b, run_result_t *r)
{
    char *argv[] = {"/bin/sh", "bench/ab.sh", "-c", "2", "-d", "1", "-r", "2",
                    server_a, server_b, NULL};
    run_program(argv, NULL, 0, 30000, r);
}

/* The median lines/s in ab.sh's row for server, or -1 without the row. */
static double ab_median(const char *out, const char *server)
{
    char row[128];
    double lines_per_s;
    const char *at;

    snprintf(row, sizeof(row), "| %s | ", server);
    if ((at = strstr(out, row)) == NULL ||
        sscanf(at + strlen(row), "%lf", &lines_per_s) != 1)
        return -1;
    return lines_per_s;
}

static void ab_compares_two_servers_round_after_round(void)
{
    run_result_t r;

    /* bookecho with a thread count: the book-style prethreaded baseline */
    run_ab("./echoservert", "bench/bin/bookecho 4", &r);
    CHECK(r.status == 0, "exit status %d, want 0; stderr: %s", r.status,
          r.err.data);
    CHECK(ab_median(r.out.data, "./echoservert") > 0 &&
              ab_median(r.out.data, "bench/bin/bookecho 4") > 0,
          "no row with lines/s for each server in: %s", r.out.data);
    run_result_free(&r);
}

static void ab_measures_churn(void)
{
    char *argv[] = {"/bin/sh", "bench/ab.sh", "-m", "churn", "-c", "4",
                    "-d", "1", "-r", "1", "./echoservert", NULL};
    run_result_t r;

    run_program(argv, NULL, 0, 30000, &r);
    CHECK(r.status == 0, "exit status %d, want 0; stderr: %s", r.status,
          r.err.data);
    CHECK(strstr(r.out.data, "median conn/s") != NULL &&
              ab_median(r.out.data, "./echoservert") > 0,
          "no row with conn/s in: %s", r.out.data);
    run_result_free(&r);
}

static void ab_stops_at_a_corrupting_server(void)
{
    run_result_t r;

    run_ab("./echoservert", "bench/bin/badecho flip", &r);
    CHECK(r.status == 1, "exit status %d, want 1", r.status);
    CHECK(strstr(r.err.data, "mismatch") != NULL,
          "no mismatch reported; stderr: %s", r.err.data);
    CHECK(strstr(r.out.data, "median") == NULL,
          "a table printed despite the error: %s", r.out.data);
    run_result_free(&r);
}

static void ab_refuses_bad_usage(void)
{
    char *rounds[] = {"/bin/sh", "bench/ab.sh", "-r", "0", "./echoservert", NULL};
    char *missing[] = {"/bin/sh", "bench/ab.sh", "./echoservert", "./nothere", NULL};
    run_result_t r;

    run_program(rounds, NULL, 0, 5000, &r);
    CHECK(r.status == 2 && strstr(r.err.data, "-r '0'") != NULL,
          "-r 0: exit status %d, want 2 and the bad value named; stderr: %s",
          r.status, r.err.data);
    run_result_free(&r);
    run_program(missing, NULL, 0, 5000, &r);
    CHECK(r.status == 1 && strstr(r.err.data, "./nothere") != NULL &&
              strstr(r.err.data, "round") == NULL,
          "a missing server: exit status %d, want 1 before any round; "
          "stderr: %s", r.status, r.err.data);
    run_result_free(&r);
}

static const test_t tests[] = {
    TEST(echobench_passes_a_correct_server),
    TEST(echobench_passes_echoserveri),
    TEST(echobench_catches_a_flipped_bit),
    TEST(echobench_catches_swapped_lines),
    TEST(echobench_fair_counts_the_clients_a_pool_leaves_out),
    TEST(echobench_churn_passes_a_correct_server),
    TEST(echobench_churn_catches_a_dropped_echo),
    TEST(echobench_churn_catches_a_garbled_echo),
    TEST(echobench_churn_fails_where_nothing_listens),
    TEST(echobench_refuses_bad_usage),
    TEST(spawncost_measures_processes_and_threads),
    TEST(ab_compares_two_servers_round_after_round),
    TEST(ab_measures_churn),
    TEST(ab_stops_at_a_corrupting_server),
    TEST(ab_refuses_bad_usage),
};

int main(int argc, char **argv)
{
    return run_tests("tools", tests, sizeof(tests) / sizeof(tests[0]), argc,
                     argv);
}
