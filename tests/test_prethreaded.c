/*
 * test_prethreaded.c - what echoservert_pre's model promises beyond the
 * contract (test_servers.c): a fixed pool of threads, at most `threads`
 * clients served at once, a byte total shared by every worker and logged
 * promptly, and bad counts refused. Counting threads reads /proc: those
 * tests are skipped where there is none.
 * Run: tests/bin/test_prethreaded [test_name...]
 */
#include "testlib.h"

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
    int idle = wait_proc_count(s.pid, "task", 5, 2000);
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
    server_t s;

    if (server_start(&s, "./echoservert_pre", "0", "2", "4", NULL) < 0)
        return;
    check_pool_of_two_holds_a_third(&s, "threads", 1);
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
    /* Another worker's batch may still be on its way: workers log outside
     * the lock, so the last total can come out before earlier ones. */
    server_log_wait(&s, "server received ", CLIENTS * LINES, 3000);
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
    TEST(echoservert_pre_thread_count_is_unchanged_with_50_clients),
    TEST(echoservert_pre_serves_at_most_threads_clients_at_once),
    TEST(echoservert_pre_logs_bytes_with_a_shared_total),
    TEST(echoservert_pre_total_counts_every_byte_from_4_clients_at_once),
    TEST(echoservert_pre_logs_a_batch_before_its_echo_fails),
    TEST(echoservert_pre_rejects_bad_counts_with_status_2),
};

int main(int argc, char **argv)
{
    return run_tests("prethreaded", tests, sizeof(tests) / sizeof(tests[0]),
                     argc, argv);
}
